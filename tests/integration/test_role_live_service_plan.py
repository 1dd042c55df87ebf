# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_service_plan role and its example playbook, in real ansible-playbook runs against the emulator."""

import json

import pytest

from playbook import run_playbook
from role_runs import PLAN, PLAYBOOKS, balance, changed_tasks, entries, failure_messages, role_playbook, run, tariffs, writes


def test_plan_over_budget_is_refused_before_any_write(emulator, tmp_path):
    before = tariffs(emulator)
    playbook = role_playbook(tmp_path, 'live_service_plan', {'live_service_plan_services': PLAN, 'live_service_plan_budget': 13.5})
    result = run(emulator, tmp_path, playbook)
    assert result.rc != 0
    assert writes(emulator) == [] and tariffs(emulator) == before and balance(emulator) == 100
    refusal = entries(result, 'Refuse the whole plan before any write if it costs more than the balance or the budget')[0]
    assert refusal['status'] == 'failed'
    assert refusal['result']['msg'] == [
        'live service 1234931: Outmail500 -> Outmail1000 costs 2 credits',
        'live service 1234932: Profilter50 -> Profilter100 costs 8 credits',
        'live service 1234935: FakeMX1 -> FakeMX10 costs 4 credits',
        'total: 14 credits; balance: 100 credits; budget: 13.5 credits',
        'The plan costs 14 credits, more than the budget of 13.5 credits.',
        'The plan was refused before any write; nothing was changed.',
    ]
    # Nothing after the refusal ran.
    assert not [entry for entry in result.tasks if entry['task'].endswith('Regrade the live services of the plan')]


def test_plan_over_balance_is_refused_before_any_write(emulator, tmp_path):
    # Each regrade alone fits in the balance of 100; together they do not (95 + 8 = 103).
    plan = [{'live_service_id': 1234939, 'tariff_service_name': 'Outmail25000'},
            {'live_service_id': 1234932, 'tariff_service_name': 'Profilter100'}]
    before = tariffs(emulator)
    result = run(emulator, tmp_path, role_playbook(tmp_path, 'live_service_plan', {'live_service_plan_services': plan}))
    assert result.rc != 0
    assert writes(emulator) == [] and tariffs(emulator) == before
    message = failure_messages(result)
    assert 'live service 1234939: Outmail5000 -> Outmail25000 costs 95 credits' in message
    assert 'live service 1234932: Profilter50 -> Profilter100 costs 8 credits' in message
    assert 'total: 103 credits; balance: 100 credits; budget: none set' in message
    assert 'The plan costs 103 credits, more than the balance of 100 credits.' in message


@pytest.mark.parametrize('plan, expected', [
    ([{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
      {'live_service_id': 1234931, 'tariff_service_name': 'Outmail5000'}], 'live service 1234931 more than once'),
    ([{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
      {'live_service_id': 1234932, 'tariff_service_name': 'FakeMX10'}], 'FakeMX10'),
], ids=['duplicate service', 'target not allowed'])
def test_plan_with_a_bad_entry_is_refused_before_any_write(emulator, tmp_path, plan, expected):
    result = run(emulator, tmp_path, role_playbook(tmp_path, 'live_service_plan', {'live_service_plan_services': plan}))
    assert result.rc != 0
    assert expected in failure_messages(result)
    assert writes(emulator) == []


def test_plan_example_applies_within_budget_and_reruns_unchanged(emulator, tmp_path):
    playbook = PLAYBOOKS / 'live_service_plan.yml'
    preview = run(emulator, tmp_path / 'check', playbook, check=True, diff=True)
    assert preview.rc == 0, preview.stdout + preview.stderr
    assert writes(emulator) == []

    apply = run(emulator, tmp_path / 'apply', playbook, diff=True)
    assert apply.rc == 0, apply.stdout + apply.stderr
    assert sorted(writes(emulator)) == [('PATCH', '/api-v1/live_services/%d' % plan['live_service_id']) for plan in PLAN]
    after = tariffs(emulator)
    assert {service: after[service] for service in (1234931, 1234932, 1234935)} == {
        plan['live_service_id']: plan['tariff_service_name'] for plan in PLAN}
    assert balance(emulator) == 100 - 14
    facts = entries(apply, 'Record what the plan did')[0]['result']['ansible_facts']['live_service_plan_result']
    assert facts['credits_cost'] == 14.0 and facts['credits_balance_before'] == 100.0
    assert changed_tasks(preview) == changed_tasks(apply)

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0, again.stdout + again.stderr
    assert changed_tasks(again) == [] and writes(emulator) == []
    assert balance(emulator) == 100 - 14


def test_plan_is_two_module_runs_with_one_read_of_the_list_each(emulator, tmp_path):
    # The bulk form: the pricing and the regrades are one module run each, not one per service.
    playbook = role_playbook(tmp_path, 'live_service_plan', {'live_service_plan_services': PLAN, 'live_service_plan_concurrency': 2})
    environment = dict(emulator.connection_environment(), ANSIBLE_CALLBACKS_ENABLED='record_results,channel.partner.plan',
                       CHANNEL_PARTNER_PLAN_PATH=str(tmp_path / 'plan'), CHANNEL_PARTNER_PLAN_PRINT_SUMMARY='false')
    result = run_playbook(tmp_path, playbook=playbook, environment=environment)
    assert result.rc == 0, result.stdout + result.stderr

    module_runs = [entry for entry in result.tasks if entry['action'] == 'channel.partner.live_service_regrade']
    assert [entry['task'].split(' : ')[-1] for entry in module_runs] == [
        'Price every regrade of the plan (reads only)', 'Regrade the live services of the plan']
    assert all('results' not in entry['result'] for entry in module_runs)
    pricing, regrade = (entry['result'] for entry in module_runs)
    assert pricing['changed'] is False and regrade['changed'] is True
    assert [plan['resource'] for plan in regrade['plans']] == ['live_service/%d' % item['live_service_id'] for item in PLAN]
    facts = entries(result, 'Record what the plan did')[0]['result']['ansible_facts']['live_service_plan_result']
    assert facts['regrades'] == regrade['plans']
    assert (facts['credits_cost'], facts['credits_balance_before']) == (14, 100)

    # The plan callback sees one prediction task and one change task, three plans each.
    report = json.loads((tmp_path / 'plan.json').read_text())
    assert [(entry['task'].split(' : ')[-1], entry['resource']) for entry in report['predictions']] == [
        ('Price every regrade of the plan (reads only)', 'live_service/%d' % item['live_service_id']) for item in PLAN]
    assert [(entry['task'].split(' : ')[-1], entry['resource']) for entry in report['changes']] == [
        ('Regrade the live services of the plan', 'live_service/%d' % item['live_service_id']) for item in PLAN]

    # Each module run reads the whole list once and the price list once, no service on its own; the regrade task reads
    # the balance after its writes. One PATCH per regrade.
    reads = [entry['path'] for entry in emulator.requests(api='partner', method='GET')]
    assert reads == ['/api-v1/live_services', '/api-v1/live_services/service_names'] * 2 + ['/api-v1/clients/self']
    assert sorted(writes(emulator)) == [('PATCH', '/api-v1/live_services/%d' % item['live_service_id']) for item in PLAN]
