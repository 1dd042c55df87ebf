# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract check (partner_api_contract, retailer_api_contract) against the emulator: it names the variant of
every open behaviour, detects each switch setting, writes nothing unless asked, and its round trip leaves the
state as it found it and reports what the vendor charged."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN, TARIFFS, stored_account
from modrun import run_module

ACCOUNT = dict(account_id=23055, external_user_id='cust-23055')


def partner_check(emu, **options):
    return run_module('partner_api_contract', dict(PARTNER_LOGIN, api_url=emu.partner_url, **options))


def retailer_check(emu, **options):
    # No pacing: the emulator's rate limit is off unless a test turns it on.
    return run_module('retailer_api_contract', dict(RETAILER_LOGIN, api_url=emu.retailer_url, rate_limit=0, **dict(ACCOUNT, **options)))


def variants(result):
    assert result.get('failed') is not True, result.get('msg')
    return dict((entry['behaviour'], (entry['variant'], entry['handled'])) for entry in result['behaviours'])


DEFAULTS = {
    'balance': ('meta.partner_credits of the price list', True),
    'regrade_targets': ('regrade_servicenames, a list', True),
    'targets_in_list': ('in the list', True),
    'search': ('honoured', True),
    'error_envelope': ('nested', True),
    'unknown_live_service': ('404', True),
    'token_answer': ('access_token, expires_in, refresh_token', True),
    'paging_without_parameters': ('the whole list', True),
    'paging_parameters': ('PageSize', True),
    'invalid_token': ('401 Authorization error: Invalid access token', True),
    'external_user_id': ('a header', True),
    'account_status': ('Code 0, IdProfile 1047, 5 ActivePacks', True),
    'missing_account': ('404', True),
    'account_lookup': ('a list, with the account', True),
    'login_list': ('the paginated envelope', True),
    'rate_limit_answer': ('no 429 met', None),
}

# switches -> the behaviour whose variant they change, and what the check must then say.
DETECTED = [
    ({'price_list_balance': 'absent'}, 'balance', 'data.partner_credits of /clients/self only'),
    ({'regrade_servicenames_format': 'csv'}, 'regrade_targets', 'regrade_servicenames, a comma-separated string'),
    ({'regrade_servicenames_field': 'regarde_servicenames'}, 'regrade_targets', 'regarde_servicenames, a list'),
    ({'search_filter': 'ignored'}, 'search', 'ignored (records of other clients came back)'),
    ({'partner_error_envelope': 'flat'}, 'error_envelope', 'flat'),
    ({'partner_error_envelope': 'cake'}, 'error_envelope', 'cake'),
    ({'paging_parameters': 'pageSize'}, 'paging_parameters', 'pageSize'),
    ({'invalid_token_status': 400}, 'invalid_token', '400 Authorization error: Invalid access token'),
    ({'external_user_id_header': False, 'external_user_id_in_query': True}, 'external_user_id', 'the query only'),
    ({'missing_account_status': 403}, 'missing_account', '403'),
    ({'account_lookup': 'none'}, 'account_lookup', 'none (405)'),
    ({'login_list_form': 'array'}, 'login_list', 'a plain array'),
]


def test_the_check_names_a_variant_for_every_open_behaviour_and_writes_nothing(emulator):
    found = variants(partner_check(emulator))
    found.update(variants(retailer_check(emulator)))
    assert found == DEFAULTS
    assert emulator.writes() == []


@pytest.mark.parametrize('switches, behaviour, variant', DETECTED, ids=['%s=%s' % sorted(row[0].items())[-1] for row in DETECTED])
def test_the_check_detects_each_switch_setting(emulator, switches, behaviour, variant):
    emulator.configure(**switches)
    found = variants(partner_check(emulator))
    found.update(variants(retailer_check(emulator)))
    assert found[behaviour] == (variant, True)
    # Every other behaviour reads as it does by default.
    assert dict((name, value) for name, value in found.items() if name != behaviour) == \
        dict((name, value) for name, value in DEFAULTS.items() if name != behaviour)
    assert emulator.writes() == []


def test_a_429_met_during_the_check_is_reported_with_or_without_retry_after(emulator):
    emulator.configure(rate_limit=True, rate_limit_per_second=1, retry_after=False)
    found = variants(retailer_check(emulator))
    assert found['rate_limit_answer'] == ('429 without Retry-After', True)


def test_without_an_account_the_account_checks_say_so(emulator):
    found = variants(run_module('retailer_api_contract', dict(RETAILER_LOGIN, api_url=emulator.retailer_url)))
    assert found['external_user_id'] == ('not checked (give account_id and external_user_id)', None)
    assert 'account_status' not in found


