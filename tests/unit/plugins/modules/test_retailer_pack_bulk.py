# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk form of channel.partner.retailer_pack (option ``packs``), in-process against the emulator over real HTTP."""

import json
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import ACCOUNTS, RETAILER_LOGIN, account_in, profile_in, retailer_account_args
from modrun import by_pack_id, run_module

PACK_NAMES = {534: 'Extra 1,000 emails', 535: 'Extra 10,000 emails', 536: 'SMS 100', 537: 'Extra storage 1 GB',
              538: 'Dedicated IP', 539: 'Extra user'}
# Account 23055 (profile Economy) starts with 534=3, 535=1, 536=2, 537=0, 538=0; Economy allows 534 0-10, 535 0-5, 536 0-5,
# 537 0-3, 538 0-1.
THREE = [{'pack_id': 534, 'quantity': 6}, {'pack_name': 'SMS 100', 'quantity': 4}, {'pack_id': 537, 'increment': 2}]


def run(emu, packs, account_id=23055, check_mode=False, diff=False, **options):
    args = retailer_account_args(emu, account_id, packs=packs, **options)
    return run_module('retailer_pack', args, check_mode=check_mode, diff=diff)


def quantities(emu, account_id=23055):
    for entry in emu.snapshot()['retailer']['accounts']:
        if entry['IdAccount'] == account_id:
            return dict((pack['Id'], pack['Quantity']) for pack in entry['ActivePacks'])
    raise AssertionError('no account %s' % account_id)


def calls(emu):
    """(method, path below the service, or 'token') of every request, in order."""
    result = []
    for entry in emu.requests():
        result.append((entry['method'], 'token' if entry['api'] == 'oauth' else entry['path'].rsplit('RetailerService.svc/', 1)[-1]))
    return result


def advised_totals(message):
    """The ``packs`` list the message advises, read as a user would paste it into the task (YAML)."""
    match = re.search(r'\(packs: (\[[^\]]*\])\)', message)
    assert match, 'the message advises no totals: %s' % message
    return yaml.safe_load(match.group(1))


def posts_to(emu, pack_id):
    return len([entry for entry in emu.writes() if entry['path'].endswith('/Pack/%d' % pack_id)])


def warning_texts(result):
    return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]


def test_a_list_reads_once_and_posts_once_per_change(emulator):
    packs = THREE + [{'pack_id': 535, 'quantity': 1}]
    result = run(emulator, packs, diff=True)

    assert result['changed'] is True, result
    # The reads come first, in order; the three POSTs may be in flight together, so they reach the emulator in any order.
    sent = calls(emulator)
    assert sent[:3] == [('POST', 'token'), ('GET', 'Account/23055/Status'), ('GET', 'Management/Profile/1047/Pack')]
    assert sorted(sent[3:]) == [('POST', 'Account/23055/Pack/534'), ('POST', 'Account/23055/Pack/536'), ('POST', 'Account/23055/Pack/537')]
    bodies = [entry for entry in emulator.requests(method='POST') if entry['api'] == 'retailer']
    assert len(bodies) == 3
    assert result['packs'] == [
        {'Id': 534, 'Name': 'Extra 1,000 emails', 'Min': 0, 'Max': 10, 'quantity_before': 3, 'quantity_after': 6},
        {'Id': 536, 'Name': 'SMS 100', 'Min': 0, 'Max': 5, 'quantity_before': 2, 'quantity_after': 4},
        {'Id': 537, 'Name': 'Extra storage 1 GB', 'Min': 0, 'Max': 3, 'quantity_before': 0, 'quantity_after': 2},
        {'Id': 535, 'Name': 'Extra 10,000 emails', 'Min': 0, 'Max': 5, 'quantity_before': 1, 'quantity_after': 1}]
    assert [(plan['resource'], plan['action']) for plan in result['plans']] == [
        ('retailer_pack/23055/534', 'set'), ('retailer_pack/23055/536', 'set'), ('retailer_pack/23055/537', 'increment'),
        ('retailer_pack/23055/535', 'none')]
    assert result['plans'][0] == {'resource': 'retailer_pack/23055/534', 'action': 'set', 'before': {'quantity': 3}, 'after': {'quantity': 6}}
    assert result['diff'] == {
        'before': {'retailer_pack/23055/534': 3, 'retailer_pack/23055/536': 2, 'retailer_pack/23055/537': 0, 'retailer_pack/23055/535': 1},
        'after': {'retailer_pack/23055/534': 6, 'retailer_pack/23055/536': 4, 'retailer_pack/23055/537': 2, 'retailer_pack/23055/535': 1}}
    assert quantities(emulator) == {534: 6, 535: 1, 536: 4, 537: 2, 538: 0}
    assert result['account']['ActivePacks'] == [{'CurrentQuantity': 6, 'Id': 534, 'Quantity': 6}, {'CurrentQuantity': 1, 'Id': 535, 'Quantity': 1},
                                                {'CurrentQuantity': 4, 'Id': 536, 'Quantity': 4}, {'CurrentQuantity': 2, 'Id': 537, 'Quantity': 2},
                                                {'CurrentQuantity': 0, 'Id': 538, 'Quantity': 0}]
    # The returned status is computed, not read back: it must be what MailUp now holds.
    stored = [entry for entry in emulator.snapshot()['retailer']['accounts'] if entry['IdAccount'] == 23055][0]
    assert sorted(result['account']['ActivePacks'], key=lambda pack: pack['Id']) == sorted(stored['ActivePacks'], key=lambda pack: pack['Id'])


