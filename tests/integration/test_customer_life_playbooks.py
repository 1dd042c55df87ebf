# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Partner API half of a customer's life in real ansible-playbook runs with the plan callback: a new client and its
outMail service, a month-end regrade, suspension, resumption and the end. Each phase runs with --check --diff, for real and
again; the preview's plan must be the real run's, the preview and the rerun must send no write, and the emulator must hold
what the plan says."""

import json

from emulator_fixture import PARTNER_LOGIN
from playbook import run_playbook

CALLBACKS = 'record_results,channel.partner.plan'
KEY = 'cust-life-1'


def defaults(emu):
    return {'group/channel.partner.partner_api': dict(PARTNER_LOGIN, api_url=emu.partner_url)}


def task(name, module, **options):
    return {'name': name, 'channel.partner.' + module: options}


def the_client(emu):
    found = [client for client in emu.snapshot()['clients'] if client['external_userid'] == KEY]
    return found[0] if found else None


def the_service(emu):
    found = [service for service in emu.snapshot()['live_services'] if service['whmcs_service_id'] == 'life-1']
    return found[0] if found else None


CLIENT = {'external_userid': KEY}
SERVICE = {'client_external_userid': KEY, 'product': 'outmail', 'whmcs_service_id': 'life-1'}

PHASES = [
    ('onboard', [
        task('the customer is a client', 'client', email='life@example.org', firstname='Life', surname='Cycle', **CLIENT),
        task('the customer has an outMail service', 'live_service', tariff_service_name='Outmail500', **SERVICE),
    ], [('client/external_userid=%s' % KEY, 'create'), ('live_service/external_userid=%s/outmail/life-1' % KEY, 'create')],
        lambda emu: the_client(emu)['email'] == 'life@example.org' and the_service(emu)['tariff_service_name'] == 'Outmail500'),
    ('month-end regrade', [
        dict(task('find the service', 'live_service', **SERVICE), register='service'),
        task('upgrade it', 'live_service_regrade', live_service_id='{{ service.live_service.id }}', tariff_service_name='Outmail1000'),
    ], [('live_service/<service>', 'regrade')], lambda emu: the_service(emu)['tariff_service_name'] == 'Outmail1000'),
    ('suspend', [
        task('suspend the customer', 'client', enabled=False, **CLIENT),
    ], [('client/<client>', 'update')], lambda emu: the_client(emu)['active'] == 0 and the_service(emu)['suspended'] is True),
    ('resume', [
        task('unsuspend the customer', 'client', enabled=True, **CLIENT),
        task('resume the service', 'live_service', state='active', **SERVICE),
    ], [('client/<client>', 'update'), ('live_service/<service>', 'update')],
        lambda emu: the_client(emu)['active'] == 1 and the_service(emu)['suspended'] is False),
]


def plan_entries(report):
    """The changes the report lists, (resource, action) in task order; a failure in a phase is a test failure."""
    assert report['failures'] == [], report['failures']
    return [(entry['resource'], entry['action']) for entry in report['changes']]


def named(resources, emu):
    client, service = the_client(emu), the_service(emu)
    return [(resource.replace('<client>', str(client['id']) if client else '?').replace('<service>', str(service['id']) if service else '?'),
             action) for resource, action in resources]


def run_phase(emu, tmp_path, name, tasks, check):
    plan_path = tmp_path / ('%s-%s' % (name.replace(' ', '-'), 'check' if check else 'real'))
    environment = {'ANSIBLE_CALLBACKS_ENABLED': CALLBACKS, 'CHANNEL_PARTNER_PLAN_PATH': str(plan_path),
                   'CHANNEL_PARTNER_PLAN_PRINT_SUMMARY': 'false'}
    run = run_playbook(tmp_path / name.replace(' ', '-'), tasks, check=check, diff=True, environment=environment,
                       module_defaults=defaults(emu))
    assert run.rc == 0, run.stdout + run.stderr
    return json.loads(plan_path.with_suffix('.json').read_text())


def test_a_customer_life_previews_applies_and_reruns_as_the_plan_says(emulator, tmp_path):
    for name, tasks, wanted, holds in PHASES:
        emulator.clear_requests()
        preview = run_phase(emulator, tmp_path, name, tasks, check=True)
        assert emulator.writes() == [], (name, emulator.writes())
        real = run_phase(emulator, tmp_path, name, tasks, check=False)
        assert holds(emulator), name
        changes = plan_entries(real)
        assert plan_entries(preview) == changes, name
        assert changes == named(wanted, emulator), (name, changes)
        assert len(emulator.writes()) == len(changes), (name, emulator.writes())
        emulator.clear_requests()
        again = run_phase(emulator, tmp_path, name, tasks, check=False)
        assert plan_entries(again) == [] and emulator.writes() == [], name
    client_id, service_id = the_client(emulator)['id'], the_service(emulator)['id']
    offboard = [
        task('end the service', 'live_service', live_service_id=service_id, state='absent'),
        task('delete the client', 'client', client_id=client_id, state='absent'),
    ]
    emulator.clear_requests()
    preview = run_phase(emulator, tmp_path, 'offboard', offboard, check=True)
    real = run_phase(emulator, tmp_path, 'offboard', offboard, check=False)
    assert plan_entries(preview) == plan_entries(real) == [('live_service/%s' % service_id, 'terminate'), ('client/%s' % client_id, 'delete')]
    # The service is terminated, then the client deleted (anonymised: no client has the key any more).
    assert the_service(emulator) is None and the_client(emulator) is None
    emulator.clear_requests()
    assert plan_entries(run_phase(emulator, tmp_path, 'offboard', offboard, check=False)) == [] and emulator.writes() == []
