# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The regrade planner as tables: live services and wanted packages in, items, costs and refusals out. No HTTP."""

import pytest

from ansible_collections.channel.partner.plugins.module_utils import _regrade_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal

CATALOGUE = {'balance': 30, 'services': dict((name, {'service_name': name, 'product': 'outmail', 'credits': credits})
                                             for name, credits in (('Outmail100', 3), ('Outmail500', 8), ('Outmail1000', 10),
                                                                   ('Outmail5000', 30)))}
OUTMAIL = ['Outmail100', 'Outmail500', 'Outmail1000', 'Outmail5000']


def service(service_id, tariff, targets=None):
    return {'id': service_id, 'client_id': 9, 'product': 'outmail', 'tariff_service_name': tariff, 'suspended': False,
            'regrade_servicenames': [name for name in OUTMAIL if name != tariff] if targets is None else targets,
            'whmcs_service_id': None}


def changes_of(*pairs, single=False):
    services = dict((service_id, service(service_id, tariff)) for service_id, tariff, _wanted in pairs)
    return plan.regrade_changes(services, [{'live_service_id': service_id, 'tariff_service_name': wanted}
                                           for service_id, _tariff, wanted in pairs], single=single)


@pytest.mark.parametrize('start, wanted, action, writes', [
    ('Outmail500', 'Outmail1000', 'regrade', ['regrade live service 1 from Outmail500 to Outmail1000']),
    ('Outmail500', 'Outmail500', 'none', []),
    ('Outmail500', ' Outmail1000 ', 'regrade', ['regrade live service 1 from Outmail500 to Outmail1000']),
])
def test_one_item_per_service(start, wanted, action, writes):
    changes = changes_of((1, start, wanted), single=True)
    (item,) = changes.items
    assert (item.action, [write.to_do for write in item.writes]) == (action, writes)
    assert item.plan()['credits'] == (0 if action == 'none' else None)


def test_services_that_do_not_exist_are_refused_by_id():
    with pytest.raises(Refusal) as caught:
        plan.regrade_changes({1: service(1, 'Outmail100')}, [{'live_service_id': service_id, 'tariff_service_name': 'Outmail500'}
                                                             for service_id in (1, 7, 8)])
    assert caught.value.message == 'live services 7, 8 do not exist (or are not yours). Nothing was changed.'


@pytest.mark.parametrize('model, costs, balances, total', [
    ('difference', [2, 0, 27], [(30, 28), (28, 28), (28, 1)], 29),
    ('full', [10, 3, 30], [(30, 20), (20, 17), (17, -13)], 43),
])
def test_costs_and_running_balances_in_list_order(model, costs, balances, total):
    changes = changes_of((1, 'Outmail500', 'Outmail1000'), (2, 'Outmail500', 'Outmail100'), (3, 'Outmail100', 'Outmail5000'),
                         (4, 'Outmail100', 'Outmail100'))
    assert plan.price(changes, CATALOGUE, model) == (30, total)
    assert [item.plan_fields['credits'] for item in changes.changes] == costs
    assert [(item.plan_fields['balance_before'], item.plan_fields['balance_after']) for item in changes.changes] == balances
    # The unchanged service costs nothing and touches no balance.
    assert changes.items[3].plan_fields == {'credits': 0, 'balance_before': None, 'balance_after': None}


def test_regrade_cost_models():
    assert plan.regrade_cost(CATALOGUE, 'Outmail500', 'Outmail1000') == 2
    assert plan.regrade_cost(CATALOGUE, 'Outmail1000', 'Outmail500') == 0
    assert plan.regrade_cost(CATALOGUE, 'Outmail500', 'Outmail1000', model='full') == 10
    assert plan.regrade_cost(CATALOGUE, 'Outmail500', 'Outmail500', model='full') == 0
    with pytest.raises(ValueError):
        plan.regrade_cost(CATALOGUE, 'Outmail500', 'Outmail1000', model='half')
    assert [plan.credit_amount(value) for value in (10.0, 2.5, None, '7')] == [10, 2.5, None, 7]


@pytest.mark.parametrize('pairs, single, expected', [
    ([(1, 'Outmail500', 'Profilter10')], True,
     'cannot regrade live service 1 (outmail) from Outmail500 to Profilter10, allowed targets: Outmail100, Outmail1000, Outmail5000. '
     'Nothing was changed.'),
    ([(1, 'Outmail500', 'Profilter10'), (2, 'Outmail500', 'Outmail1000'), (3, 'Outmail100', 'FakeMX1')], False,
     '2 of the services cannot be regraded as asked: live service 1 (outmail) from Outmail500 to Profilter10, allowed targets: '
     'Outmail100, Outmail1000, Outmail5000; live service 3 (outmail) from Outmail100 to FakeMX1, allowed targets: Outmail500, '
     'Outmail1000, Outmail5000. Nothing was changed.'),
])
def test_targets_outside_the_regrade_servicenames_are_refused(pairs, single, expected):
    changes = changes_of(*pairs, single=single)
    with pytest.raises(Refusal) as caught:
        plan.refuse_targets(changes)
    result = caught.value.result()
    assert result['msg'] == expected
    assert ('allowed_targets' in result) is single
    assert [entry['live_service_id'] for entry in result['refused']] == [pair[0] for pair in pairs if pair[2] not in OUTMAIL]


