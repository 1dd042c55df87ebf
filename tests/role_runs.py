# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the role tests (tests/integration/test_role_*.py): real ansible-playbook runs of the roles
and their example playbooks against the emulator, and what they wrote.

The connection comes from the MYENGINE_* and MAILUP_* environment variables, as with
tests/tools/with_emulator.py, so the example playbooks run exactly as a user runs them.
What was written is read from the emulator's request log and state.
"""

import yaml

from conftest import REPO
from emulator_fixture import stored_account
from playbook import run_playbook

PLAYBOOKS = REPO / 'playbooks'
# The shipped playbooks carry no ids; against the emulator they take its fixture's, as `make demo` passes them.
PLAYBOOK_VARS = REPO / 'tests' / 'emulator' / 'fixtures' / 'playbook_vars.yml'
ROLE_NAMES = ('retailer_onboard', 'live_service_plan', 'partner_audit', 'customer_onboard', 'customer_offboard')
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'

# A regrade plan of the default fixture that costs 14 credits in all.
PLAN = [
    {'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},   # 8 -> 10: 2 credits
    {'live_service_id': 1234932, 'tariff_service_name': 'Profilter100'},  # 12 -> 20: 8 credits
    {'live_service_id': 1234935, 'tariff_service_name': 'FakeMX10'},      # 2 -> 6: 4 credits
]
# The fixture's three customer accounts, as the audit role takes them.
AUDIT_ACCOUNTS = [{'account_id': 23053, 'external_user_id': 'cust-23053'},
                  {'account_id': 23054, 'external_user_id': 'cust-23054'},
                  {'account_id': 23055, 'external_user_id': 'cust-23055'}]


def run(emu, work_dir, playbook, **kwargs):
    if playbook.parent == PLAYBOOKS:
        # The test's own variables win over the fixture's, as a later -e would.
        kwargs['extra_vars'] = dict(yaml.safe_load(PLAYBOOK_VARS.read_text(encoding='utf-8')), **(kwargs.get('extra_vars') or {}))
    return run_playbook(work_dir, playbook=playbook, environment=emu.connection_environment(), **kwargs)


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


def packs(emu, account_id):
    return {pack['Id']: pack['Quantity'] for pack in stored_account(emu, account_id)['ActivePacks']}


def tariffs(emu):
    return {service['id']: service['tariff_service_name'] for service in emu.snapshot()['live_services']}


def balance(emu):
    return emu.snapshot()['partner']['partner_credits']
