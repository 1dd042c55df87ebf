# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The customer_onboard and customer_offboard roles through playbooks/customer_life.yml, in real ansible-playbook runs
against the emulator with the plan callback: every phase of a customer's life (onboard, month-end regrade, suspend,
resume, offboard) with --check --diff, for real and again. The preview's report must be the real run's, the preview and the
rerun must send no write, every write must be in the report, and the emulator must hold what the phase is for."""

import json

from playbook import run_playbook
from role_runs import PLAYBOOKS, entries, failure_messages, role_playbook, run

KEY = 'cust-life-demo'
CALLBACKS = 'record_results,channel.partner.plan'


def the_client(emu):
    found = [client for client in emu.snapshot()['clients'] if client['external_userid'] == KEY]
    return found[0] if found else None


def services(emu):
    return dict((service['whmcs_service_id'], service) for service in emu.snapshot()['live_services']
                if service.get('whmcs_service_id', '').startswith('life-'))


def the_account(emu):
    found = [account for account in emu.snapshot()['retailer']['accounts'] if account.get('ExternalUserId') == KEY]
    return found[0] if found else None


def holds_onboarded(emu, package):
    client, account = the_client(emu), the_account(emu)
    return (client['active'] == 1 and sorted(services(emu)) == ['life-fakemx', 'life-outmail']
            and services(emu)['life-outmail']['tariff_service_name'] == package
            and not any(service['suspended'] for service in services(emu).values())
            and account['Code'] == 0 and account['IdProfile'] == 1047
            and dict((pack['Id'], pack['Quantity']) for pack in account['ActivePacks'])[536] == 2)


def holds_suspended(emu):
    return (the_client(emu)['active'] == 0 and all(service['suspended'] for service in services(emu).values())
            and the_account(emu)['Code'] == 1)


def holds_ended(emu):
    return the_client(emu) is None and services(emu) == {} and the_account(emu) is None


PHASES = [
    ('onboard', ['client/external_userid=cust-life-demo', 'live_service/external_userid=cust-life-demo/outmail/life-outmail',
                 'live_service/external_userid=cust-life-demo/fakemx/life-fakemx', 'retailer_account/ExternalUserId=cust-life-demo',
                 'retailer_pack/ExternalUserId=cust-life-demo/536'], lambda emu: holds_onboarded(emu, 'Outmail500')),
    ('month_end', ['live_service/<outmail>'], lambda emu: holds_onboarded(emu, 'Outmail1000')),
    ('suspend', ['live_service/<outmail>', 'live_service/<fakemx>', 'client/<client>', 'retailer_account/<account>'], holds_suspended),
    ('resume', ['client/<client>', 'live_service/<outmail>', 'live_service/<fakemx>', 'retailer_account/<account>'],
     lambda emu: holds_onboarded(emu, 'Outmail1000')),
    ('offboard', ['live_service/<outmail>', 'live_service/<fakemx>', 'client/<client>', 'retailer_account/<account>'], holds_ended),
]


def run_phase(emu, work_dir, phase, check):
    plan_path = work_dir / ('plan-%s' % ('check' if check else 'real'))
    environment = dict(emu.connection_environment(), ANSIBLE_CALLBACKS_ENABLED=CALLBACKS, CHANNEL_PARTNER_PLAN_PATH=str(plan_path),
                       CHANNEL_PARTNER_PLAN_PRINT_SUMMARY='false')
    result = run_playbook(work_dir, playbook=PLAYBOOKS / 'customer_life.yml', check=check, diff=True, environment=environment,
                          extra_vars={'customer_life_phase': phase, 'customer_life_poll_interval': 0.05})
    assert result.rc == 0, failure_messages(result) or result.stdout + result.stderr
    report = json.loads(plan_path.with_suffix('.json').read_text())
    assert report['failures'] == [], report['failures']
    return result, [(entry['resource'], entry['action']) for entry in report['changes']]


def named(resources, ids):
    return [resource.replace('<outmail>', str(ids['outmail'])).replace('<fakemx>', str(ids['fakemx']))
            .replace('<client>', str(ids['client'])).replace('<account>', str(ids['account'])) for resource in resources]


def test_a_whole_customer_life_previews_applies_and_reruns_as_the_report_says(emulator, tmp_path):
    ids = {}
    for phase, resources, holds in PHASES:
        work = tmp_path / phase
        emulator.clear_requests()
        preview, previewed = run_phase(emulator, work / 'check', phase, check=True)
        assert emulator.writes() == [], (phase, emulator.writes())
        real, applied = run_phase(emulator, work / 'real', phase, check=False)
        assert holds(emulator), phase
        if phase == 'onboard':
            ids = {'outmail': services(emulator)['life-outmail']['id'], 'fakemx': services(emulator)['life-fakemx']['id'],
                   'client': the_client(emulator)['id'], 'account': the_account(emulator)['IdAccount']}
        assert [resource for resource, _action in applied] == named(resources, ids), (phase, applied)
        assert previewed == applied, phase
        # Every write is one change of the report: nothing is written that the report does not say.
        assert len(emulator.writes()) == len(applied), (phase, emulator.writes())
        emulator.clear_requests()
        _again, again = run_phase(emulator, work / 'again', phase, check=False)
        assert again == [] and emulator.writes() == [], (phase, again)
        if phase in ('suspend', 'offboard'):
            said = entries(preview, 'Say what the offboarding touched')[0]['result']['msg']
            assert said.startswith('Would ') and all(resource in said for resource in named(resources, ids)), said
            assert entries(_again, 'Say what the offboarding touched')[0]['result']['msg'].endswith('as nothing of it is left to change ')


def test_a_rerun_of_the_offboarding_reads_only_what_tells_the_state(emulator, tmp_path):
    for phase in ('onboard', 'offboard'):
        run_phase(emulator, tmp_path / phase, phase, check=False)
    emulator.clear_requests()
    run_phase(emulator, tmp_path / 'again', 'offboard', check=False)
    # The client is gone (anonymised), so its services are not read; the MailUp lookup finds no account.
    reads = [(entry['api'], entry['method'], entry['path'].rsplit('/', 1)[-1]) for entry in emulator.requests()
             if not entry['path'].endswith('/Token')]
    assert reads == [('partner', 'GET', 'clients'), ('retailer', 'GET', 'Account')], reads


def test_a_system_suspended_service_fails_the_resume_naming_it_and_writes_nothing_for_it(emulator, tmp_path):
    for phase in ('onboard', 'suspend'):
        run_phase(emulator, tmp_path / phase, phase, check=False)
    with emulator.edit_state() as state:
        for service in state['live_services']:
            if service.get('whmcs_service_id') == 'life-fakemx':
                service['suspend_reason'] = 'billing'
                fakemx = service['id']
    emulator.clear_requests()
    result = run(emulator, tmp_path / 'resume', PLAYBOOKS / 'customer_life.yml', extra_vars={'customer_life_phase': 'resume'})
    assert result.rc != 0
    assert '%s (suspended by the system, reason billing)' % fakemx in failure_messages(result)
    assert not [entry for entry in emulator.writes() if str(fakemx) in entry['path']]


def test_onboarding_without_a_mailup_account_leaves_mailup_alone(emulator, tmp_path):
    role_vars = {'customer_onboard_external_id': 'cust-7001', 'customer_onboard_client': {'email': 'ops@7001.example'},
                 'customer_onboard_services': [{'product': 'outmail', 'tariff_service_name': 'Outmail500'}]}
    playbook = role_playbook(tmp_path, 'customer_onboard', role_vars)
    preview = run(emulator, tmp_path / 'check', playbook, check=True)
    assert preview.rc == 0, failure_messages(preview) or preview.stdout
    summary = entries(preview, 'Record what the customer has')[0]['result']['ansible_facts']['customer_onboard_summary']
    # Nothing exists yet: the preview knows no id.
    assert summary == {'client_id': None, 'live_service_ids': [], 'account_id': None}
    real = run(emulator, tmp_path / 'real', playbook)
    assert real.rc == 0, failure_messages(real) or real.stdout
    summary = entries(real, 'Record what the customer has')[0]['result']['ansible_facts']['customer_onboard_summary']
    client = [entry for entry in emulator.snapshot()['clients'] if entry['external_userid'] == 'cust-7001'][0]
    assert summary['client_id'] == client['id'] and len(summary['live_service_ids']) == 1 and summary['account_id'] is None
    assert [entry for entry in emulator.requests() if entry['api'] == 'retailer'] == []


def test_an_id_that_several_clients_carry_is_refused_before_any_write(emulator, tmp_path):
    with emulator.edit_state() as state:
        for client in state['clients'][:2]:
            client['external_userid'] = 'cust-twice'
        ids = [client['id'] for client in state['clients'][:2]]
    playbook = role_playbook(tmp_path, 'customer_offboard', {'customer_offboard_external_id': 'cust-twice', 'customer_offboard_state': 'absent'})
    result = run(emulator, tmp_path / 'run', playbook)
    assert result.rc != 0
    assert '2 My-Engine clients have external_userid cust-twice (ids %s, %s)' % tuple(ids) in failure_messages(result)
    assert emulator.writes() == []