def test_with_concurrency_one_the_posts_go_in_list_order(emulator):
    result = run(emulator, THREE + [{'pack_id': 535, 'quantity': 1}], concurrency=1)

    assert result['changed'] is True, result
    assert calls(emulator) == [('POST', 'token'), ('GET', 'Account/23055/Status'), ('GET', 'Management/Profile/1047/Pack'),
                               ('POST', 'Account/23055/Pack/534'), ('POST', 'Account/23055/Pack/536'), ('POST', 'Account/23055/Pack/537')]
    assert quantities(emulator) == {534: 6, 535: 1, 536: 4, 537: 2, 538: 0}


def test_absolute_totals_again_by_id_read_only_the_status(emulator):
    packs = [{'pack_id': 534, 'quantity': 6}, {'pack_id': 536, 'quantity': 4}]
    assert run(emulator, packs)['changed'] is True
    emulator.clear_requests()
    again = run(emulator, packs)
    assert again['changed'] is False
    assert calls(emulator) == [('POST', 'token'), ('GET', 'Account/23055/Status')]
    assert [plan['action'] for plan in again['plans']] == ['none', 'none']
    # The profile's packs were not needed, so the names are unknown.
    assert again['packs'][0] == {'Id': 534, 'Name': None, 'Min': None, 'Max': None, 'quantity_before': 6, 'quantity_after': 6}


def test_check_mode_predicts_the_real_run_exactly_and_writes_nothing(emulator):
    predicted = run(emulator, THREE, check_mode=True, diff=True)
    assert emulator.writes() == [] and quantities(emulator)[534] == 3
    real = run(emulator, THREE, diff=True)
    for key in ('changed', 'packs', 'plans', 'account', 'diff'):
        assert predicted[key] == real[key], key


def test_every_item_outside_its_limits_is_named_and_nothing_is_written(emulator):
    packs = [{'pack_id': 534, 'quantity': 4}, {'pack_id': 538, 'quantity': 3}, {'pack_name': 'SMS 100', 'increment': -5},
             {'pack_id': 535, 'quantity': 9}]
    result = run(emulator, packs)
    assert result['failed'] is True
    assert result['msg'].startswith('in the profile 1047 of the account 23055, pack 538')
    for words in ('pack 538 (Dedicated IP) takes a total of 0 to 1: packs[1].quantity=3 is outside it (the account has 0)',
                  'pack 536 (SMS 100) takes a total of 0 to 5: packs[2].increment=-5 would make it -3 (the account has 2)',
                  'pack 535 (Extra 10,000 emails) takes a total of 0 to 5: packs[3].quantity=9 is outside it (the account has 1)',
                  'Nothing was changed'):
        assert words in result['msg'], words
    assert result['refused'] == [{'pack_id': 538, 'min': 0, 'max': 1, 'wanted': 3}, {'pack_id': 536, 'min': 0, 'max': 5, 'wanted': -3},
                                 {'pack_id': 535, 'min': 0, 'max': 5, 'wanted': 9}]
    assert emulator.writes() == []


def test_unknown_and_repeated_packs_fail_before_any_write(emulator):
    unknown = run(emulator, THREE + [{'pack_id': 539, 'quantity': 1}, {'pack_name': 'Carrier pigeons', 'quantity': 1}])
    assert unknown['failed'] is True
    assert "unknown pack 539 in the profile 1047" in unknown['msg'] and "unknown pack 'Carrier pigeons'" in unknown['msg']
    repeated = run(emulator, [{'pack_id': 536, 'quantity': 1}, {'pack_name': 'SMS 100', 'increment': 1}])
    assert repeated['failed'] is True and 'pack 536 is listed more than once (packs[0], packs[1])' in repeated['msg']
    assert emulator.writes() == []


