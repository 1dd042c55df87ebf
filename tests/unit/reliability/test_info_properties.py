# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property: for any state of the partner's live services, live_service_info reports exactly that state.

Random packages, suspensions, balance and price list format; a random filter; either
cost model; check mode or not. The expected answer is computed from the emulator's own
state (snapshot), never from the API, and the module must never send a write.
"""

from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import PARTNER_LOGIN
from modrun import run_module

PARTNER = PARTNER_LOGIN
FILTERS = ('product', 'client_id', 'whmcs_service_id')


def expected_services(state, options, cost_model):
    tariffs = dict((tariff['service_name'], tariff) for tariff in state['tariffs'])
    balance = float(state['partner']['partner_credits'])
    expected = []
    for service in state['live_services']:
        if 'live_service_id' in options and service['id'] != options['live_service_id']:
            continue
        if any(str(service[name]) != str(options[name]) for name in FILTERS if name in options):
            continue
        current = tariffs[service['tariff_service_name']]
        targets = []
        for name in current['regrade_to']:
            price = float(tariffs[name]['credits'])
            cost = price if cost_model == 'full' else max(0.0, price - current['credits'])
            targets.append({'tariff_service_name': name, 'credits': price, 'cost': cost, 'affordable': cost <= balance})
        expected.append({
            'id': service['id'], 'client_id': service['client_id'], 'product': service['product'],
            'tariff_service_name': service['tariff_service_name'], 'regrade_servicenames': list(current['regrade_to']),
            'suspended': service['suspended'], 'whmcs_service_id': service['whmcs_service_id'],
            # Every field the vendor sends, the ones the module does not manage as they are.
            'suspend_reason': service['suspend_reason'], 'created': service['created'],
            'tariff_credits': float(current['credits']), 'regrade_targets': targets,
        })
    return expected, balance


@st.composite
def partner_states(draw):
    return {
        'packages': draw(st.lists(st.integers(0, 10), min_size=9, max_size=9)),
        'suspended': draw(st.lists(st.booleans(), min_size=9, max_size=9)),
        'balance': draw(st.integers(0, 200)),
        'format': draw(st.sampled_from(['array', 'csv'])),
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=partner_states(), selector=st.sampled_from(['none', 'id', 'unknown id'] + list(FILTERS) + ['product+client_id']),
       pick=st.integers(0, 100), cost_model=st.sampled_from(['difference', 'full']), check_mode=st.booleans())
def test_property_live_service_info_reports_the_emulator_state(emulator, state, selector, pick, cost_model, check_mode):
    emulator.reset()
    emulator.configure(regrade_servicenames_format=state['format'])
    with emulator.edit_state() as data:
        data['partner']['partner_credits'] = state['balance']
        for index, service in enumerate(data['live_services']):
            same_product = [t['service_name'] for t in data['tariffs'] if t['product'] == service['product']]
            service['tariff_service_name'] = same_product[state['packages'][index % 9] % len(same_product)]
            service['suspended'] = state['suspended'][index % 9]
            service['suspend_reason'] = 'partner' if service['suspended'] else None
        chosen = data['live_services'][pick % len(data['live_services'])]
        options = {}
        if selector == 'id':
            options['live_service_id'] = chosen['id']
        elif selector == 'unknown id':
            options['live_service_id'] = 999
        elif selector == 'product+client_id':
            options.update(product=chosen['product'], client_id=chosen['client_id'])
        elif selector != 'none':
            options[selector] = chosen[selector]
    emulator.clear_requests()

    result = run_module('live_service_info', dict(PARTNER, api_url=emulator.partner_url, cost_model=cost_model, **options),
                        check_mode=check_mode)

    assert 'failed' not in result, result
    assert result['changed'] is False
    services, balance = expected_services(emulator.snapshot(), options, cost_model)
    assert result['live_services'] == services
    assert result['credits_balance'] == balance
    assert emulator.writes() == []
