# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.live_service_regrade, run in-process against the emulator over real HTTP."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN, TARIFFS, default_state, load_partner_state, partner_calls, regrade_cost
from modrun import run_module

MODULE = 'live_service_regrade'
SERVICE_ID = 1234931


def connection(emu):
    return {'api_url': emu.partner_url, **PARTNER_LOGIN}


def regrade(emu, check_mode=False, diff=False, **options):
    args = connection(emu)
    args.update(options)
    return run_module(MODULE, args, check_mode=check_mode, diff=diff)


def service_state(emu, service_id=SERVICE_ID):
    snapshot = emu.snapshot()
    service = [item for item in snapshot['live_services'] if item['id'] == service_id][0]
    return service['tariff_service_name'], snapshot['partner']['partner_credits']


def test_upgrade_by_id_reads_prices_once_and_writes_once(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail1000')

    assert result['changed'] is True, result
    assert result['live_service']['tariff_service_name'] == 'Outmail1000'
    assert 'Outmail500' in result['live_service']['regrade_servicenames']
    assert result['previous_tariff_service_name'] == 'Outmail500'
    assert (result['credits_cost'], result['credits_balance_before'], result['credits_balance_after_predicted']) == (2, 100, 98)
    # Observed: the balance read from the vendor after the write, and what that says was charged.
    assert (result['credits_balance_after'], result['credits_charged']) == (98, 2)
    assert result['plan'] == {'resource': 'live_service/1234931', 'action': 'regrade',
                              'before': {'tariff_service_name': 'Outmail500'}, 'after': {'tariff_service_name': 'Outmail1000'},
                              'credits': 2, 'balance_before': 100, 'balance_after': 98, 'balance_observed': 98, 'credits_charged': 2}
    assert 'diff' not in result
    assert partner_calls(emulator) == [('GET', '/live_services/1234931'), ('GET', '/live_services/service_names'),
                                       ('PATCH', '/live_services/1234931'), ('GET', '/clients/self')]
    assert service_state(emulator) == ('Outmail1000', 98)
    # Whole credits read as the price list writes them, not 98.0.
    assert json.dumps([result['credits_cost'], result['credits_balance_after'], result['plan']['balance_after']]) == '[2, 98, 98]'


def test_already_there_is_one_get_and_no_write(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail500', diff=True)

    assert result['changed'] is False, result
    assert result['plan']['action'] == 'none'
    assert result['credits_cost'] == 0
    assert result['credits_balance_before'] is None and result['credits_balance_after'] is None
    assert result['diff'] == {'before': {'tariff_service_name': 'Outmail500'}, 'after': {'tariff_service_name': 'Outmail500'}}
    assert partner_calls(emulator) == [('GET', '/live_services/1234931')]


def test_check_mode_predicts_the_real_run_and_writes_nothing(emulator):
    predicted = regrade(emulator, check_mode=True, diff=True, live_service_id=SERVICE_ID, tariff_service_name='Outmail5000')
    assert emulator.writes() == []
    assert service_state(emulator) == ('Outmail500', 100)

    real = regrade(emulator, diff=True, live_service_id=SERVICE_ID, tariff_service_name='Outmail5000')
    assert predicted['changed'] is real['changed'] is True
    for key in ('live_service', 'previous_tariff_service_name', 'credits_cost', 'credits_balance_before',
                'credits_balance_after_predicted', 'diff'):
        assert predicted[key] == real[key], key
    # The plan is the same but for what only the real run can observe.
    assert predicted['plan'] == dict((key, value) for key, value in real['plan'].items() if key not in ('balance_observed', 'credits_charged'))
    assert (predicted['credits_balance_after'], predicted['credits_charged']) == (None, None)
    assert (real['credits_balance_after'], real['credits_charged']) == (78, 22)
    assert real['diff'] == {'before': {'tariff_service_name': 'Outmail500'}, 'after': {'tariff_service_name': 'Outmail5000'}}
    assert real['credits_cost'] == 22
    assert service_state(emulator) == ('Outmail5000', 78)


def test_downgrade_costs_nothing_with_the_difference_model(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail100')
    assert result['changed'] is True
    assert result['credits_cost'] == 0
    assert service_state(emulator) == ('Outmail100', 100)


def test_full_cost_model_matches_a_vendor_that_charges_the_full_price(emulator):
    emulator.configure(regrade_cost_model='full')
    predicted = regrade(emulator, check_mode=True, live_service_id=SERVICE_ID, tariff_service_name='Outmail100', cost_model='full')
    real = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail100', cost_model='full')
    assert predicted['credits_cost'] == real['credits_cost'] == real['credits_charged'] == 5
    assert predicted['credits_balance_after_predicted'] == real['credits_balance_after'] == 95
    assert service_state(emulator) == ('Outmail100', 95)


def test_lookup_by_product_and_whmcs_service_id(emulator):
    result = regrade(emulator, product='profilter', whmcs_service_id='502', tariff_service_name='Profilter10')
    assert result['changed'] is True, result
    assert result['live_service']['id'] == 1234932
    # The list already carries the regrade targets: no second read of the service.
    assert partner_calls(emulator) == [('GET', '/live_services'), ('GET', '/live_services/service_names'), ('PATCH', '/live_services/1234932'),
                                       ('GET', '/clients/self')]
    search = emulator.requests(api='partner')[0]['query']['search']
    assert "'product':'profilter'" in search and "'whmcs_service_id':'502'" in search


def test_lookup_by_product_and_client_without_change_is_one_list_request(emulator):
    result = regrade(emulator, product='fakemx', client_id=9987601, tariff_service_name='FakeMX1')
    assert result['changed'] is False, result
    assert result['live_service']['id'] == 1234935
    assert partner_calls(emulator) == [('GET', '/live_services')]


def test_ambiguous_lookup_lists_what_was_found(emulator):
    result = regrade(emulator, product='outmail', client_id=9987601, tariff_service_name='Outmail1000')
    assert result['failed'] is True
    assert 'found 2' in result['msg']
    assert '1234933' in result['msg'] and '1234934' in result['msg']
    assert sorted(match['id'] for match in result['matches']) == [1234933, 1234934]
    assert emulator.writes() == []


def test_lookup_without_match_fails(emulator):
    result = regrade(emulator, product='outmail', whmcs_service_id='999', tariff_service_name='Outmail1000')
    assert result['failed'] is True
    assert 'found 0' in result['msg'] and 'none' in result['msg']
    assert emulator.writes() == []


def test_target_outside_regrade_servicenames_fails_before_writing(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Profilter10')
    assert result['failed'] is True
    assert 'Outmail100, Outmail1000, Outmail5000, Outmail25000' in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert result['allowed_targets'] == ['Outmail100', 'Outmail1000', 'Outmail5000', 'Outmail25000']
    assert partner_calls(emulator) == [('GET', '/live_services/1234931')]


def test_too_few_credits_fails_before_writing_with_cost_and_balance(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail25000')
    assert result['failed'] is True
    assert 'costs 117 credits, balance is 100' in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert result['plan']['action'] == 'regrade' and result['plan']['after'] == {'tariff_service_name': 'Outmail25000'}
    assert result['plan']['credits'] == 117
    assert emulator.writes() == []
    assert service_state(emulator) == ('Outmail500', 100)


def test_vendor_405_without_pre_check_gives_the_same_message(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail25000', credit_check=False)
    assert result['failed'] is True
    assert result['msg'].startswith('could not regrade live service 1234931 from Outmail500 to Outmail25000: ')
    assert 'insufficient partner credits: regrading live service 1234931 to Outmail25000 costs 117 credits, balance is 100' in result['msg']
    assert result['msg'].endswith('it was not applied. Nothing was changed.')
    assert result['error']['status'] == 405 and result['changed'] is False
    assert [entry['method'] for entry in emulator.writes()] == ['PATCH']
    assert service_state(emulator) == ('Outmail500', 100)


def test_vendor_405_after_a_passed_pre_check(emulator):
    # The module counts the difference (2 credits) while the vendor charges the full price (10): a 405 the pre-check missed.
    load_partner_state(emulator, balance=5)
    emulator.configure(regrade_cost_model='full')
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail1000')
    assert result['failed'] is True
    assert result['msg'].startswith('could not regrade live service 1234931 from Outmail500 to Outmail1000: ')
    assert 'insufficient partner credits' in result['msg'] and 'balance is 5' in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert service_state(emulator) == ('Outmail500', 5)


def test_unknown_id_fails_without_writing(emulator):
    result = regrade(emulator, live_service_id=999999, tariff_service_name='Outmail1000')
    assert result['failed'] is True
    assert 'live service 999999 does not exist' in result['msg'] and 'nothing was changed' in result['msg']
    # The vendor's 404 is an answer ("no such service"), not a failed request: the API class says so with None.
    assert 'error' not in result
    assert partner_calls(emulator) == [('GET', '/live_services/999999')]


@pytest.mark.parametrize('options, words', [
    ({'tariff_service_name': 'Outmail1000'}, 'one of the following is required: live_service_id, product'),
    ({'live_service_id': SERVICE_ID, 'product': 'outmail', 'tariff_service_name': 'Outmail1000'}, 'mutually exclusive'),
    ({'product': 'outmail', 'tariff_service_name': 'Outmail1000'}, 'product=outmail needs whmcs_service_id or client_id'),
    ({'product': 'mail', 'client_id': 9987600, 'tariff_service_name': 'Outmail1000'}, 'product must be one of: outmail, profilter'),
    ({'live_service_id': SERVICE_ID, 'tariff_service_name': 'Outmail1000', 'cost_model': 'half'},
     'cost_model must be one of: difference, full'),
    ({'live_service_id': SERVICE_ID, 'tariff_service_name': '  '}, 'tariff_service_name must name a package'),
    ({'live_service_id': -3, 'tariff_service_name': 'Outmail1000'}, 'live_service_id must be a positive integer'),
    ({'live_service_id': SERVICE_ID}, 'missing required arguments: tariff_service_name'),
])
def test_bad_options_fail_before_any_request(emulator, options, words):
    result = regrade(emulator, **options)
    assert result['failed'] is True
    assert words in result['msg'], result['msg']
    assert emulator.requests() == []


def test_csv_regrade_servicenames_and_flat_errors_are_understood(emulator):
    emulator.configure(regrade_servicenames_format='csv', partner_error_envelope='flat')
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail1000')
    assert result['changed'] is True
    assert result['live_service']['regrade_servicenames'] == ['Outmail100', 'Outmail500', 'Outmail5000', 'Outmail25000']
    result = regrade(emulator, live_service_id=999999, tariff_service_name='Outmail1000')
    assert 'does not exist' in result['msg']


@pytest.mark.parametrize('regrade_to_current', ['ok', 'error'])
def test_a_lost_answer_to_the_regrade_is_neither_charged_twice_nor_reported_as_failed(emulator, regrade_to_current):
    # The first PATCH is applied but its answer never arrives; the repeat finds the service already regraded.
    emulator.configure(regrade_to_current=regrade_to_current)
    emulator.add_fault('drop_after', route=r'/live_services/\d+$', method='PATCH', count=1)
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail1000')
    assert result['changed'] is True, result
    assert result['live_service']['tariff_service_name'] == 'Outmail1000'
    assert service_state(emulator) == ('Outmail1000', 98)


def test_a_failed_price_list_read_stops_before_writing(emulator):
    emulator.add_fault('status', route='/live_services/service_names', status=500, count=10)
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail1000')
    assert result['failed'] is True
    assert result['msg'].startswith('reading the price list failed') and 'Nothing was changed' in result['msg']
    assert result['plan']['after'] == {'tariff_service_name': 'Outmail1000'} and result['plan']['credits'] is None
    assert emulator.writes() == []


def test_the_api_key_never_appears_in_the_output(emulator):
    result = regrade(emulator, live_service_id=SERVICE_ID, tariff_service_name='Outmail25000', credit_check=False)
    assert PARTNER_LOGIN['api_key'] not in json.dumps(result)


# Property test: any start package, any wanted name (valid or not), any balance, either cost model.

SERVICES = dict((service['id'], service) for service in default_state()['live_services'] if not service['suspended'])


@st.composite
def scenarios(draw):
    service_id = draw(st.sampled_from(sorted(SERVICES)))
    product = SERVICES[service_id]['product']
    same_product = [name for name, tariff in TARIFFS.items() if tariff['product'] == product]
    start = draw(st.sampled_from(same_product))
    # Mostly packages of the same product, sometimes one of another product (not a regrade target).
    wanted = draw(st.one_of(st.sampled_from(same_product), st.sampled_from(sorted(TARIFFS))))
    return {
        'service_id': service_id,
        'start': start,
        'wanted': wanted,
        'balance': draw(st.integers(min_value=0, max_value=150)),
        'cost_model': draw(st.sampled_from(['difference', 'full'])),
        'by_lookup': draw(st.booleans()),
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_property_check_mode_predicts_and_second_run_is_a_no_op(emulator, scenario):
    service_id = scenario['service_id']
    load_partner_state(emulator, balance=scenario['balance'], tariffs={service_id: scenario['start']})
    emulator.configure(regrade_cost_model=scenario['cost_model'])
    if scenario['by_lookup']:
        selector = {'product': SERVICES[service_id]['product'], 'whmcs_service_id': SERVICES[service_id]['whmcs_service_id']}
    else:
        selector = {'live_service_id': service_id}
    options = dict(selector, tariff_service_name=scenario['wanted'], cost_model=scenario['cost_model'])

    predicted = regrade(emulator, check_mode=True, diff=True, **options)
    assert emulator.writes() == []
    real = regrade(emulator, diff=True, **options)

    start, wanted = scenario['start'], scenario['wanted']
    reachable = wanted == start or wanted in TARIFFS[start]['regrade_to']
    cost = regrade_cost(start, wanted, scenario['cost_model'])
    if not reachable or cost > scenario['balance']:
        # Refused before any write, with the same words in check mode and for real.
        assert predicted.get('failed') and real.get('failed'), (predicted, real)
        assert predicted['msg'] == real['msg']
        assert emulator.writes() == []
        assert service_state(emulator, service_id) == (start, scenario['balance'])
        return

    assert not real.get('failed'), real
    assert predicted['changed'] == real['changed'] == (start != wanted)
    for key in ('live_service', 'previous_tariff_service_name', 'credits_cost', 'credits_balance_before',
                'credits_balance_after_predicted', 'diff'):
        assert predicted[key] == real[key], key
    observed = ('balance_observed', 'credits_charged')
    assert predicted['plan'] == dict((key, value) for key, value in real['plan'].items() if key not in observed)
    assert real['credits_cost'] == cost
    balance_after = scenario['balance'] - cost
    if start != wanted:
        # What the result says the vendor holds and took is what the emulator holds and took.
        assert (real['credits_balance_after'], real['credits_charged']) == (balance_after, cost)
        assert (real['plan']['balance_observed'], real['plan']['credits_charged']) == (balance_after, cost)
    else:
        assert real['credits_balance_after'] is None and 'balance_observed' not in real['plan']
    assert service_state(emulator, service_id) == (wanted, balance_after)
    assert len(emulator.writes()) == (1 if start != wanted else 0)

    emulator.clear_requests()
    again = regrade(emulator, **options)
    assert again['changed'] is False, again
    assert again['live_service'] == real['live_service']
    assert len(emulator.requests()) == 1 and emulator.writes() == []