def test_the_round_trips_leave_the_state_as_they_found_it_and_report_the_charge(emulator):
    partner = partner_check(emulator, round_trip=True, live_service_id=1234931, tariff_service_name='Outmail1000')
    found = variants(partner)
    cost = TARIFFS['Outmail1000']['credits'] - TARIFFS['Outmail500']['credits']
    assert found['regrade_answer'] == ('the live service in data', True) and found['regrade_cost'] == ('difference', True)
    assert partner['changed'] is True and partner['balances'] == [100, 100 - cost, 100 - cost] and partner['charged'] == [cost, 0]
    assert partner['writes'] == ['regraded live service 1234931 to Outmail1000', 'regraded live service 1234931 to Outmail500']
    retailer = retailer_check(emulator, round_trip=True, pack_id=534)
    assert variants(retailer)['pack_write'] == ('read back 4 after setting 4, then 3 after 3', True)
    state = emulator.snapshot()
    assert [service for service in state['live_services'] if service['id'] == 1234931][0]['tariff_service_name'] == 'Outmail500'
    assert dict((pack['Id'], pack['Quantity']) for pack in stored_account(emulator, 23055)['ActivePacks'])[534] == 3
    assert [(entry['method'], entry['path'].rsplit('/', 1)[-1]) for entry in emulator.writes()] == [
        ('PATCH', '1234931'), ('PATCH', '1234931'), ('POST', '534'), ('POST', '534')]


def test_the_round_trip_detects_a_full_price_regrade_and_a_success_without_a_record(emulator):
    emulator.configure(regrade_cost_model='full', regrade_answer='meta_only')
    found = variants(partner_check(emulator, round_trip=True, live_service_id=1234931, tariff_service_name='Outmail1000'))
    assert found['regrade_cost'] == ('full', True) and found['regrade_answer'] == ('success without data (read back)', True)


def test_no_round_trip_in_check_mode(emulator):
    result = run_module('partner_api_contract', dict(PARTNER_LOGIN, api_url=emulator.partner_url, round_trip=True,
                                                     live_service_id=1234931, tariff_service_name='Outmail1000'), check_mode=True)
    assert result['changed'] is False and result['writes'] == [] and emulator.writes() == []


def test_a_round_trip_needs_a_service_and_a_package_named(emulator):
    result = partner_check(emulator, round_trip=True)
    assert result['failed'] is True and 'live_service_id' in result['msg'] and emulator.requests() == []


def expected_variants(switches):
    """What the check must report under ``switches``: the default, changed by each switch set."""
    expected = dict(DEFAULTS)
    for row_switches, behaviour, variant in DETECTED:
        if all(switches.get(name) == value for name, value in row_switches.items()):
            expected[behaviour] = (variant, True)
    if switches.get('regrade_servicenames_format') == 'csv' and switches.get('regrade_servicenames_field') == 'regarde_servicenames':
        expected['regrade_targets'] = ('regarde_servicenames, a comma-separated string', True)
    return expected


SWITCH_CHOICES = {
    'price_list_balance': st.sampled_from(['meta', 'absent']),
    'regrade_servicenames_format': st.sampled_from(['array', 'csv']),
    'regrade_servicenames_field': st.sampled_from(['regrade_servicenames', 'regarde_servicenames']),
    'search_filter': st.sampled_from(['honoured', 'ignored']),
    'partner_error_envelope': st.sampled_from(['nested', 'flat', 'cake']),
    'paging_parameters': st.sampled_from(['PageSize', 'pageSize']),
    'invalid_token_status': st.sampled_from([401, 400]),
    'missing_account_status': st.sampled_from([404, 403]),
    'external_user_id_header': st.booleans(),
    'account_lookup': st.sampled_from(['account_list', 'none']),
    'login_list_form': st.sampled_from(['paginated', 'array']),
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(switches=st.fixed_dictionaries(SWITCH_CHOICES))
def test_property_partner_api_contract_and_retailer_api_contract_detect_any_mix_of_switches(emulator, switches):
    emulator.reset()
    # Without the header, the query must count, or no account request could work at all.
    emulator.configure(external_user_id_in_query=not switches['external_user_id_header'], **switches)
    found = variants(partner_check(emulator))
    found.update(variants(retailer_check(emulator)))
    assert found == expected_variants(dict(switches, external_user_id_in_query=not switches['external_user_id_header']))
    assert emulator.writes() == []
