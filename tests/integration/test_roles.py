# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles retailer_onboard, live_service_plan and partner_audit, and their example playbooks,
in real ansible-playbook runs against the emulator.

The connection comes from the MYENGINE_* and MAILUP_* environment variables, as with
tests/tools/with_emulator.py, so the example playbooks run exactly as a user runs them.
What was written is read from the emulator's request log and state.
"""

import copy

import pytest
import yaml

from conftest import REPO
from playbook import run_playbook

PLAYBOOKS = REPO / 'playbooks'
ROLE_NAMES = ('retailer_onboard', 'live_service_plan', 'partner_audit')
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'


def connection_environment(emu):
    state = emu.snapshot()
    oauth_client = state['retailer']['oauth_clients'][0]
    user = state['retailer']['users'][0]
    return {
        'MYENGINE_API_URL': emu.partner_url,
        'MYENGINE_PARTNER_ID': str(state['partner']['partner_id']),
        'MYENGINE_API_KEY': state['partner']['api_key'],
        'MAILUP_API_URL': emu.retailer_url,
        'MAILUP_CLIENT_ID': oauth_client['client_id'],
        'MAILUP_CLIENT_SECRET': oauth_client['client_secret'],
        'MAILUP_USERNAME': user['username'],
        'MAILUP_PASSWORD': user['password'],
    }


def run(emu, work_dir, playbook, **kwargs):
    return run_playbook(work_dir, playbook=playbook, environment=connection_environment(emu), **kwargs)


def role_playbook(work_dir, role, role_vars, name='play.yml'):
    """A one-play playbook that applies ``role`` (by FQCN) with ``role_vars`` as play vars."""
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / name
    play = {'name': 'role ' + role, 'hosts': 'localhost', 'gather_facts': False, 'vars': role_vars,
            'roles': [{'role': 'channel.partner.' + role}]}
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


def entries(result, part):
    """The recorded results of the tasks whose name contains ``part`` (role tasks may carry a prefix)."""
    found = [entry for entry in result.tasks if part in entry['task']]
    assert found, 'no task named like %r in %s' % (part, [entry['task'] for entry in result.tasks])
    return found


def changed_tasks(result):
    return [entry['task'] for entry in result.tasks if entry['result'].get('changed')]


def failure_messages(result):
    """The messages of the failed tasks, and of their failed loop items."""
    messages = []
    for entry in result.tasks:
        if entry['status'] == 'failed':
            messages.append(str(entry['result'].get('msg')))
            messages += [str(item.get('msg')) for item in entry['result'].get('results', []) if item.get('failed')]
    return '\n'.join(messages)


def writes(emu):
    return [(entry['method'], entry['path'].split(SERVICE, 1)[-1]) for entry in emu.writes()]


def account(emu, account_id):
    for entry in emu.snapshot()['retailer']['accounts']:
        if entry['IdAccount'] == account_id:
            return entry
    return None


def packs(emu, account_id):
    return {pack['Id']: pack['Quantity'] for pack in account(emu, account_id)['ActivePacks']}


def tariffs(emu):
    return {service['id']: service['tariff_service_name'] for service in emu.snapshot()['live_services']}


def balance(emu):
    return emu.snapshot()['partner']['partner_credits']


# retailer_onboard

def test_onboard_example_previews_applies_and_reruns_unchanged(emulator, tmp_path):
    playbook = PLAYBOOKS / 'retailer_onboard.yml'

    preview = run(emulator, tmp_path / 'check', playbook, check=True, diff=True)
    assert preview.rc == 0, preview.stdout + preview.stderr
    assert writes(emulator) == []
    # The packs are predicted against the new profile (Economy), since the pack module only sees Trial before the change.
    predicted = entries(preview, 'Predict the pack quantities after the profile change')[0]['result']
    assert [item['msg'] for item in predicted['results']] == [
        'Extra 1,000 emails (pack 534): 0 -> 4 once the profile has changed',
        'SMS 100 (pack 536): 0 -> 2 once the profile has changed',
    ]

    apply = run(emulator, tmp_path / 'apply', playbook, diff=True)
    assert apply.rc == 0, apply.stdout + apply.stderr
    stored = account(emulator, 23054)
    assert stored['Code'] == 0 and stored['IdProfile'] == 1047
    assert packs(emulator, 23054)[534] == 4 and packs(emulator, 23054)[536] == 2
    applied = writes(emulator)
    assert applied[0] == ('PUT', 'Account/23054') and ('POST', 'Account/23054/Pack/534') in applied
    assert ('POST', 'Account/23054/Pack/536') in applied
    # The preview changed the same tasks the real run changed (the pack preview stands for the pack task).
    assert len(changed_tasks(preview)) == len(changed_tasks(apply)) == 2

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0, again.stdout + again.stderr
    assert changed_tasks(again) == [] and writes(emulator) == []
    status = entries(again, 'Record the account status after onboarding')[0]['result']['ansible_facts']['retailer_onboard_status']
    assert status['IdAccount'] == 23054 and status['IdProfile'] == 1047 and status['Code'] == 0


def test_onboard_same_profile_by_id_sets_packs_and_disables(emulator, tmp_path):
    wanted = {
        'retailer_onboard_account_id': 23055,
        'retailer_onboard_external_user_id': 'cust-23055',
        'retailer_onboard_state': 'disabled',
        'retailer_onboard_profile': 1047,
        'retailer_onboard_packs': [{'pack_id': 534, 'quantity': 3}, {'pack_name': 'Dedicated IP', 'quantity': 1}],
    }
    playbook = role_playbook(tmp_path, 'retailer_onboard', wanted)
    first = run(emulator, tmp_path / 'first', playbook)
    assert first.rc == 0, first.stdout + first.stderr
    assert account(emulator, 23055)['Code'] == 1 and account(emulator, 23055)['IdProfile'] == 1047
    assert packs(emulator, 23055)[534] == 3 and packs(emulator, 23055)[538] == 1
    assert writes(emulator) == [('PUT', 'Account/23055'), ('POST', 'Account/23055/Pack/538')]

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0 and changed_tasks(again) == [] and writes(emulator) == []


@pytest.mark.parametrize('check', [True, False], ids=['check mode', 'real run'])
@pytest.mark.parametrize('pack, expected', [
    ({'pack_id': 539, 'quantity': 1}, 'Pack 539 is not offered by profile Economy (1047)'),
    ({'pack_name': 'SMS 100', 'quantity': 6}, 'Pack SMS 100 must have a quantity between 0 and 5, not 6, on profile Economy (1047)'),
], ids=['pack not offered', 'quantity out of range'])
def test_onboard_refuses_packs_the_new_profile_does_not_allow_before_any_write(emulator, tmp_path, check, pack, expected):
    wanted = {
        'retailer_onboard_account_id': 23054,
        'retailer_onboard_external_user_id': 'cust-23054',
        'retailer_onboard_profile': 'Economy',
        'retailer_onboard_packs': [{'pack_id': 534, 'quantity': 1}, pack],
    }
    result = run(emulator, tmp_path, role_playbook(tmp_path, 'retailer_onboard', wanted), check=check)
    assert result.rc != 0
    message = failure_messages(result)
    assert expected + ', the profile of account 23054 after onboarding. Nothing was changed.' in message, message
    assert writes(emulator) == []
    assert account(emulator, 23054)['Code'] == 1 and account(emulator, 23054)['IdProfile'] == 1046


# live_service_plan

PLAN = [
    {'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},   # 8 -> 10: 2 credits
    {'live_service_id': 1234932, 'tariff_service_name': 'Profilter100'},  # 12 -> 20: 8 credits
    {'live_service_id': 1234935, 'tariff_service_name': 'FakeMX10'},      # 2 -> 6: 4 credits
]


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


# partner_audit

AUDIT_ACCOUNTS = [{'account_id': 23053, 'external_user_id': 'cust-23053'},
                  {'account_id': 23054, 'external_user_id': 'cust-23054'},
                  {'account_id': 23055, 'external_user_id': 'cust-23055'}]


def test_audit_example_writes_both_reports_without_writing_to_the_apis(emulator, tmp_path):
    output = tmp_path / 'reports'
    playbook = PLAYBOOKS / 'partner_audit.yml'
    result = run(emulator, tmp_path / 'run', playbook, extra_vars={'partner_audit_output_dir': str(output)})
    assert result.rc == 0, result.stdout + result.stderr
    assert writes(emulator) == []
    # Only the report files changed; no API task looks like a change.
    assert [name.split(' : ')[-1] for name in changed_tasks(result)] == [
        'Create the report directory', 'Write the Markdown report', 'Write the HTML report']

    markdown = (output / 'partner-audit.md').read_text()
    html = (output / 'partner-audit.html').read_text()
    for service in emulator.snapshot()['live_services']:
        for text in (markdown, html):
            assert str(service['id']) in text and service['tariff_service_name'] in text
    for text in (markdown, html):
        for account_id in (23053, 23054, 23055):
            assert str(account_id) in text
        for word in ('Outmail25000', 'Premium', 'Economy', 'Trial', 'Extra 1,000 emails', 'SMS 100'):
            assert word in text
    assert '**Balance: 100 credits**' in markdown
    assert '| 1234931 | 9987600 | outmail | **Outmail500** | 8 | active | 501 |' in markdown
    assert '| Outmail1000 | 10 | 2 | yes |' in markdown and '| Outmail25000 | 125 | 117 | **no** |' in markdown
    assert '| 23054 | cust-23054 | **disabled** | Trial (1046) | 50 |' in markdown
    assert '| 534 | Extra 1,000 emails | 3 | 3 | 0–10 |' in markdown
    assert '<div class="value">100</div>' in html
    assert '<span class="badge disabled">disabled</span>' in html and '<span class="badge enabled">enabled</span>' in html
    assert 'Outmail25000 <span class="cost">117 cr</span>' in html
    assert html.lstrip().startswith('<!DOCTYPE html>') and html.rstrip().endswith('</html>')
    assert '<script' not in html and 'http' not in html.split('<body>')[1]
    for secret in ('emu-password-c81f0b', 'emu-client-secret-93ad5e', 'emu-partner-key-4b9d2c7e'):
        assert secret not in markdown and secret not in html

    facts = entries(result, 'Gather the report')[0]['result']['ansible_facts']['partner_audit_report']
    assert facts['credits_balance'] == 100.0
    assert [row['state'] for row in facts['accounts']] == ['enabled', 'disabled', 'enabled']

    again = run(emulator, tmp_path / 'again', playbook, extra_vars={'partner_audit_output_dir': str(output)})
    assert again.rc == 0 and changed_tasks(again) == [] and writes(emulator) == []


def test_audit_reports_the_state_after_changes_and_a_missing_account_as_absent(emulator, tmp_path):
    onboard = role_playbook(tmp_path, 'retailer_onboard', {
        'retailer_onboard_account_id': 23054, 'retailer_onboard_external_user_id': 'cust-23054',
        'retailer_onboard_profile': 'Economy', 'retailer_onboard_poll_interval': 0.1,
        'retailer_onboard_packs': [{'pack_name': 'SMS 100', 'quantity': 5}]}, name='onboard.yml')
    assert run(emulator, tmp_path / 'onboard', onboard).rc == 0
    output = tmp_path / 'reports'
    audit = role_playbook(tmp_path, 'partner_audit', {
        'partner_audit_output_dir': str(output), 'partner_audit_formats': ['markdown'],
        'partner_audit_include_live_services': False,
        'partner_audit_accounts': AUDIT_ACCOUNTS[1:] + [{'account_id': 99999, 'external_user_id': 'cust-99999'}]},
        name='audit.yml')
    emulator.clear_requests()
    result = run(emulator, tmp_path / 'audit', audit)
    assert result.rc == 0, result.stdout + result.stderr
    assert writes(emulator) == []
    assert not [entry for entry in emulator.requests() if entry['api'] == 'partner']
    assert not (output / 'partner-audit.html').exists()
    markdown = (output / 'partner-audit.md').read_text()
    assert 'Partner credits' not in markdown and 'Live services' not in markdown
    assert '| 23054 | cust-23054 | **enabled** | Economy (1047) | 50 |' in markdown
    assert '| 536 | SMS 100 | 5 | 5 | 0–5 |' in markdown
    assert '| 99999 | cust-99999 | **absent** | — |' in markdown


def test_audit_in_check_mode_writes_nothing_unless_asked(emulator, tmp_path):
    output = tmp_path / 'reports'
    audit_vars = {'partner_audit_output_dir': str(output), 'partner_audit_accounts': AUDIT_ACCOUNTS}
    check = run(emulator, tmp_path / 'check', role_playbook(tmp_path, 'partner_audit', audit_vars), check=True)
    assert check.rc == 0, check.stdout + check.stderr
    assert not output.exists() and writes(emulator) == []

    asked = dict(audit_vars, partner_audit_write_in_check_mode=True)
    check = run(emulator, tmp_path / 'asked', role_playbook(tmp_path, 'partner_audit', asked, name='asked.yml'), check=True)
    assert check.rc == 0, check.stdout + check.stderr
    assert (output / 'partner-audit.md').exists() and (output / 'partner-audit.html').exists()
    assert writes(emulator) == []


# Argument specs

GOOD_VARS = {
    'retailer_onboard': {'retailer_onboard_account_id': 23055, 'retailer_onboard_external_user_id': 'cust-23055'},
    'live_service_plan': {'live_service_plan_services': copy.deepcopy(PLAN)},
    'partner_audit': {'partner_audit_accounts': copy.deepcopy(AUDIT_ACCOUNTS)},
}

BAD_INPUTS = [
    ('retailer_onboard', 'retailer_onboard_account_id', None,
     'missing required arguments: retailer_onboard_account_id'),
    ('retailer_onboard', 'retailer_onboard_account_id', 'twenty-three',
     "argument 'retailer_onboard_account_id' is of type str and we were unable to convert to int"),
    ('retailer_onboard', 'retailer_onboard_state', 'absent',
     'value of retailer_onboard_state must be one of: enabled, disabled, got: absent'),
    ('retailer_onboard', 'retailer_onboard_packs', [{'pack_id': 534}],
     'missing required arguments: quantity found in retailer_onboard_packs'),
    ('retailer_onboard', 'retailer_onboard_packs', [{'pack_id': 534, 'pack_name': 'SMS 100', 'quantity': 1}],
     'parameters are mutually exclusive: pack_id|pack_name found in retailer_onboard_packs'),
    ('retailer_onboard', 'retailer_onboard_packs', [{'quantity': 1}],
     'one of the following is required: pack_id, pack_name found in retailer_onboard_packs'),
    ('live_service_plan', 'live_service_plan_services', None,
     'missing required arguments: live_service_plan_services'),
    ('live_service_plan', 'live_service_plan_services', [{'live_service_id': 1234931}],
     'missing required arguments: tariff_service_name found in live_service_plan_services'),
    ('live_service_plan', 'live_service_plan_budget', 'lots',
     "argument 'live_service_plan_budget' is of type str and we were unable to convert to float"),
    ('live_service_plan', 'live_service_plan_cost_model', 'cheapest',
     'value of live_service_plan_cost_model must be one of: difference, full, got: cheapest'),
    ('partner_audit', 'partner_audit_formats', ['pdf'],
     'value of partner_audit_formats must be one or more of: markdown, html. Got no match for: pdf'),
    ('partner_audit', 'partner_audit_accounts', [{'account_id': 23053}],
     'missing required arguments: external_user_id found in partner_audit_accounts'),
    ('partner_audit', 'partner_audit_include_retailer', 'perhaps',
     "argument 'partner_audit_include_retailer' is of type str and we were unable to convert to bool"),
]


@pytest.mark.parametrize('role, option, value, expected', BAD_INPUTS,
                         ids=['%s-%s-%d' % (entry[0], entry[1], index) for index, entry in enumerate(BAD_INPUTS)])
def test_argument_spec_rejects_bad_input_before_any_request(emulator, tmp_path, role, option, value, expected):
    role_vars = copy.deepcopy(GOOD_VARS[role])
    if value is None:
        role_vars.pop(option)
    else:
        role_vars[option] = value
    result = run(emulator, tmp_path, role_playbook(tmp_path, role, role_vars))
    assert result.rc != 0
    validation = entries(result, "Validating arguments against arg spec 'main'")[0]
    assert validation['status'] == 'failed'
    assert expected in validation['result']['msg'], validation['result']['msg']
    assert any(option in error for error in validation['result']['argument_errors'])
    assert emulator.requests() == []


@pytest.mark.parametrize('role', ROLE_NAMES)
def test_role_defaults_are_documented_in_the_argument_spec(role):
    """Every default in defaults/main.yml is an option of the spec, with the same default."""
    defaults = yaml.safe_load((REPO / 'roles' / role / 'defaults' / 'main.yml').read_text()) or {}
    options = yaml.safe_load((REPO / 'roles' / role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']['main']['options']
    for name, value in defaults.items():
        assert name in options, name
        assert options[name].get('default') == value, name
    for name, spec in options.items():
        assert name.startswith(role + '_'), name
        assert spec.get('description'), name
        if spec.get('required'):
            assert name not in defaults, name
        else:
            assert name in defaults, name
