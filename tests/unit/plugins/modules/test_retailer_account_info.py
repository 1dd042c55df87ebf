# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.retailer_account_info run in-process against the emulator (real HTTP)."""

from hypothesis import HealthCheck, given, settings, strategies as st

from emulator.retailer import RetailerApi as EmulatedRetailer
from emulator_fixture import ACCOUNTS, RETAILER_LOGIN, account_in, profile_in, retailer_account_args, stored_account
from modrun import run_module

PROFILES = (1046, 1047, 1048)


def info(emu, account_id=23053, **options):
    args = retailer_account_args(emu, account_id, **options)
    return run_module('retailer_account_info', args)


def test_reads_the_seed_account_with_one_status_request(emulator):
    result = info(emulator)
    assert result['changed'] is False and result['exists'] is True
    assert result['state'] == 'enabled' and result['profile_id'] == 1048
    assert result['account']['Credits'] == 300
    assert [pack['Id'] for pack in result['account']['ActivePacks']] == [534, 535, 536, 537, 538]
    assert [(r['method'], r['api']) for r in emulator.requests()] == [('POST', 'oauth'), ('GET', 'retailer')]
    assert emulator.writes() == []


def test_disabled_account(emulator):
    result = info(emulator, 23054)
    assert (result['exists'], result['state'], result['profile_id']) == (True, 'disabled', 1046)


def test_unknown_account_is_absent_not_an_error(emulator):
    result = info(emulator, 99999)
    assert result.get('failed') is not True, result
    assert (result['exists'], result['state'], result['profile_id'], result['account']) == (False, 'absent', None, {})


def test_empty_external_user_id_fails_before_any_request(emulator):
    result = info(emulator, external_user_id='  ')
    assert result['failed'] is True and 'external_user_id' in result['msg']
    assert emulator.requests() == []


def test_vendor_error_is_reported_without_secrets(emulator):
    emulator.add_fault('status', route='/Account/23053/Status', status=500, count=10)
    result = info(emulator, timeout=2)
    assert result['failed'] is True and 'reading the account 23053 failed' in result['msg'] and '500' in result['msg']
    for secret in (RETAILER_LOGIN['client_secret'], RETAILER_LOGIN['password']):
        assert secret not in repr(result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    account_id=st.sampled_from(sorted(ACCOUNTS)),
    code=st.sampled_from([0, 1]),
    profile_id=st.sampled_from(PROFILES),
    quantities=st.lists(st.integers(min_value=0, max_value=9), min_size=6, max_size=6),
    deleted=st.booleans(),
)
def test_what_it_reports_is_the_account_as_stored(emulator, account_id, code, profile_id, quantities, deleted):
    emulator.reset()
    with emulator.edit_state() as state:
        entry = account_in(state, account_id)
        entry['Code'] = code
        EmulatedRetailer.apply_profile(entry, profile_in(state, profile_id))
        for pack, quantity in zip(entry['ActivePacks'], quantities):
            pack['Quantity'] = pack['CurrentQuantity'] = quantity
        if deleted:
            state['retailer']['accounts'].remove(entry)
    emulator.clear_requests()

    result = info(emulator, account_id)

    expected = stored_account(emulator, account_id)
    assert result['exists'] is (expected is not None)
    if expected is None:
        assert result['state'] == 'absent' and result['account'] == {}
    else:
        assert result['state'] == ('enabled' if code == 0 else 'disabled')
        assert result['profile_id'] == profile_id
        assert result['account']['ActivePacks'] == expected['ActivePacks']
    assert emulator.writes() == []
