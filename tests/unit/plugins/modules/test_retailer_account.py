# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.retailer_account run in-process against the emulator (real HTTP)."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator.retailer import RetailerApi as EmulatedRetailer
from emulator_fixture import ACCOUNTS, RETAILER_LOGIN, account_in, profile_in, retailer_account_args, stored_account
from modrun import run_module

SECRETS = (RETAILER_LOGIN['client_secret'], RETAILER_LOGIN['password'])
PROFILES = {1046: 'Trial', 1047: 'Economy', 1048: 'Premium'}
FAST = {'poll_interval': 0.01}


def account(emu, account_id=23055, **options):
    return retailer_account_args(emu, account_id, **dict(FAST, **options))


def retailer_requests(emu):
    return [(r['method'], r['path'].rsplit('RetailerService.svc/', 1)[-1], r['status']) for r in emu.requests(api='retailer')]


def set_start(emu, account_id, code, profile_id):
    """Put an account in a start state directly in the emulator's store (not through the module under test)."""
    with emu.edit_state() as state:
        entry = account_in(state, account_id)
        entry['Code'] = code
        if entry['IdProfile'] != profile_id:
            # The emulator's own profile switch keeps ActivePacks consistent with the profile.
            EmulatedRetailer.apply_profile(entry, profile_in(state, profile_id))


def test_noop_costs_one_token_and_one_status_read(emulator):
    result = run_module('retailer_account', account(emulator, state='enabled', profile='1047'))
    assert result['changed'] is False, result
    assert result['profile_change'] == 'none'
    assert result['plan'] == {'resource': 'retailer_account/23055', 'action': 'none',
                              'before': {'state': 'enabled', 'profile_id': 1047}, 'after': {'state': 'enabled', 'profile_id': 1047}}
    assert [r['method'] for r in emulator.requests()] == ['POST', 'GET']
    assert retailer_requests(emulator) == [('GET', 'Account/23055/Status', 200)]


def test_profile_by_name_reads_the_profile_list_once(emulator):
    result = run_module('retailer_account', account(emulator, profile='Economy'))
    assert result['changed'] is False
    assert retailer_requests(emulator) == [('GET', 'Account/23055/Status', 200), ('GET', 'Management/Profile', 200)]


def test_enable_and_change_profile_in_order_with_diff(emulator):
    result = run_module('retailer_account', account(emulator, 23054, profile='economy'), diff=True)
    assert result['changed'] is True, result
    assert result['profile_change'] == 'done'
    assert result['diff'] == {'before': {'state': 'disabled', 'profile_id': 1046}, 'after': {'state': 'enabled', 'profile_id': 1047}}
    assert result['account']['Code'] == 0 and result['account']['IdProfile'] == 1047
    writes = [(r['method'], r['path'].rsplit('/', 2)[-2:], r['query']) for r in emulator.writes()]
    assert writes[0] == ('PUT', ['Account', '23054'], {'Enable': 'true'})
    assert all(w[0] == 'PUT' and w[1] == ['Profile', '1047'] for w in writes[1:])
    entry = stored_account(emulator, 23054)
    assert entry['Code'] == 0 and entry['IdProfile'] == 1047


def test_profile_change_before_disable(emulator):
    result = run_module('retailer_account', account(emulator, 23053, state='disabled', profile='Trial'))
    assert result['changed'] is True
    paths = [r['path'].split('RetailerService.svc/')[1] + ('?' + r['query'].get('Enable', '') if r['query'] else '') for r in emulator.writes()]
    assert paths[-1] == 'Account/23053?false'
    assert all(p == 'Account/23053/Profile/1046' for p in paths[:-1])
    assert stored_account(emulator, 23053)['IdProfile'] == 1046 and stored_account(emulator, 23053)['Code'] == 1


