# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.live_service_info, run in-process against the emulator over real HTTP."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN, TARIFFS, default_state, load_partner_state, partner_calls
from modrun import run_module

MODULE = 'live_service_info'


SERVICES = dict((service['id'], service) for service in default_state()['live_services'])


def info(emu, check_mode=False, **options):
    args = {'api_url': emu.partner_url, **PARTNER_LOGIN}
    args.update(options)
    return run_module(MODULE, args, check_mode=check_mode)


def test_one_service_by_id_with_targets_and_costs(emulator):
    result = info(emulator, live_service_id=1234931)

    assert result['changed'] is False
    assert result['credits_balance'] == 100
    [service] = result['live_services']
    assert service['tariff_service_name'] == 'Outmail500'
    assert service['tariff_credits'] == 8
    assert service['regrade_servicenames'] == ['Outmail100', 'Outmail1000', 'Outmail5000', 'Outmail25000']
    assert service['regrade_targets'] == [
        {'tariff_service_name': 'Outmail100', 'credits': 5, 'cost': 0, 'affordable': True},
        {'tariff_service_name': 'Outmail1000', 'credits': 10, 'cost': 2, 'affordable': True},
        {'tariff_service_name': 'Outmail5000', 'credits': 30, 'cost': 22, 'affordable': True},
        {'tariff_service_name': 'Outmail25000', 'credits': 125, 'cost': 117, 'affordable': False},
    ]
    assert partner_calls(emulator) == [('GET', '/live_services/1234931'), ('GET', '/live_services/service_names')]


def test_full_cost_model(emulator):
    result = info(emulator, live_service_id=1234931, cost_model='full')
    costs = dict((target['tariff_service_name'], target['cost']) for target in result['live_services'][0]['regrade_targets'])
    assert costs == {'Outmail100': 5, 'Outmail1000': 10, 'Outmail5000': 30, 'Outmail25000': 125}
    # Whole credits read as the price list writes them, not 10.0.
    assert json.dumps([costs['Outmail1000'], result['credits_balance'], result['live_services'][0]['tariff_credits']]) == '[10, 100, 8]'


def test_filters_are_one_search_request(emulator):
    result = info(emulator, product='outmail', client_id=9987601)
    assert sorted(service['id'] for service in result['live_services']) == [1234933, 1234934]
    assert partner_calls(emulator) == [('GET', '/live_services'), ('GET', '/live_services/service_names')]
    search = emulator.requests(api='partner')[0]['query']['search']
    assert "'product':'outmail'" in search and "'client_id':'9987601'" in search


def test_all_services_without_costs_is_one_request(emulator):
    result = info(emulator, include_costs=False)
    assert sorted(service['id'] for service in result['live_services']) == sorted(SERVICES)
    assert result['credits_balance'] is None
    for service in result['live_services']:
        assert service['tariff_credits'] is None
        assert [target['tariff_service_name'] for target in service['regrade_targets']] == service['regrade_servicenames']
        assert all(target['cost'] is None and target['affordable'] is None for target in service['regrade_targets'])
    assert partner_calls(emulator) == [('GET', '/live_services')]


def test_unknown_id_is_an_empty_list(emulator):
    result = info(emulator, live_service_id=999999)
    assert result.get('failed') is not True, result
    assert result['live_services'] == []


def test_no_match_is_an_empty_list(emulator):
    result = info(emulator, product='outmail', whmcs_service_id='nope')
    assert result['live_services'] == []


def test_check_mode_reads_the_same_and_writes_nothing(emulator):
    assert info(emulator, check_mode=True, product='outmail') == info(emulator, product='outmail')
    assert emulator.writes() == []


def test_csv_regrade_servicenames(emulator):
    emulator.configure(regrade_servicenames_format='csv')
    result = info(emulator, live_service_id=1234932)
    assert result['live_services'][0]['regrade_servicenames'] == ['Profilter10', 'Profilter100']


def test_bad_credentials_fail_without_leaking_the_key(emulator):
    args = {'api_url': emulator.partner_url, 'partner_id': PARTNER_LOGIN['partner_id'], 'api_key': 'wrong-key-0000'}
    result = run_module(MODULE, args)
    assert result['failed'] is True
    assert result['error']['status'] == 401
    assert 'wrong-key-0000' not in json.dumps(result)


@pytest.mark.parametrize('options, words', [
    ({'live_service_id': 1234931, 'product': 'outmail'}, 'mutually exclusive'),
    ({'product': 'mail'}, 'product must be one of'),
    ({'client_id': 0}, 'client_id must be a positive integer'),
    ({'whmcs_service_id': ''}, 'whmcs_service_id must not be empty'),
])
def test_bad_options_fail_before_any_request(emulator, options, words):
    result = info(emulator, **options)
    assert result['failed'] is True
    assert words in result['msg']
    assert emulator.requests() == []


# Property: what the module says a regrade would cost is what the regrade costs.

REGRADABLE = sorted(service_id for service_id, service in SERVICES.items() if not service['suspended'])


@st.composite
def scenarios(draw):
    service_id = draw(st.sampled_from(REGRADABLE))
    product = SERVICES[service_id]['product']
    start = draw(st.sampled_from([name for name, tariff in TARIFFS.items() if tariff['product'] == product]))
    return {
        'service_id': service_id,
        'start': start,
        'target_index': draw(st.integers(min_value=0, max_value=10)),
        'balance': draw(st.integers(min_value=0, max_value=150)),
        'cost_model': draw(st.sampled_from(['difference', 'full'])),
        'by_filter': draw(st.booleans()),
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_property_reported_cost_is_what_the_regrade_costs(emulator, scenario):
    service_id = scenario['service_id']
    load_partner_state(emulator, balance=scenario['balance'], tariffs={service_id: scenario['start']})
    emulator.configure(regrade_cost_model=scenario['cost_model'])
    if scenario['by_filter']:
        selector = {'product': SERVICES[service_id]['product'], 'whmcs_service_id': SERVICES[service_id]['whmcs_service_id']}
    else:
        selector = {'live_service_id': service_id}

    result = info(emulator, check_mode=scenario['by_filter'], cost_model=scenario['cost_model'], **selector)
    assert emulator.writes() == []
    [service] = result['live_services']
    assert service['tariff_service_name'] == scenario['start']
    assert result['credits_balance'] == scenario['balance']
    targets = service['regrade_targets']
    assert [target['tariff_service_name'] for target in targets] == TARIFFS[scenario['start']]['regrade_to']

    target = targets[scenario['target_index'] % len(targets)]
    assert target['affordable'] == (target['cost'] <= scenario['balance'])
    outcome = run_module('live_service_regrade', {
        'api_url': emulator.partner_url, **PARTNER_LOGIN, 'live_service_id': service_id,
        'tariff_service_name': target['tariff_service_name'], 'credit_check': False, 'cost_model': scenario['cost_model']})
    balance_after = emulator.snapshot()['partner']['partner_credits']
    if target['affordable']:
        assert outcome['changed'] is True, outcome
        assert scenario['balance'] - balance_after == target['cost']
    else:
        assert outcome['failed'] is True and outcome['error']['status'] == 405
        assert balance_after == scenario['balance']
