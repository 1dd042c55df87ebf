# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each variant the vendors' pages leave open, with its emulator switch on: the task converges (or fails clearly where
the variant makes it impossible), the rerun changes nothing, and the request log shows what the variant cost.

The switch matrix (test_switch_matrix.py) runs every module under every setting; these tests look
closer at what each variant asks of the collection.
"""

import pytest

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN, TARIFFS, retailer_account_args, stored_account
from modrun import run_module

SERVICE = 1234931


def partner_args(emu, **options):
    return dict(PARTNER_LOGIN, api_url=emu.partner_url, timeout=5, **options)


def calls(emu, api=None):
    """(method, path below the API's root) of the request log."""
    return [(entry['method'], entry['path'].replace('/api-v1', '').replace('/API/v1.1/Rest/RetailerService.svc', ''))
            for entry in emu.requests(api=api)]


def balance(emu):
    return emu.snapshot()['partner']['partner_credits']


def tariff(emu, service_id=SERVICE):
    return [service for service in emu.snapshot()['live_services'] if service['id'] == service_id][0]['tariff_service_name']


def profile_info_args(emu):
    return dict(RETAILER_LOGIN, api_url=emu.retailer_url, timeout=5)


def rerun_changes_nothing(emu, module, args):
    emu.clear_requests()
    again = run_module(module, args)
    assert again.get('failed') is not True and again['changed'] is False, again
    assert emu.writes() == []
    return again


# The Partner API


def test_the_balance_comes_from_clients_self_when_the_price_list_lacks_it(emulator):
    emulator.configure(price_list_balance='absent')
    args = partner_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000')
    result = run_module('live_service_regrade', args)
    assert result['changed'] is True and tariff(emulator) == 'Outmail1000'
    cost = TARIFFS['Outmail1000']['credits'] - TARIFFS['Outmail500']['credits']
    assert (result['credits_balance_before'], result['credits_charged'], result['credits_balance_after']) == (100, cost, 100 - cost)
    assert calls(emulator) == [('GET', '/live_services/%d' % SERVICE), ('GET', '/live_services/service_names'), ('GET', '/clients/self'),
                               ('PATCH', '/live_services/%d' % SERVICE), ('GET', '/clients/self')]
    rerun_changes_nothing(emulator, 'live_service_regrade', args)
    info = run_module('live_service_info', partner_args(emulator, live_service_id=SERVICE))
    assert info['credits_balance'] == 100 - cost


def test_without_any_balance_a_credit_check_is_refused_clearly_and_without_one_the_regrade_goes(emulator):
    emulator.configure(price_list_balance='absent')
    emulator.add_fault('status', route='/clients/self$', status=500)
    args = partner_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000')
    refused = run_module('live_service_regrade', args)
    assert refused['failed'] is True and refused['changed'] is False
    assert 'reading the price list failed' in refused['msg'] and '/clients/self' in refused['msg'] and 'Nothing was changed.' in refused['msg']
    assert emulator.writes() == [] and tariff(emulator) == 'Outmail500'

    unchecked = run_module('live_service_regrade', dict(args, credit_check=False))
    assert unchecked['changed'] is True and tariff(emulator) == 'Outmail1000'
    assert unchecked['credits_balance_before'] is None and unchecked['credits_balance_after_predicted'] is None
    assert 'the regrades are sent without a credit check' in str(unchecked['warnings'])
    rerun_changes_nothing(emulator, 'live_service_regrade', dict(args, credit_check=False))


def test_a_regrade_answered_without_a_record_is_read_back_and_counts_as_done(emulator):
    emulator.configure(regrade_answer='meta_only')
    args = partner_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000')
    result = run_module('live_service_regrade', args)
    assert result.get('failed') is not True and result['changed'] is True
    assert result['live_service']['tariff_service_name'] == 'Outmail1000' and tariff(emulator) == 'Outmail1000'
    assert 'warnings' not in result
    patch = calls(emulator).index(('PATCH', '/live_services/%d' % SERVICE))
    # One read-back, and the balance; the PATCH was sent once.
    assert calls(emulator)[patch:] == [('PATCH', '/live_services/%d' % SERVICE), ('GET', '/live_services/%d' % SERVICE), ('GET', '/clients/self')]
    rerun_changes_nothing(emulator, 'live_service_regrade', args)


def test_a_search_the_server_ignores_still_selects_only_what_matches(emulator):
    emulator.configure(search_filter='ignored')
    info = run_module('live_service_info', partner_args(emulator, product='outmail', client_id=9987601))
    assert sorted(service['id'] for service in info['live_services']) == [1234933, 1234934]
    args = partner_args(emulator, product='outmail', whmcs_service_id='503', tariff_service_name='Outmail500')
    result = run_module('live_service_regrade', args)
    assert result['changed'] is True and result['live_service']['id'] == 1234933
    assert tariff(emulator, 1234933) == 'Outmail500' and len(emulator.writes()) == 1
    # Every service but the one selected is as it was.
    assert tariff(emulator, SERVICE) == 'Outmail500' and tariff(emulator, 1234934) == 'Outmail1000'
    rerun_changes_nothing(emulator, 'live_service_regrade', args)
    # A product that matches nothing is refused, however many records the server sent.
    none = run_module('live_service_regrade', partner_args(emulator, product='masterdns', client_id=9987600, tariff_service_name='X'))
    assert none['failed'] is True and 'found 0' in none['msg'] and emulator.writes() == []


def test_the_seed_spelling_of_the_regrade_targets_is_read(emulator):
    emulator.configure(regrade_servicenames_field='regarde_servicenames')
    info = run_module('live_service_info', partner_args(emulator, live_service_id=SERVICE))
    service = info['live_services'][0]
    assert service['regrade_servicenames'] == ['Outmail100', 'Outmail1000', 'Outmail5000', 'Outmail25000']
    assert 'regarde_servicenames' not in service
    args = partner_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail5000')
    assert run_module('live_service_regrade', args)['changed'] is True and tariff(emulator) == 'Outmail5000'
    rerun_changes_nothing(emulator, 'live_service_regrade', args)


@pytest.mark.parametrize('envelope', ['nested', 'flat', 'cake'])
def test_the_vendor_message_is_read_from_each_error_shape(emulator, envelope):
    emulator.configure(partner_error_envelope=envelope)
    refused = run_module('live_service_info', partner_args(emulator, live_service_id=SERVICE, api_key='emu-wrong-key'))
    assert refused['failed'] is True and 'Invalid partner credentials' in refused['msg'] and '401' in refused['msg']
    assert refused['error']['vendor_message'] == 'Invalid partner credentials'


# The Retailer API


def test_the_external_user_id_goes_where_the_option_says(emulator):
    emulator.configure(external_user_id_header=False, external_user_id_in_query=True)
    header_only = run_module('retailer_pack', retailer_account_args(emulator, 23055, pack_id=534, quantity=4))
    assert header_only['failed'] is True and 'Invalid ExternalUserId.' in header_only['msg'] and emulator.writes() == []
    emulator.clear_requests()
    args = retailer_account_args(emulator, 23055, pack_id=534, quantity=4, external_user_id_location='query')
    result = run_module('retailer_pack', args)
    assert result['changed'] is True and result['quantity_after'] == 4
    account_calls = [entry for entry in emulator.requests(api='retailer') if '/Account/' in entry['path']]
    assert account_calls and all(entry['query'].get('ExternalUserId') == 'cust-23055' for entry in account_calls)
    rerun_changes_nothing(emulator, 'retailer_pack', args)


def test_a_deleted_account_answering_403_is_absent(emulator):
    emulator.configure(missing_account_status=403)
    args = retailer_account_args(emulator, 23053, state='absent')
    assert run_module('retailer_account', args)['changed'] is True and stored_account(emulator, 23053) is None
    rerun_changes_nothing(emulator, 'retailer_account', args)
    info = run_module('retailer_account_info', retailer_account_args(emulator, 23053))
    assert info['exists'] is False and info['state'] == 'absent'
    enable = run_module('retailer_account', retailer_account_args(emulator, 23053, state='enabled'))
    assert enable['failed'] is True and 'the account 23053 does not exist (the API answered 403)' in enable['msg']


def test_a_token_refused_with_400_is_renewed_once_and_the_profile_change_completes(emulator):
    # The token expires while the profile change is being polled; MailUp's newer status list answers that with 400.
    emulator.configure(invalid_token_status=400, token_lifetime=1, profile_change_delay=2.5)
    args = retailer_account_args(emulator, 23054, profile='Economy', poll_interval=0.5)
    result = run_module('retailer_account', args)
    assert result.get('failed') is not True, result.get('msg')
    assert result['profile_change'] == 'done' and stored_account(emulator, 23054)['IdProfile'] == 1047
    statuses = [entry['status'] for entry in emulator.requests(api='retailer')]
    assert 400 in statuses and len(emulator.requests(api='oauth')) >= 2
    rerun_changes_nothing(emulator, 'retailer_account', args)


def test_a_400_that_is_not_about_the_token_is_not_taken_for_one(emulator):
    emulator.configure(invalid_token_status=400)
    result = run_module('retailer_account_info', retailer_account_args(emulator, 23055, external_user_id=' '))
    assert result['failed'] is True and 'external_user_id' in result['msg']
    assert emulator.requests() == []


@pytest.mark.parametrize('spelling', ['PageSize', 'pageSize'])
def test_a_long_list_is_read_whole_whichever_spelling_of_the_paging_parameters_the_server_honours(emulator, spelling):
    emulator.configure(paging_parameters=spelling)
    with emulator.edit_state() as state:
        state['retailer']['profiles'] += [{'ClientCode': 100 + number, 'Description': 'Bulk %d' % number, 'Id': 2000 + number,
                                           'Name': 'Bulk %d' % number, 'Packs': []} for number in range(120)]
    result = run_module('retailer_profile_info', profile_info_args(emulator))
    assert result.get('failed') is not True, result.get('msg')
    assert len(result['profiles']) == 123 and len(set(profile['Id'] for profile in result['profiles'])) == 123
    # Pages of 50: three requests (the third has the last 23).
    assert len([entry for entry in emulator.requests(api='retailer') if entry['path'].endswith('/Management/Profile')]) == 3


def test_a_429_without_retry_after_is_waited_out_with_a_backoff(emulator):
    # Two calls a second on a resource, three pages of one list read at once: the third is refused with a bare 429.
    emulator.configure(rate_limit=True, rate_limit_per_second=2, retry_after=False)
    with emulator.edit_state() as state:
        state['retailer']['profiles'] += [{'ClientCode': 100 + number, 'Description': 'Bulk %d' % number, 'Id': 2000 + number,
                                           'Name': 'Bulk %d' % number, 'Packs': []} for number in range(120)]
    result = run_module('retailer_profile_info', dict(profile_info_args(emulator), rate_limit=0))
    assert result.get('failed') is not True, result.get('msg')
    assert len(result['profiles']) == 123
    pages = [entry for entry in emulator.requests(api='retailer') if entry['path'].endswith('/Management/Profile')]
    assert 429 in [entry['status'] for entry in pages], 'the emulator refused nothing: the test proves nothing'
    assert [entry['query']['PageNumber'] for entry in pages if entry['status'] == 200] == ['0', '1', '2']