def test_check_mode_sends_no_write_and_predicts(emulator):
    result = run_module('retailer_account', account(emulator, 23054, profile='1048'), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['account']['Code'] == 0 and result['account']['IdProfile'] == 1048
    assert result['account']['Description'] == 'Enabled'
    assert result['profile_change'] == 'done'
    assert emulator.writes() == []
    assert stored_account(emulator, 23054)['Code'] == 1


def test_absent_deletes_then_is_unchanged(emulator):
    result = run_module('retailer_account', account(emulator, 23054, state='absent'), diff=True)
    assert result['changed'] is True and result['account'] == {}
    assert result['plan']['action'] == 'delete'
    assert result['diff']['after'] == {'state': 'absent', 'profile_id': None}
    assert stored_account(emulator, 23054) is None
    emulator.clear_requests()
    again = run_module('retailer_account', account(emulator, 23054, state='absent'))
    assert again['changed'] is False
    assert emulator.writes() == []


def test_missing_account_fails_clearly(emulator):
    result = run_module('retailer_account', account(emulator, 99999, external_user_id='cust-99999'))
    assert result['failed'] is True
    assert 'does not exist' in result['msg'] and '99999' in result['msg']


@pytest.mark.parametrize('value', ['', '   '])
def test_empty_external_user_id_fails_before_any_request(emulator, value):
    result = run_module('retailer_account', account(emulator, external_user_id=value))
    assert result['failed'] is True
    assert 'external_user_id' in result['msg']
    assert emulator.requests() == []


def test_unknown_profile_name_fails_listing_the_profiles(emulator):
    result = run_module('retailer_account', account(emulator, profile='Platinum'))
    assert result['failed'] is True
    assert "unknown retailer profile 'Platinum'" in result['msg'] and '1047 (Economy)' in result['msg']
    assert emulator.writes() == []


def test_ambiguous_profile_name_fails(emulator):
    with emulator.edit_state() as state:
        state['retailer']['profiles'][0]['Name'] = 'Economy'
    result = run_module('retailer_account', account(emulator, 23054, profile='Economy'))
    assert result['failed'] is True
    assert 'ambiguous' in result['msg'] and '1046' in result['msg'] and '1047' in result['msg']
    assert emulator.writes() == []


def test_profile_change_polls_through_202_until_200(emulator):
    emulator.configure(profile_change_delay=0.3)
    result = run_module('retailer_account', account(emulator, 23055, profile='Premium', poll_interval=0.05))
    assert result['changed'] is True and result['profile_change'] == 'done'
    statuses = [r['status'] for r in emulator.writes()]
    assert statuses[-1] == 200 and set(statuses[:-1]) == {202} and len(statuses) >= 3


def test_profile_change_with_201_progress(emulator):
    emulator.configure(profile_change_delay=0.1, profile_change_progress_status=201)
    result = run_module('retailer_account', account(emulator, 23055, profile='1046', poll_interval=0.02, accept_pack_loss=True))
    assert result['profile_change'] == 'done' and stored_account(emulator, 23055)['IdProfile'] == 1046


def test_no_wait_reports_started(emulator):
    emulator.configure(profile_change_delay=5)
    result = run_module('retailer_account', account(emulator, 23055, profile='1048', wait=False))
    assert result['changed'] is True and result['profile_change'] == 'started'
    assert result['account']['IdProfile'] == 1047
    assert len(emulator.writes()) == 1


def test_failed_job_reports_vendor_words_and_earlier_writes(emulator):
    emulator.configure(profile_change_outcome='fail')
    result = run_module('retailer_account', account(emulator, 23054, profile='1047'))
    assert result['failed'] is True
    assert 'An error occurred changing the account profile.' in result['msg']
    assert 'Done before the failure: enabled the account 23054.' in result['msg']
    assert result['writes_done'] == ['enabled the account 23054']


def test_wait_timeout_says_the_change_may_complete(emulator):
    emulator.configure(profile_change_delay=30)
    result = run_module('retailer_account', account(emulator, 23055, profile='1048', wait_timeout=0, poll_interval=0.05))
    assert result['failed'] is True
    assert 'may still complete' in result['msg']


def test_no_secret_in_failure(emulator):
    emulator.add_fault('status', route='Account/23055/Status', status=500, count=10)
    result = run_module('retailer_account', account(emulator))
    assert result['failed'] is True
    text = repr(result)
    assert not any(secret in text for secret in SECRETS)


# Property: from any start state to any wanted state, the first run reaches it, the second
# run changes nothing and writes nothing, and check mode predicts the real run exactly.

def _profile_reference(draw_value, profile_id):
    kind, case = draw_value
    if kind == 'id':
        return str(profile_id)
    name = PROFILES[profile_id]
    return name.lower() if case else name


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    account_id=st.sampled_from(sorted(ACCOUNTS)),
    start_code=st.sampled_from([0, 1]),
    start_profile=st.sampled_from(sorted(PROFILES)),
    wanted_state=st.sampled_from(['enabled', 'disabled', 'absent']),
    wanted_profile=st.one_of(st.none(), st.sampled_from(sorted(PROFILES))),
    reference=st.tuples(st.sampled_from(['id', 'name']), st.booleans()),
    accept_pack_loss=st.booleans(),
)
def test_property_converges_and_check_mode_predicts(emulator, account_id, start_code, start_profile, wanted_state,
                                                    wanted_profile, reference, accept_pack_loss):
    emulator.reset()
    set_start(emulator, account_id, start_code, start_profile)
    options = {'state': wanted_state, 'accept_pack_loss': accept_pack_loss}
    if wanted_profile is not None:
        options['profile'] = _profile_reference(reference, wanted_profile)
    args = account(emulator, account_id, **options)
    start = emulator.snapshot()
    emulator.clear_requests()

    predicted = run_module('retailer_account', args, check_mode=True, diff=True)
    assert emulator.writes() == []
    real = run_module('retailer_account', args, diff=True)
    expected_profile = start_profile if wanted_profile is None else wanted_profile

    # What the profile change would cost in packs, from the emulator's own state: held packs the new profile does not
    # offer, and held totals above its maximum.
    held = dict((pack['Id'], pack['Quantity']) for pack in account_in(start, account_id)['ActivePacks'])
    offered = dict((pack['Id'], pack['Max']) for pack in profile_in(start, expected_profile)['Packs'])
    lost = sorted(pack_id for pack_id, quantity in held.items() if quantity > 0 and (pack_id not in offered or quantity > offered[pack_id]))
    if wanted_state != 'absent' and expected_profile != start_profile and lost and not accept_pack_loss:
        # Refused before any write, naming every pack, the same in check mode and for real.
        assert predicted['failed'] and real['failed'] and predicted['msg'] == real['msg'], (predicted, real)
        assert sorted(loss['pack_id'] for loss in real['pack_losses']) == lost
        assert 'accept_pack_loss' in real['msg'] and emulator.writes() == [] and emulator.snapshot() == start
        return
    assert 'failed' not in predicted, predicted
    assert 'failed' not in real, real
    assert real['changed'] == predicted['changed']
    assert real['plan'] == predicted['plan'] and real['diff'] == predicted['diff']
    assert real.get('plans') == predicted.get('plans')
    assert real['profile_change'] == predicted['profile_change']
    entry = stored_account(emulator, account_id)
    if wanted_state == 'absent':
        assert entry is None and real['account'] == {} and predicted['account'] == {}
    else:
        assert entry['Code'] == (0 if wanted_state == 'enabled' else 1)
        assert entry['IdProfile'] == expected_profile
        # The packs a profile change re-shapes are predicted too: check mode shows the account the real run leaves.
        assert real['account'] == predicted['account']
        removed = sorted(loss['pack_id'] for loss in real['pack_losses'] if loss['reason'] == 'removed')
        moved = expected_profile != start_profile
        assert removed == (sorted(pack_id for pack_id in held if held[pack_id] > 0 and pack_id not in offered) if moved else [])
    should_change = wanted_state == 'absent' or start_code != (0 if wanted_state == 'enabled' else 1) or expected_profile != start_profile
    assert real['changed'] == should_change

    emulator.clear_requests()
    again = run_module('retailer_account', args)
    assert again['changed'] is False, again
    assert emulator.writes() == []
    # What the real run returned without reading back is what MailUp reports when asked afterwards.
    assert again['account'] == real['account']
