# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk form of channel.partner.live_service_regrade (option ``services``), in-process against the emulator over real HTTP."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN, TARIFFS, default_state, partner_calls, regrade_cost, set_partner_state
from modrun import run_module

MODULE = 'live_service_regrade'

# Fixture prices: Outmail500 8, Outmail1000 10, BackupMX10 9, BackupMX50 25, MasterDNS25 5, MasterDNS100 15; balance 100.
THREE = [
    {'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},   # costs 2
    {'live_service_id': 1234936, 'tariff_service_name': 'BackupMX50'},    # costs 16
    {'live_service_id': 1234937, 'tariff_service_name': 'MasterDNS100'},  # costs 10
]


def regrade(emu, services, check_mode=False, diff=False, **options):
    args = {'api_url': emu.partner_url, **PARTNER_LOGIN, 'services': services}
    args.update(options)
    return run_module(MODULE, args, check_mode=check_mode, diff=diff)


def tariffs(emu):
    snapshot = emu.snapshot()
    return dict((service['id'], service['tariff_service_name']) for service in snapshot['live_services'])


def balance(emu):
    return emu.snapshot()['partner']['partner_credits']


def without_observed(plans):
    """The plans without what only a real run can observe (the balance read after its last write)."""
    return [dict((key, value) for key, value in plan.items() if key not in ('balance_observed', 'credits_charged')) for plan in plans]


def test_a_list_is_one_list_read_one_price_read_and_one_patch_per_change(emulator):
    result = regrade(emulator, THREE + [{'live_service_id': 1234932, 'tariff_service_name': 'Profilter50'}], diff=True)

    assert result['changed'] is True, result
    # One balance read after the last write, whatever the length of the list. The PATCHes go several at a time (the default
    # concurrency), so they arrive in any order, each once.
    calls = partner_calls(emulator)
    assert calls[:2] == [('GET', '/live_services'), ('GET', '/live_services/service_names')] and calls[-1] == ('GET', '/clients/self')
    assert sorted(calls[2:-1]) == [('PATCH', '/live_services/1234931'), ('PATCH', '/live_services/1234936'), ('PATCH', '/live_services/1234937')]
    assert [service['tariff_service_name'] for service in result['live_services']] == ['Outmail1000', 'BackupMX50', 'MasterDNS100', 'Profilter50']
    assert (result['credits_cost'], result['credits_balance_before'], result['credits_balance_after_predicted']) == (28, 100, 72)
    assert (result['credits_balance_after'], result['credits_charged']) == (72, 28)
    # The last regrade applied carries what was observed.
    assert (result['plans'][2]['balance_observed'], result['plans'][2]['credits_charged']) == (72, 28)
    assert ['balance_observed' in plan for plan in result['plans']] == [False, False, True, False]
    # The balances run from one change to the next; the service already right costs nothing and is not counted.
    assert [(plan['action'], plan['credits'], plan['balance_before'], plan['balance_after']) for plan in result['plans']] == [
        ('regrade', 2, 100, 98), ('regrade', 16, 98, 82), ('regrade', 10, 82, 72), ('none', 0, None, None)]
    assert result['plans'][1] == {'resource': 'live_service/1234936', 'action': 'regrade', 'before': {'tariff_service_name': 'BackupMX10'},
                                  'after': {'tariff_service_name': 'BackupMX50'}, 'credits': 16, 'balance_before': 98, 'balance_after': 82}
    assert result['diff'] == {
        'before': {'live_service/1234931': 'Outmail500', 'live_service/1234936': 'BackupMX10', 'live_service/1234937': 'MasterDNS25',
                   'live_service/1234932': 'Profilter50'},
        'after': {'live_service/1234931': 'Outmail1000', 'live_service/1234936': 'BackupMX50', 'live_service/1234937': 'MasterDNS100',
                  'live_service/1234932': 'Profilter50'}}
    assert balance(emulator) == 72
    assert tariffs(emulator)[1234936] == 'BackupMX50'


def test_again_is_one_list_read_and_no_write(emulator):
    regrade(emulator, THREE)
    emulator.clear_requests()
    again = regrade(emulator, THREE)
    assert again['changed'] is False
    assert partner_calls(emulator) == [('GET', '/live_services')]
    assert [plan['action'] for plan in again['plans']] == ['none', 'none', 'none']
    assert (again['credits_cost'], again['credits_balance_before'], again['credits_balance_after']) == (0, None, None)


def test_check_mode_predicts_the_real_run_exactly_and_writes_nothing(emulator):
    predicted = regrade(emulator, THREE, check_mode=True, diff=True)
    assert emulator.writes() == []
    assert tariffs(emulator)[1234931] == 'Outmail500' and balance(emulator) == 100
    real = regrade(emulator, THREE, diff=True)
    for key in ('changed', 'live_services', 'credits_cost', 'credits_balance_before', 'credits_balance_after_predicted', 'diff'):
        assert predicted[key] == real[key], key
    assert predicted['plans'] == without_observed(real['plans'])
    assert predicted['credits_balance_after'] is None and real['credits_balance_after'] == balance(emulator) == 72


def test_a_list_of_one_reads_that_service_only(emulator):
    result = regrade(emulator, THREE[:1])
    assert result['changed'] is True
    assert partner_calls(emulator) == [('GET', '/live_services/1234931'), ('GET', '/live_services/service_names'), ('PATCH', '/live_services/1234931'),
                                       ('GET', '/clients/self')]
    assert 'live_service' not in result and 'plan' not in result and len(result['plans']) == 1


def test_an_empty_list_sends_nothing(emulator):
    result = regrade(emulator, [])
    assert result['changed'] is False and result['live_services'] == [] and result['plans'] == []
    assert emulator.requests() == []


def test_unknown_services_fail_before_any_write(emulator):
    result = regrade(emulator, THREE + [{'live_service_id': 999998, 'tariff_service_name': 'Outmail100'},
                                        {'live_service_id': 999999, 'tariff_service_name': 'Outmail100'}])
    assert result['failed'] is True
    assert 'live services 999998, 999999 do not exist' in result['msg'] and 'Nothing was changed' in result['msg']
    assert partner_calls(emulator) == [('GET', '/live_services')]


def test_every_refused_target_is_named_and_nothing_is_written(emulator):
    services = THREE + [{'live_service_id': 1234932, 'tariff_service_name': 'Outmail100'},
                        {'live_service_id': 1234935, 'tariff_service_name': 'FakeMX99'}]
    result = regrade(emulator, services)
    assert result['failed'] is True
    assert result['msg'].startswith('2 of the services cannot be regraded as asked')
    assert 'live service 1234932 (profilter) from Profilter50 to Outmail100, allowed targets: Profilter10, Profilter100' in result['msg']
    assert 'live service 1234935 (fakemx) from FakeMX1 to FakeMX99, allowed targets: FakeMX10' in result['msg']
    assert [entry['live_service_id'] for entry in result['refused']] == [1234932, 1234935]
    assert result['refused'][1]['allowed_targets'] == ['FakeMX10']
    assert [plan['outcome'] for plan in result['plans']] == ['not_attempted'] * 5
    # Refused from what the list read shows: the prices are not even read.
    assert partner_calls(emulator) == [('GET', '/live_services')]


def test_the_whole_list_is_refused_when_its_total_exceeds_the_balance(emulator):
    set_partner_state(emulator, credits=20)
    result = regrade(emulator, THREE)
    assert result['failed'] is True
    assert result['msg'] == ('insufficient partner credits: the regrades of the list cost 28 credits in all, balance is 20 '
                             '(1234931 (Outmail500 -> Outmail1000) costs 2, 1234936 (BackupMX10 -> BackupMX50) costs 16, '
                             '1234937 (MasterDNS25 -> MasterDNS100) costs 10). Nothing was changed.')
    assert (result['credits_cost'], result['credits_balance_before']) == (28, 20)
    assert all(plan['failed'] is True for plan in result['plans'])
    assert emulator.writes() == [] and balance(emulator) == 20


def test_a_failed_patch_stops_the_list_and_says_what_was_done(emulator):
    emulator.add_fault('status', route='/live_services/1234936$', method='PATCH', status=500, count=10)
    # One write at a time (concurrency 1): what comes after the failure is never started.
    result = regrade(emulator, THREE + [{'live_service_id': 1234932, 'tariff_service_name': 'Profilter50'}], concurrency=1)
    assert result['failed'] is True and result['changed'] is True and result['applied'] is None
    message = result['msg']
    assert message.startswith('could not regrade live service 1234936 from BackupMX10 to BackupMX50: ')
    assert 'whether it was applied is unknown: a read-back shows tariff_service_name=BackupMX10, as before the write' in message
    assert message.endswith('To finish the job without applying anything twice: running the task again is safe: it reads the state '
                            'again and writes only what still differs.')
    assert 'Done before the failure: regraded live service 1234931 from Outmail500 to Outmail1000.' in message
    assert 'Not attempted: regrade live service 1234937 from MasterDNS25 to MasterDNS100.' in message
    assert result['writes_done'] == ['regraded live service 1234931 from Outmail500 to Outmail1000']
    assert [(plan['resource'], plan['outcome'], plan['failed']) for plan in result['plans']] == [
        ('live_service/1234931', 'done', False), ('live_service/1234936', 'unknown', True),
        ('live_service/1234937', 'not_attempted', True), ('live_service/1234932', 'unchanged', False)]
    assert result['error']['status'] == 500
    # Sent once, read back once.
    assert [call for call in partner_calls(emulator) if call[1] == '/live_services/1234936'][-2:] == [
        ('PATCH', '/live_services/1234936'), ('GET', '/live_services/1234936')]
    assert [call for call in partner_calls(emulator) if call[0] == 'PATCH'].count(('PATCH', '/live_services/1234936')) == 1
    state = tariffs(emulator)
    assert (state[1234931], state[1234936], state[1234937]) == ('Outmail1000', 'BackupMX10', 'MasterDNS25')


def test_without_credit_check_the_vendor_refusal_stops_the_list(emulator):
    set_partner_state(emulator, credits=10)
    result = regrade(emulator, THREE, credit_check=False, concurrency=1)
    assert result['failed'] is True
    assert result['msg'].startswith('could not regrade live service 1234936 from BackupMX10 to BackupMX50: ')
    assert 'insufficient partner credits: regrading live service 1234936 to BackupMX50 costs 16 credits, balance is 8' in result['msg']
    assert 'it was not applied' in result['msg'] and 'Done before the failure: regraded live service 1234931' in result['msg']
    assert result['error']['status'] == 405
    assert balance(emulator) == 8


@pytest.mark.parametrize('options, words', [
    ({'services': THREE, 'live_service_id': 1234931}, 'mutually exclusive: services|live_service_id'),
    ({'services': THREE, 'tariff_service_name': 'Outmail1000'}, 'mutually exclusive: services|tariff_service_name'),
    ({'services': [{'live_service_id': 1234931}]}, 'missing required arguments: tariff_service_name found in services'),
    ({'services': [{'live_service_id': 0, 'tariff_service_name': 'Outmail1000'}]}, 'services[0].live_service_id must be a positive integer'),
    ({'services': [{'live_service_id': 1234931, 'tariff_service_name': ' '}]}, 'services[0].tariff_service_name must name a package'),
    ({'services': THREE + THREE[:1]}, 'live service 1234931 is listed more than once (services[0], services[3])'),
])
def test_bad_lists_fail_before_any_request(emulator, options, words):
    services = options.pop('services')
    result = regrade(emulator, services, **options)
    assert result['failed'] is True
    assert words in result['msg'], result['msg']
    assert emulator.requests() == []


def test_the_api_key_never_appears_in_a_bulk_failure(emulator):
    set_partner_state(emulator, credits=0)
    result = regrade(emulator, THREE, credit_check=False)
    assert PARTNER_LOGIN['api_key'] not in json.dumps(result)


# Property: random start packages on several services and a random wanted list.


SERVICES = dict((service['id'], service) for service in default_state()['live_services'] if not service['suspended'])


def same_product(service_id):
    return sorted(name for name, tariff in TARIFFS.items() if tariff['product'] == SERVICES[service_id]['product'])


@st.composite
def scenarios(draw):
    chosen = draw(st.lists(st.sampled_from(sorted(SERVICES)), min_size=2, max_size=len(SERVICES), unique=True))
    start = dict((service_id, draw(st.sampled_from(same_product(service_id)))) for service_id in chosen)
    # Mostly packages of the same product; now and then one of another product, which is no regrade target.
    wanted = [(service_id, draw(st.sampled_from(sorted(TARIFFS) if draw(st.integers(0, 9)) == 0 else same_product(service_id))))
              for service_id in chosen]
    return {'start': start, 'wanted': wanted, 'balance': draw(st.integers(0, 200)),
            'cost_model': draw(st.sampled_from(['difference', 'full'])), 'concurrency': draw(st.sampled_from([1, 2, 3, 8]))}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_property_first_run_reaches_the_list_second_is_a_no_op_check_mode_predicts(emulator, scenario):
    emulator.reset()
    set_partner_state(emulator, tariffs=scenario['start'], credits=scenario['balance'])
    emulator.configure(regrade_cost_model=scenario['cost_model'])
    services = [{'live_service_id': service_id, 'tariff_service_name': name} for service_id, name in scenario['wanted']]
    # One write at a time, or several in flight: the result is the same, in list order.
    options = {'cost_model': scenario['cost_model'], 'concurrency': scenario['concurrency']}
    before = tariffs(emulator)

    predicted = regrade(emulator, services, check_mode=True, diff=True, **options)
    assert emulator.writes() == []
    real = regrade(emulator, services, diff=True, **options)

    start = scenario['start']
    reachable = all(name == start[service_id] or name in TARIFFS[start[service_id]]['regrade_to'] for service_id, name in scenario['wanted'])
    total = sum(regrade_cost(start[service_id], name, scenario['cost_model']) for service_id, name in scenario['wanted'])
    if not reachable or total > scenario['balance']:
        # The whole list is refused before any write, with the same words in check mode and for real.
        assert predicted.get('failed') and real.get('failed'), (predicted, real)
        assert predicted['msg'] == real['msg']
        assert emulator.writes() == [] and tariffs(emulator) == before and balance(emulator) == scenario['balance']
        return

    changes = [service_id for service_id, name in scenario['wanted'] if name != start[service_id]]
    assert not real.get('failed'), real
    assert predicted['changed'] == real['changed'] == bool(changes)
    for key in ('live_services', 'credits_cost', 'credits_balance_before', 'credits_balance_after_predicted', 'diff'):
        assert predicted[key] == real[key], key
    assert predicted['plans'] == without_observed(real['plans'])
    assert real['credits_cost'] == total
    assert balance(emulator) == scenario['balance'] - total
    if changes:
        assert (real['credits_balance_after'], real['credits_charged']) == (balance(emulator), total)
    state = tariffs(emulator)
    assert all(state[service_id] == name for service_id, name in scenario['wanted'])
    written, expected = [entry['path'] for entry in emulator.writes()], ['/api-v1/live_services/%s' % service_id for service_id in changes]
    # Each change written once; in list order when one at a time, in whatever order they arrived otherwise.
    assert sorted(written) == sorted(expected) and (scenario['concurrency'] > 1 or written == expected)

    emulator.clear_requests()
    again = regrade(emulator, services, **options)
    assert again['changed'] is False, again
    assert again['live_services'] == real['live_services']
    assert partner_calls(emulator) == [('GET', '/live_services')] and emulator.writes() == []