def test_a_post_that_failed_with_an_unknown_outcome_stops_the_list_and_the_advice_finishes_it(emulator):
    # The vendor's own 500 and nothing applied: the client cannot know that, so the outcome is unknown, and the read-back
    # shows the total before (which does not prove the vendor will not still apply it).
    emulator.add_fault('status', route='Account/23055/Pack/536$', method='POST', status=500, count=10)
    # One write at a time (concurrency 1): what comes after the failure is never started.
    result = run(emulator, THREE + [{'pack_id': 535, 'quantity': 1}], concurrency=1)
    assert result['failed'] is True and result['changed'] is True and result['applied'] is None
    message = result['msg']
    assert message.startswith('could not set pack 536 SMS 100 of the account 23055 (2 -> 4): ')
    assert 'whether it was applied is unknown: a read-back shows quantity=2, as before the write: not applied so far, but the vendor ' \
        'may still apply it. It was not sent again.' in message
    assert 'Done before the failure: set pack 534 Extra 1,000 emails of the account 23055 (3 -> 6).' in message
    assert 'Not attempted: add 2 to pack 537 Extra storage 1 GB of the account 23055 (0 -> 2).' in message
    assert [(plan['resource'], plan['outcome'], plan['failed']) for plan in result['plans']] == [
        ('retailer_pack/23055/534', 'done', False), ('retailer_pack/23055/536', 'unknown', True),
        ('retailer_pack/23055/537', 'not_attempted', True), ('retailer_pack/23055/535', 'unchanged', False)]
    assert (result['writes_done'], result['writes_unknown']) == (
        ['set pack 534 Extra 1,000 emails of the account 23055 (3 -> 6)'], ['set pack 536 SMS 100 of the account 23055 (2 -> 4)'])
    assert quantities(emulator) == {534: 6, 535: 1, 536: 2, 537: 0, 538: 0} and posts_to(emulator, 536) == 1
    # The list holds an increment, so the advice is the totals, not "run it again".
    totals = advised_totals(message)
    assert totals == [{'pack_id': 534, 'quantity': 6}, {'pack_id': 536, 'quantity': 4}, {'pack_id': 537, 'quantity': 2},
                      {'pack_id': 535, 'quantity': 1}]
    emulator.clear_faults()
    assert run(emulator, totals)['changed'] is True
    assert quantities(emulator) == {534: 6, 535: 1, 536: 4, 537: 2, 538: 0}


@pytest.mark.parametrize('fault, shown', [
    # Never applied, but the client only knows that the connection dropped.
    ('drop_before', 'a read-back shows quantity=0, as before the write: not applied so far, but the vendor may still apply it'),
    # Applied, answer lost: the read-back cannot tell this increment from another writer's.
    ('drop_after', 'a read-back shows quantity=2, as if it was applied once, but another writer could have made the same change'),
])
def test_a_lost_increment_is_never_sent_again_and_the_advice_reaches_the_totals_once(emulator, fault, shown):
    emulator.add_fault(fault, route='Account/23055/Pack/537$', method='POST', count=1)
    # One write at a time (concurrency 1): what comes after the failure is never started.
    result = run(emulator, [{'pack_id': 537, 'increment': 2}, {'pack_id': 534, 'quantity': 5}], concurrency=1)
    assert result['failed'] is True and result['changed'] is True and result['applied'] is None
    assert shown in result['msg'] and 'Done before the failure: none' in result['msg'] and 'Not attempted: set pack 534' in result['msg']
    assert 'running the task again as it is would add 2 to pack 537 once more' in result['msg']
    assert posts_to(emulator, 537) == 1 and quantities(emulator)[534] == 3
    applied = quantities(emulator)[537]
    assert applied == (2 if fault == 'drop_after' else 0)
    # Following the advice exactly: the totals, whatever became of the lost increment.
    follow = run(emulator, advised_totals(result['msg']))
    assert 'failed' not in follow, follow
    assert quantities(emulator)[537] == 2 and quantities(emulator)[534] == 5
    # The increment itself arrived once; what the advice sent is absolute.
    posts = [entry for entry in emulator.requests(api='retailer', method='POST') if entry['path'].endswith('/Pack/537')]
    assert len(posts) == (1 if fault == 'drop_after' else 2)


@pytest.mark.parametrize('options, words', [
    ({'packs': THREE, 'pack_id': 534}, 'mutually exclusive: packs|pack_id'),
    ({'packs': THREE, 'quantity': 1}, 'mutually exclusive: packs|quantity'),
    ({'packs': [{'pack_id': 534, 'pack_name': 'SMS 100', 'quantity': 1}]}, 'mutually exclusive: pack_id|pack_name found in packs'),
    ({'packs': [{'pack_id': 534}]}, 'one of the following is required: quantity, increment found in packs'),
    ({'packs': [{'pack_id': 534, 'quantity': -1}]}, 'packs[0].quantity must be 0 or more, not -1'),
    ({'packs': [{'pack_id': 534, 'quantity': 1}, {'pack_id': 535, 'increment': 0}]}, 'packs[1].increment must not be 0'),
    ({'packs': THREE, 'rate_limit': -1}, 'rate_limit must be 0 (no pacing) or a number of requests per second'),
])
def test_bad_lists_fail_before_any_request(emulator, options, words):
    result = run(emulator, **options)
    assert result['failed'] is True
    assert words in result['msg'], result['msg']
    assert emulator.requests() == []


