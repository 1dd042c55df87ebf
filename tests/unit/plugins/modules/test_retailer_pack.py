# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.retailer_pack run in-process against the emulator (real HTTP)."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import ACCOUNTS, account_in, profile_in, retailer_account_args
from modrun import by_pack_id, run_module

PACK_NAMES = {534: 'Extra 1,000 emails', 535: 'Extra 10,000 emails', 536: 'SMS 100', 537: 'Extra storage 1 GB',
              538: 'Dedicated IP', 539: 'Extra user'}


def pack_args(emu, account_id=23055, **options):
    return retailer_account_args(emu, account_id, **options)


def quantity_of(emu, account_id, pack_id):
    for entry in emu.snapshot()['retailer']['accounts']:
        if entry['IdAccount'] == account_id:
            for pack in entry['ActivePacks']:
                if pack['Id'] == pack_id:
                    return pack['Quantity']
            return 0
    raise AssertionError('no account %s' % account_id)


def warning_texts(result):
    # In-process, ansible-core 2.19 returns structured warning summaries; a playbook shows plain strings.
    texts = []
    for warning in result.get('warnings', []):
        texts.append(warning['event']['msg'] if isinstance(warning, dict) else warning)
    return texts


def retailer_paths(emu):
    return [(r['method'], r['path'].rsplit('RetailerService.svc/', 1)[-1]) for r in emu.requests(api='retailer')]


def test_noop_by_id_reads_only_the_status(emulator):
    result = run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=3))
    assert result['changed'] is False, result
    assert result['quantity_before'] == result['quantity_after'] == 3
    assert result['pack'] == {'Id': 534, 'Name': None, 'Min': None, 'Max': None, 'Quantity': 3}
    assert [r['method'] for r in emulator.requests()] == ['POST', 'GET']
    assert retailer_paths(emulator) == [('GET', 'Account/23055/Status')]


def test_noop_by_name_also_reads_the_packs(emulator):
    result = run_module('retailer_pack', pack_args(emulator, pack_name='SMS 100', quantity=2))
    assert result['changed'] is False
    assert result['pack'] == {'Id': 536, 'Name': 'SMS 100', 'Min': 0, 'Max': 5, 'Quantity': 2}
    assert retailer_paths(emulator) == [('GET', 'Account/23055/Status'), ('GET', 'Management/Profile/1047/Pack')]


def test_absolute_set_then_unchanged(emulator):
    result = run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=7), diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'pack_id': 534, 'quantity': 3}, 'after': {'pack_id': 534, 'quantity': 7}}
    assert result['plan'] == {'resource': 'retailer_pack/23055/534', 'action': 'set', 'before': {'quantity': 3}, 'after': {'quantity': 7}}
    assert quantity_of(emulator, 23055, 534) == 7
    posts = emulator.writes()
    assert len(posts) == 1 and posts[0]['path'].endswith('Account/23055/Pack/534')
    emulator.clear_requests()
    again = run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=7))
    assert again['changed'] is False and emulator.writes() == []


def test_check_mode_predicts_without_writing(emulator):
    predicted = run_module('retailer_pack', pack_args(emulator, 23053, pack_id=539, quantity=2), check_mode=True)
    assert emulator.writes() == []
    real = run_module('retailer_pack', pack_args(emulator, 23053, pack_id=539, quantity=2))
    assert predicted['changed'] is real['changed'] is True
    assert predicted['account'] == real['account']
    assert predicted['pack'] == real['pack'] == {'Id': 539, 'Name': 'Extra user', 'Min': 1, 'Max': 5, 'Quantity': 2}


def test_increment_is_sent_every_time(emulator):
    first = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=1))
    second = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=1))
    assert (first['quantity_before'], first['quantity_after']) == (0, 1)
    assert (second['quantity_before'], second['quantity_after']) == (1, 2)
    assert first['plan']['action'] == 'increment' and first['changed'] and second['changed']
    assert quantity_of(emulator, 23055, 537) == 2


@pytest.mark.parametrize('options, range_text', [
    ({'pack_id': 538, 'quantity': 2}, 'pack 538 (Dedicated IP) takes a total of 0 to 1: quantity=2 is outside it (the account has 0). '
                                      'Nothing was changed.'),
    ({'pack_id': 534, 'increment': -4}, 'takes a total of 0 to 10: increment=-4 would make it -1 (the account has 3). Nothing was changed.'),
])
def test_outside_min_max_fails_with_the_range_before_writing(emulator, options, range_text):
    result = run_module('retailer_pack', pack_args(emulator, **options))
    assert result['failed'] is True
    assert range_text in result['msg'], result['msg']
    assert emulator.writes() == []


@pytest.mark.parametrize('options', [{'pack_id': 999, 'quantity': 0}, {'pack_id': 539, 'quantity': 1},
                                     {'pack_name': 'Carrier pigeons', 'quantity': 1}])
def test_unknown_pack_fails(emulator, options):
    result = run_module('retailer_pack', pack_args(emulator, **options))
    assert result['failed'] is True
    assert 'unknown pack' in result['msg'] and 'SMS 100' in result['msg']
    assert emulator.writes() == []


@pytest.mark.parametrize('options, text', [
    ({'external_user_id': ''}, 'external_user_id'),
    ({'quantity': -1}, 'quantity must be 0 or more'),
    ({'quantity': None, 'increment': 0}, 'increment must not be 0'),
])
def test_invalid_input_fails_before_any_request(emulator, options, text):
    args = pack_args(emulator, pack_id=534, quantity=1)
    args.update(options)
    args = dict((key, value) for key, value in args.items() if value is not None)
    result = run_module('retailer_pack', args)
    assert result['failed'] is True and text in result['msg']
    assert emulator.requests() == []