def test_allowed_targets_pass():
    plan.refuse_targets(changes_of((1, 'Outmail500', 'Outmail1000'), (2, 'Outmail100', 'Outmail100')))


@pytest.mark.parametrize('pairs, balance, message', [
    ([(1, 'Outmail100', 'Outmail5000')], 20,
     'insufficient partner credits: regrading live service 1 from Outmail100 to Outmail5000 costs 27 credits, balance is 20. '
     'Nothing was changed.'),
    ([(1, 'Outmail500', 'Outmail1000'), (2, 'Outmail100', 'Outmail5000')], 20,
     'insufficient partner credits: the regrades of the list cost 29 credits in all, balance is 20 (1 (Outmail500 -> Outmail1000) '
     'costs 2, 2 (Outmail100 -> Outmail5000) costs 27). Nothing was changed.'),
])
def test_a_run_costing_more_than_the_balance_is_refused_or_warned(pairs, balance, message):
    catalogue = dict(CATALOGUE, balance=balance)
    changes = changes_of(*pairs)
    balance, total = plan.price(changes, catalogue, 'difference')
    with pytest.raises(Refusal) as caught:
        plan.check_credits(changes, balance, total, True, pytest.fail)
    assert caught.value.message == message
    assert (caught.value.extra['credits_cost'], caught.value.extra['credits_balance_before']) == (total, 20)
    warnings = []
    plan.check_credits(changes_of(*pairs), balance, total, False, warnings.append)
    assert len(warnings) == 1 and 'the vendor is likely to refuse' in warnings[0]
    plan.check_credits(changes, 100, total, True, pytest.fail)


@pytest.mark.parametrize('start, targets, wanted, predicted', [
    ('Outmail500', ['Outmail100', 'Outmail1000', 'Outmail5000'], 'Outmail1000', ['Outmail100', 'Outmail500', 'Outmail5000']),
    ('Outmail100', ['Outmail5000'], 'Outmail5000', ['Outmail100']),
])
def test_check_mode_predicts_the_targets_the_vendor_will_show(start, targets, wanted, predicted):
    after = plan.predict_after(service(1, start, targets), wanted, CATALOGUE)
    assert (after['tariff_service_name'], after['regrade_servicenames']) == (wanted, predicted)


@pytest.mark.parametrize('single, keys', [(True, {'live_service', 'previous_tariff_service_name', 'plan'}),
                                          (False, {'live_services', 'plans'})])
def test_result_keys_of_each_form(single, keys):
    changes = changes_of((1, 'Outmail500', 'Outmail1000'), single=single)
    balance, total = plan.price(changes, CATALOGUE, 'difference')
    changes.apply(lambda item, write: None, check_mode=True)
    # In check mode nothing is charged: the balance after is a prediction, and labelled so.
    charged, warning = plan.charges(changes, balance, total, None)
    assert charged == {'credits_balance_after': None, 'credits_charged': None} and warning is None
    result = plan.result(changes, balance, total, False, charged)
    assert set(result) == keys | {'changed', 'credits_cost', 'credits_balance_before', 'credits_balance_after_predicted',
                                  'credits_balance_after', 'credits_charged'}
    assert (result['changed'], result['credits_cost'], result['credits_balance_after_predicted']) == (True, 2, 28)


@pytest.mark.parametrize('observed, charged, warned', [(28, 2, False), (20, 10, True), (28.0, 2, False)])
def test_what_the_vendor_charged_is_observed_and_differences_are_said(observed, charged, warned):
    changes = changes_of((1, 'Outmail500', 'Outmail1000'), (2, 'Outmail500', 'Outmail500'))
    balance, total = plan.price(changes, CATALOGUE, 'difference')
    changes.apply(lambda item, write: None, check_mode=False)
    keys, warning = plan.charges(changes, balance, total, observed)
    assert keys == {'credits_balance_after': observed, 'credits_charged': charged}
    assert (warning is not None) is warned
    if warned:
        assert 'the vendor charged 10 credits for the regrades applied (the balance went from 30 to 20), where the price list ' \
            'predicted 2' in warning
    # The last regrade applied carries what was observed; the plan's credits stay the price list's prediction.
    assert changes.items[0].plan() == {'resource': 'live_service/1', 'action': 'regrade', 'before': {'tariff_service_name': 'Outmail500'},
                                       'after': {'tariff_service_name': 'Outmail1000'}, 'credits': 2, 'balance_before': 30,
                                       'balance_after': 28, 'balance_observed': observed, 'credits_charged': charged}
    assert 'balance_observed' not in changes.items[1].plan()