def test_no_secret_in_a_bulk_failure(emulator):
    emulator.add_fault('status', route='Account/23055/Pack/534$', method='POST', status=500, count=10)
    result = run(emulator, THREE)
    text = json.dumps(result)
    assert result['failed'] is True
    assert RETAILER_LOGIN['client_secret'] not in text and RETAILER_LOGIN['password'] not in text


# Property: random start totals on an account and a random list of wanted totals.

@st.composite
def scenarios(draw):
    account_id = draw(st.sampled_from(sorted(ACCOUNTS)))
    profile_id = draw(st.sampled_from([1046, 1047, 1048]))
    return account_id, profile_id, draw(st.data())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_property_first_run_reaches_the_list_second_is_a_no_op_check_mode_predicts(emulator, scenario):
    account_id, profile_id, data = scenario
    emulator.reset()
    with emulator.edit_state() as state:
        limits = dict((pack['Id'], (pack['Min'], pack['Max'])) for pack in profile_in(state, profile_id)['Packs'])
        entry = account_in(state, account_id)
        entry['IdProfile'] = profile_id
        entry['ActivePacks'] = []
        for pack_id, (low, high) in sorted(limits.items()):
            if data.draw(st.booleans(), label='listed %d' % pack_id):
                quantity = data.draw(st.integers(low, high), label='start %d' % pack_id)
                entry['ActivePacks'].append({'CurrentQuantity': quantity, 'Id': pack_id, 'Quantity': quantity})
    chosen = data.draw(st.lists(st.sampled_from(sorted(limits)), min_size=1, max_size=len(limits), unique=True), label='packs')
    packs = []
    for pack_id in chosen:
        item = {'pack_name': PACK_NAMES[pack_id]} if data.draw(st.booleans(), label='by name') else {'pack_id': pack_id}
        # Mostly within the limits, sometimes one too many.
        low, high = limits[pack_id]
        item['quantity'] = data.draw(st.integers(low, high + 1 if data.draw(st.integers(0, 9), label='over') == 0 else high), label='total')
        packs.append(item)
    before = quantities(emulator, account_id)
    # One write at a time, or several in flight: the result is the same, in list order.
    concurrency = data.draw(st.sampled_from([1, 2, 3, 5, 8]), label='concurrency')
    emulator.clear_requests()

    # The emulator's rate limit is off here; without the client's pacing 200 examples take seconds instead of minutes.
    predicted = run(emulator, packs, account_id, check_mode=True, diff=True, rate_limit=0, concurrency=concurrency)
    assert emulator.writes() == []
    real = run(emulator, packs, account_id, diff=True, rate_limit=0, concurrency=concurrency)

    wanted = dict((pack_id, item['quantity']) for pack_id, item in zip(chosen, packs))
    outside = [pack_id for pack_id, total in wanted.items()
               if total != before.get(pack_id, 0) and not limits[pack_id][0] <= total <= limits[pack_id][1]]
    if outside:
        assert predicted['failed'] and real['failed'] and predicted['msg'] == real['msg']
        assert [entry['pack_id'] for entry in real['refused']] == outside
        assert emulator.writes() == [] and quantities(emulator, account_id) == before
        return
    changes = [pack_id for pack_id in chosen if wanted[pack_id] != before.get(pack_id, 0)]
    assert 'failed' not in real, real
    assert predicted['changed'] == real['changed'] == bool(changes)
    for key in ('packs', 'plans', 'account', 'diff'):
        assert predicted[key] == real[key], key
    after = quantities(emulator, account_id)
    assert all(after.get(pack_id, 0) == total for pack_id, total in wanted.items())
    written, expected = [entry['path'].rsplit('/', 1)[-1] for entry in emulator.writes()], [str(pack_id) for pack_id in changes]
    # Each change written once; in list order when one at a time, in whatever order they arrived otherwise.
    assert sorted(written) == sorted(expected) and (concurrency > 1 or written == expected)

    emulator.clear_requests()
    again = run(emulator, packs, account_id, rate_limit=0, concurrency=concurrency)
    assert again['changed'] is False and emulator.writes() == []
    assert [pack['quantity_after'] for pack in again['packs']] == [wanted[pack_id] for pack_id in chosen]
    # The status returned without a read-back is the one MailUp reports when asked afterwards (pack order aside).
    assert by_pack_id(again['account']) == by_pack_id(real['account'])
