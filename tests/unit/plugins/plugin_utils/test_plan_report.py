# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan report model behind the channel.partner.plan callback: what it counts, warns about and writes.

The callback's wiring into ansible-playbook is covered by tests/integration/test_plan_callback.py;
here are the cases a playbook against the emulator cannot produce today (bulk ``plans``, foreign
balance changes) and the schema's refusals.
"""

import json
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.channel.partner.plugins.plugin_utils._plan_report import PlanReport, render_markdown, render_summary

SCHEMA = json.loads((Path(__file__).resolve().parents[4] / 'docs' / 'plan.schema.json').read_text())
STARTED = '2025-01-02T03:04:05Z'


def regrade_plan(service_id, before, after, credits, balance_before, observed=None, charged=None):
    plan = {'resource': 'live_service/%s' % service_id, 'action': 'regrade' if before != after else 'none',
            'before': {'tariff_service_name': before}, 'after': {'tariff_service_name': after},
            'credits': credits, 'balance_before': balance_before, 'balance_after': balance_before - credits}
    if observed is not None:
        # What a real run reads from the vendor after the task's last write.
        plan.update(balance_observed=observed, credits_charged=charged)
    return plan


def pack_plan(account_id, pack_id, before, after):
    return {'resource': 'retailer_pack/%s/%s' % (account_id, pack_id), 'action': 'set' if before != after else 'none',
            'before': {'quantity': before}, 'after': {'quantity': after}}


def report(check_mode=True):
    document_report = PlanReport(check_mode=check_mode, diff_mode=True, started=STARTED)
    document_report.playbooks.append('site.yml')
    document_report.finished = STARTED
    return document_report


def add(plan_report, name, result, module='channel.partner.live_service_regrade', **kwargs):
    plan_report.add(name, 'localhost', module, result, **kwargs)


def schema_errors(document):
    return [error.message for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(document)]


def test_bulk_plans_are_one_entry_each_and_win_over_plan():
    plan_report = report()
    plans = [pack_plan(23055, 534, 3, 5), pack_plan(23055, 535, 1, 1), pack_plan(23055, 536, 2, 4)]
    # A bulk result that also carries a single plan must not count that plan twice.
    add(plan_report, 'packs', {'plans': plans, 'plan': plans[0]}, module='channel.partner.retailer_pack')
    document = plan_report.as_dict()
    assert [entry['resource'] for entry in document['changes']] == ['retailer_pack/23055/534', 'retailer_pack/23055/536']
    assert [entry['resource'] for entry in document['unchanged']] == ['retailer_pack/23055/535']
    assert document['totals']['changes_by_action'] == {'set': 2}
    assert schema_errors(document) == []


def test_failed_bulk_task_lists_done_items_as_changes_and_the_rest_as_failures():
    plan_report = report(check_mode=False)
    # The shape live_service_regrade documents for a failed run with services: outcome and failed on every item.
    plans = [
        dict(regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0), outcome='done', failed=False),
        dict(regrade_plan(1234937, 'MasterDNS25', 'MasterDNS25', 0.0, 98.0), outcome='unchanged', failed=False),
        dict(regrade_plan(1234933, 'Outmail100', 'Outmail5000', 25.0, 98.0), outcome='failed', failed=True),
        dict(regrade_plan(1234936, 'BackupMX10', 'BackupMX1', 0.0, 73.0), outcome='not_attempted', failed=True),
    ]
    add(plan_report, 'regrade the list', {'plans': plans, 'msg': 'regrading live service 1234933 failed'}, failed=True, ignored=False)
    document = plan_report.as_dict()
    assert [entry['resource'] for entry in document['changes']] == ['live_service/1234931']
    assert [entry['resource'] for entry in document['unchanged']] == ['live_service/1234937']
    assert [(entry['resource'], entry['outcome'], entry['message'], entry['ignored']) for entry in document['failures']] == [
        ('live_service/1234933', 'failed', 'regrading live service 1234933 failed', False),
        ('live_service/1234936', 'not_attempted', 'regrading live service 1234933 failed', False)]
    # Only what was done is spent.
    assert (document['totals']['credits'], document['totals']['balance_after']) == (2.0, 98.0)
    # Whole credits are written as whole numbers in the JSON plan, as the modules return them.
    assert json.dumps([document['totals']['credits'], document['totals']['balance_after'], document['changes'][0]['credits']]) == '[2, 98, 2]'
    assert document['warnings'] == ["localhost stopped at the failed task 'regrade the list': the tasks after it are not in this plan."]
    assert 'FAILED live_service/1234936  regrade (not attempted)' in '\n'.join(render_summary(document))
    assert '| `live_service/1234936` | regrade (not attempted) |' in render_markdown(document)
    assert schema_errors(document) == []


def test_failure_without_a_plan_is_still_listed():
    plan_report = report()
    add(plan_report, 'lookup', {'msg': 'expected exactly one live service'}, failed=True, ignored=True)
    document = plan_report.as_dict()
    assert document['failures'][0]['resource'] is None and document['failures'][0]['message'] == 'expected exactly one live service'
    assert 'FAILED lookup' in '\n'.join(render_summary(document))
    assert schema_errors(document) == []


def test_results_without_plan_add_nothing():
    plan_report = report()
    add(plan_report, 'info', {'live_services': [], 'credits_balance': 100}, module='channel.partner.live_service_info')
    document = plan_report.as_dict()
    assert (document['changes'], document['unchanged'], document['failures']) == ([], [], [])
    assert document['totals']['balance_before'] is None and document['totals']['balance_after'] is None
    assert 'Nothing would change.' in render_markdown(document)


def test_preview_over_the_balance_warns_that_the_real_run_would_fail_part_way():
    plan_report = report()
    # Each regrade fits the balance on its own; together they do not.
    add(plan_report, 'first', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail5000', 22.0, 30.0)})
    add(plan_report, 'second', {'plan': regrade_plan(1234933, 'Outmail100', 'Outmail5000', 25.0, 30.0)})
    document = plan_report.as_dict()
    assert (document['totals']['credits'], document['totals']['balance_after']) == (47.0, -17.0)
    assert document['warnings'] == ['The changes cost 47 credits but the balance is 30: each regrade checks only its own cost, '
                                    'so the real run would fail part-way.']


def test_real_run_warns_when_the_balance_read_disagrees_with_the_credits_spent():
    plan_report = report(check_mode=False)
    add(plan_report, 'first', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0, 98.0, 2.0)})
    # Someone spent 10 credits elsewhere between the two tasks.
    add(plan_report, 'second', {'plan': regrade_plan(1234933, 'Outmail100', 'Outmail500', 3.0, 88.0, 85.0, 3.0)})
    totals = plan_report.totals()
    assert (totals['balance_before'], totals['balance_after'], totals['balance_after_observed']) == (100.0, 95.0, 85.0)
    assert (totals['credits'], totals['credits_charged']) == (5, 5)
    assert any('differs from the starting balance minus the credits' in warning for warning in plan_report.warnings(totals))


def test_the_balance_after_is_read_never_computed():
    plan_report = report(check_mode=False)
    # A regrade without an observed balance (the read after it failed): the report has no observed figure.
    add(plan_report, 'first', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0)})
    totals = plan_report.totals()
    assert (totals['balance_after'], totals['balance_after_observed'], totals['credits_charged']) == (98.0, None, None)
    assert plan_report.warnings(totals) == []


def test_what_the_vendor_charged_beside_what_the_price_list_predicted():
    plan_report = report(check_mode=False)
    # The price list's difference model says 2; the vendor took the full price.
    add(plan_report, 'first', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0, 90.0, 10.0)})
    document = plan_report.as_dict()
    assert (document['totals']['credits'], document['totals']['credits_charged'], document['totals']['balance_after_observed']) == (2, 10, 90)
    assert document['warnings'] == ['The vendor charged 10 credits, where the price list predicted 2: the credits of the changes are '
                                    'predictions, what was charged is read from the balance.']
    assert 'made: 1 change(s) (regrade 1) | credits: 2 (charged: 10) | balance: 100 -> 98 (read: 90)' in render_summary(document)[-2]
    markdown = render_markdown(document)
    assert '| Credits charged (read from the balance) | 10 |' in markdown and '| Balance after, as read from the vendor | 90 |' in markdown
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))


def test_previews_inside_a_real_run_are_predictions_never_changes():
    plan_report = report(check_mode=False)
    # The live_service_plan role prices every regrade in check mode, then regrades for real.
    for name, check_mode, observed in (('price', True, None), ('regrade', False, 98.0)):
        add(plan_report, name, {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0, observed, observed and 2.0)},
            check_mode=check_mode)
    document = plan_report.as_dict()
    assert [entry['task'] for entry in document['changes']] == ['regrade']
    assert [entry['task'] for entry in document['predictions']] == ['price']
    assert (document['totals']['changes'], document['totals']['credits'], document['totals']['predictions']) == (1, 2, 1)
    assert document['warnings'] == []
    markdown = render_markdown(document)
    assert '## Predictions inside this run (1)' in markdown and '| price | `live_service/1234931` | regrade |' in markdown
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))


def test_a_task_that_wrote_and_then_failed_says_what_it_wrote():
    plan_report = report(check_mode=False)
    add(plan_report, 'enable and move', {'msg': 'could not change the profile', 'writes_done': ['enabled the account 23054'],
                                         'plan': {'resource': 'retailer_account/23054', 'action': 'update',
                                                  'before': {'state': 'disabled', 'profile_id': 1046},
                                                  'after': {'state': 'enabled', 'profile_id': 1047}, 'outcome': 'failed', 'failed': True}},
        module='channel.partner.retailer_account', failed=True, ignored=True)
    document = plan_report.as_dict()
    assert document['failures'][0]['writes_done'] == ['enabled the account 23054']
    assert document['totals']['partial_failures'] == 1
    assert "'enable and move' failed after it wrote: enabled the account 23054." in document['warnings']
    assert '| enabled the account 23054 |' in render_markdown(document)
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))


def test_the_same_resource_changed_twice_is_a_warning():
    plan_report = report()
    add(plan_report, 'up', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0)})
    add(plan_report, 'up again', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail5000', 22.0, 100.0)})
    assert plan_report.as_dict()['warnings'] == [
        "live_service/1234931 is changed by 2 tasks ('up', 'up again'): in check mode each of them is compared with the state before the run, "
        "so the real run can differ."]


def test_markdown_cells_cannot_break_the_table():
    plan_report = report()
    add(plan_report, 'a | b', {'msg': 'line one\nline | two'}, failed=True, ignored=True)
    markdown = render_markdown(plan_report.as_dict())
    assert '| 1 | a \\| b (ignored) | - | - | - | line one line \\| two |' in markdown


@pytest.mark.parametrize('breakage, expected', [
    (lambda document: document['totals'].pop('credits'), "'credits' is a required property"),
    (lambda document: document['changes'][0].update(action='none'), 'should not be valid'),
    (lambda document: document['changes'][0].update(surprise=1), "'surprise' was unexpected"),
    (lambda document: document['failures'][0].update(message=None), "None is not of type 'string'"),
    (lambda document: document.update(mode='preview'), "'preview' is not one of"),
    (lambda document: document.update(started='yesterday'), "does not match"),
])
def test_schema_rejects_documents_that_break_it(breakage, expected):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    plan_report = report()
    add(plan_report, 'up', {'plan': regrade_plan(1234931, 'Outmail500', 'Outmail1000', 2.0, 100.0)})
    add(plan_report, 'bad', {'msg': 'not allowed', 'plan': dict(regrade_plan(1234935, 'FakeMX1', 'Outmail1000', 0.0, 100.0), credits=None)},
        failed=True, ignored=True)
    document = json.loads(json.dumps(plan_report.as_dict()))
    assert schema_errors(document) == []
    breakage(document)
    assert any(expected in error for error in schema_errors(document)), schema_errors(document)