def test_vendor_codes_are_mapped_to_names(emulator, monkeypatch):
    # The module's own Min..Max check passes here (stale limits are patched in), so MailUp's 403 code 1 is what answers.
    from ansible_collections.channel.partner.plugins.module_utils import _retailer_api

    real_packs = _retailer_api.RetailerApi.profile_packs

    def generous(self, profile_id):
        packs = real_packs(self, profile_id)
        for pack in packs:
            pack.maximum = 99
        return packs

    monkeypatch.setattr(_retailer_api.RetailerApi, 'profile_packs', generous)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=538, quantity=5))
    assert result['failed'] is True
    assert 'quantity_limits_exceeded' in result['msg']
    assert result['vendor_result'] == {'Code': 1, 'Description': 'Quantity limits exceeded', 'name': 'quantity_limits_exceeded'}
    assert quantity_of(emulator, 23055, 538) == 0


@pytest.mark.parametrize('fault, applied_once', [('drop_after', True), ('drop_before', False)])
def test_a_lost_incremental_answer_is_unknown_and_the_advice_is_the_total(emulator, fault, applied_once):
    emulator.add_fault(fault, route='Account/23055/Pack/537', method='POST', count=1)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=2))
    # Whether applied or not, the client saw only a dropped connection: never "applied", never "not applied".
    assert result['failed'] is True and result['applied'] is None and result['changed'] is True
    assert 'whether it was applied is unknown' in result['msg'] and 'It was not sent again.' in result['msg']
    assert result['read_back'] == {'quantity': 2 if applied_once else 0}
    assert 'set the totals this task was meant to reach instead (pack_id: 537, quantity: 2)' in result['msg']
    assert quantity_of(emulator, 23055, 537) == (2 if applied_once else 0)
    assert len(emulator.writes()) == 1
    # The advice, as written: the total, whatever became of the lost increment.
    follow = run_module('retailer_pack', pack_args(emulator, pack_id=537, quantity=2))
    assert 'failed' not in follow and follow['changed'] is (not applied_once)
    assert quantity_of(emulator, 23055, 537) == 2


# Property: random start quantities and a random wanted pack and total (or increment).

@st.composite
def scenarios(draw):
    account_id = draw(st.sampled_from(sorted(ACCOUNTS)))
    profile_id = draw(st.sampled_from([1046, 1047, 1048]))
    return account_id, profile_id, draw(st.data())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios(), by_name=st.booleans(), use_increment=st.booleans(), foreign_pack=st.booleans())
def test_property_reaches_wanted_total_and_check_mode_predicts(emulator, scenario, by_name, use_increment, foreign_pack):
    account_id, profile_id, data = scenario
    emulator.reset()
    with emulator.edit_state() as state:
        profile = profile_in(state, profile_id)
        limits = dict((p['Id'], (p['Min'], p['Max'])) for p in profile['Packs'])
        entry = account_in(state, account_id)
        entry['IdProfile'] = profile_id
        entry['ActivePacks'] = []
        for pack_id, (low, high) in sorted(limits.items()):
            if data.draw(st.booleans(), label='listed %d' % pack_id):
                quantity = data.draw(st.integers(low, high), label='start %d' % pack_id)
                entry['ActivePacks'].append({'CurrentQuantity': quantity, 'Id': pack_id, 'Quantity': quantity})
    outside = sorted(set(PACK_NAMES) - set(limits))
    if foreign_pack and outside:
        pack_id = data.draw(st.sampled_from(outside), label='foreign pack')
    else:
        pack_id = data.draw(st.sampled_from(sorted(limits)), label='pack')
    options = {'pack_name': PACK_NAMES[pack_id]} if by_name else {'pack_id': pack_id}
    if use_increment:
        options['increment'] = data.draw(st.integers(-3, 3).filter(bool), label='increment')
    else:
        options['quantity'] = data.draw(st.integers(0, 12), label='quantity')
    args = pack_args(emulator, account_id, **options)
    before = quantity_of(emulator, account_id, pack_id)
    emulator.clear_requests()

    predicted = run_module('retailer_pack', args, check_mode=True)
    assert emulator.writes() == []
    real = run_module('retailer_pack', args)

    wanted = before + options['increment'] if use_increment else options['quantity']
    if pack_id not in limits:
        assert predicted['failed'] and real['failed'] and 'unknown pack' in real['msg']
        assert emulator.writes() == []
        return
    low, high = limits[pack_id]
    if not low <= wanted <= high and (use_increment or wanted != before):
        option = 'increment' if use_increment else 'quantity'
        assert predicted['failed'] and real['failed'] and 'takes a total of %d to %d: %s=' % (low, high, option) in real['msg']
        assert emulator.writes() == [] and quantity_of(emulator, account_id, pack_id) == before
        return
    assert 'failed' not in real, real
    assert predicted['changed'] == real['changed'] == (use_increment or wanted != before)
    assert predicted['account'] == real['account']
    for key in ('pack', 'quantity_before', 'quantity_after', 'plan'):
        assert predicted[key] == real[key], key
    assert real['quantity_after'] == wanted == quantity_of(emulator, account_id, pack_id)
    assert len(emulator.writes()) == (1 if real['changed'] else 0)

    if not use_increment:
        emulator.clear_requests()
        again = run_module('retailer_pack', args)
        assert again['changed'] is False and emulator.writes() == []
        # The status returned without a read-back is the one MailUp reports when asked afterwards (pack order aside).
        assert by_pack_id(again['account']) == by_pack_id(real['account'])
