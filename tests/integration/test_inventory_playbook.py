# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_services inventory plugin in real ansible-inventory and ansible-playbook runs against the emulator.

The environment is the one AWX injects from the collection's Partner API credential type (its injector rendered
with the emulator's credentials), so these runs are the AWX inventory update (``ansible-inventory --list --export``)
and the regrade job of docs/docsite/rst/inventory.rst (playbooks/regrade_group.yml over one group, with forks).
"""

import json
import os
import subprocess
import sys

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

import secret_scan
from conftest import COLLECTIONS_ROOT, REPO
from emulator_fixture import PARTNER_LOGIN, TARIFFS, default_state, partner_calls
from playbook import ansible_environment, run_playbook

INVENTORY = REPO / 'playbooks' / 'inventory' / 'partner.live_services.yml'
PLAYBOOK = REPO / 'playbooks' / 'regrade_group.yml'
CREDENTIAL_TYPE = REPO / 'docs' / 'awx' / 'credential_types' / 'partner_api.yml'
PLUGIN = 'channel.partner.live_services'
API_KEY = PARTNER_LOGIN['api_key']
PREFLIGHT = 'Check the whole group against the regrade targets and the credit balance, before any write'
REGRADE = 'Regrade the live service of this host'
# The outMail services that are not suspended, and their packages in the fixture.
OUTMAIL = dict((service['id'], service['tariff_service_name']) for service in default_state()['live_services']
               if service['product'] == 'outmail' and not service['suspended'])
BIN = os.path.dirname(sys.executable)


def awx_environment(emu, tmp_path, extra=None):
    """What an AWX job or inventory update runs with: the credential type's injector rendered (sandboxed Jinja2, as AWX
    does) with the credential's inputs, here the emulator's URL and credentials."""
    credential_type = yaml.safe_load(CREDENTIAL_TYPE.read_text())
    inputs = dict(PARTNER_LOGIN, api_url=emu.partner_url)
    sandbox = ImmutableSandboxedEnvironment()
    injected = dict((name, sandbox.from_string(template).render(**inputs)) for name, template in credential_type['injectors']['env'].items())
    environment = dict(injected, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT))
    environment.update(extra or {})
    return environment


def ansible_inventory(tmp_path, environment, *arguments):
    completed = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', str(INVENTORY)] + list(arguments),
                               env=ansible_environment(tmp_path, environment), cwd=str(tmp_path), capture_output=True, text=True,
                               timeout=300, check=False)
    secret_scan.scan_value(completed.stdout, 'ansible-inventory stdout')
    secret_scan.scan_value(completed.stderr, 'ansible-inventory stderr')
    assert completed.returncode == 0, completed.stderr
    return completed


def plain(value):
    """A value of ``ansible-inventory --list`` as Ansible reads it back: text that is data, never a template (every vendor
    value), is written as ``{"__ansible_unsafe": text}``."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def listed(completed):
    return plain(json.loads(completed.stdout))


def group_hosts(inventory, group):
    return sorted(inventory.get(group, {}).get('hosts', []))


def test_ansible_inventory_lists_the_services_as_an_awx_inventory_update_imports_them(emulator, tmp_path):
    emulator.clear_requests()

    completed = ansible_inventory(tmp_path, awx_environment(emulator, tmp_path), '--list', '--export')

    inventory = listed(completed)
    hostvars = inventory['_meta']['hostvars']
    assert sorted(hostvars) == sorted('live_service_%d' % service['id'] for service in default_state()['live_services']
                                      if not service['suspended'])
    assert group_hosts(inventory, 'product_outmail') == sorted('live_service_%d' % service_id for service_id in OUTMAIL)
    assert group_hosts(inventory, 'tariff_Outmail100') == ['live_service_1234933']
    assert group_hosts(inventory, 'client_9987601') == ['live_service_1234933', 'live_service_1234934', 'live_service_1234935']
    assert 'state_suspended' not in inventory
    variables = hostvars['live_service_1234933']
    assert (variables['live_service_id'], variables['live_service_tariff_service_name'], variables['live_service_state']) == (
        1234933, 'Outmail100', 'active')
    assert variables['billing_reference'] == 'WHMCS-503'
    assert 'live_service_1234933' in group_hosts(inventory, 'can_be_regraded')
    assert API_KEY not in completed.stdout + completed.stderr
    assert partner_calls(emulator) == [('GET', '/live_services')]


def test_with_the_cache_on_a_second_ansible_inventory_sends_no_request(emulator, tmp_path):
    environment = awx_environment(emulator, tmp_path, {
        'ANSIBLE_INVENTORY_CACHE': 'true',
        'ANSIBLE_INVENTORY_CACHE_PLUGIN': 'ansible.builtin.jsonfile',
        'ANSIBLE_INVENTORY_CACHE_CONNECTION': str(tmp_path / 'inventory_cache'),
    })
    emulator.clear_requests()
    first = ansible_inventory(tmp_path, environment, '--list')
    assert partner_calls(emulator) == [('GET', '/live_services')]
    emulator.clear_requests()

    second = ansible_inventory(tmp_path, environment, '--list')

    assert emulator.requests() == []
    assert listed(second) == listed(first)
    for cache_file in (tmp_path / 'inventory_cache').iterdir():
        assert API_KEY not in cache_file.name + cache_file.read_text()


def test_a_failed_inventory_update_shows_the_vendors_message_and_no_key(emulator, tmp_path):
    environment = awx_environment(emulator, tmp_path, {'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true', 'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true'})
    emulator.add_fault('status', route='/live_services', status=503)

    completed = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', str(INVENTORY), '--list', '-vvv'],
                               env=ansible_environment(tmp_path, environment), cwd=str(tmp_path), capture_output=True, text=True,
                               timeout=300, check=False)

    secret_scan.scan_value(completed.stdout + completed.stderr, 'the failed ansible-inventory')
    assert completed.returncode != 0
    # Ansible wraps its warnings to the terminal's width.
    shown = ' '.join(completed.stderr.split())
    assert '%s: reading the live services failed: GET %s/live_services failed' % (PLUGIN, emulator.partner_url) in shown
    assert 'HTTP 503' in shown
    assert API_KEY not in completed.stdout + completed.stderr


def regrade_group(emu, tmp_path, group, tariff, check=False):
    """playbooks/regrade_group.yml over ``group`` with four forks, as the AWX job template of the guide runs it."""
    return run_playbook(tmp_path, playbook=PLAYBOOK, check=check, diff=True, extra_vars={'target_group': group, 'target_tariff': tariff},
                        environment=awx_environment(emu, tmp_path), extra_args=['-i', str(INVENTORY), '-f', '4'])


def per_host(run, task):
    """{live service id: (status, changed, diff)} of one task of a run."""
    results = {}
    for entry in run.tasks:
        if entry['task'] == task:
            service_id = int(entry['host'].rsplit('_', 1)[1])
            results[service_id] = (entry['status'], entry['result'].get('changed'), entry['result'].get('diff'))
    return results


def tariffs(emu):
    return dict((service['id'], service['tariff_service_name']) for service in emu.snapshot()['live_services'])


def test_regrading_a_group_with_forks_check_mode_predicts_the_run_and_a_rerun_changes_nothing(emulator, tmp_path):
    start = tariffs(emulator)
    balance = emulator.snapshot()['partner']['partner_credits']
    wanted = 'Outmail1000'
    changing = sorted(service_id for service_id, tariff in OUTMAIL.items() if tariff != wanted)
    assert changing and len(changing) < len(OUTMAIL)

    preview = regrade_group(emulator, tmp_path / 'check', 'product_outmail', wanted, check=True)
    assert preview.rc == 0, preview.stdout + preview.stderr
    assert emulator.writes() == []
    assert tariffs(emulator) == start

    applied = regrade_group(emulator, tmp_path / 'run', 'product_outmail', wanted)
    assert applied.rc == 0, applied.stdout + applied.stderr
    assert per_host(applied, REGRADE) == per_host(preview, REGRADE)
    assert dict((service_id, changed) for service_id, (_status, changed, _diff) in per_host(applied, REGRADE).items()) == dict(
        (service_id, service_id in changing) for service_id in OUTMAIL)
    assert sorted((entry['method'], entry['path']) for entry in emulator.writes()) == [
        ('PATCH', '/api-v1/live_services/%d' % service_id) for service_id in changing]
    expected = dict(start)
    expected.update((service_id, wanted) for service_id in OUTMAIL)
    assert tariffs(emulator) == expected
    cost = sum(max(0, TARIFFS[wanted]['credits'] - TARIFFS[OUTMAIL[service_id]]['credits']) for service_id in changing)
    assert emulator.snapshot()['partner']['partner_credits'] == balance - cost
    # The group's check is a prediction in both runs: it ran once, and the same.
    assert len(per_host(applied, PREFLIGHT)) == 1 and per_host(applied, PREFLIGHT) == per_host(preview, PREFLIGHT)
    emulator.clear_requests()

    again = regrade_group(emulator, tmp_path / 'again', 'product_outmail', wanted)
    assert again.rc == 0, again.stdout + again.stderr
    assert [changed for _status, changed, _diff in per_host(again, REGRADE).values()] == [False] * len(OUTMAIL)
    assert [changed for _status, changed, _diff in per_host(again, PREFLIGHT).values()] == [False]
    assert emulator.writes() == []


def test_a_group_the_balance_cannot_pay_for_is_refused_before_any_host_is_regraded(emulator, tmp_path):
    start = tariffs(emulator)

    run = regrade_group(emulator, tmp_path, 'product_outmail', 'Outmail25000')

    assert run.rc != 0
    assert [status for status, _changed, _diff in per_host(run, PREFLIGHT).values()] == ['failed']
    assert 'insufficient partner credits' in run.task(PREFLIGHT)['msg'] and 'Nothing was changed' in run.task(PREFLIGHT)['msg']
    assert per_host(run, REGRADE) == {}
    assert emulator.writes() == []
    assert tariffs(emulator) == start


def test_a_job_without_a_package_is_refused_before_any_request(emulator, tmp_path):
    emulator.clear_requests()

    run = run_playbook(tmp_path, playbook=PLAYBOOK, extra_vars={'target_group': 'product_outmail'},
                       environment=awx_environment(emulator, tmp_path), extra_args=['-i', str(INVENTORY), '-f', '4'])

    assert run.rc != 0
    assert 'Set target_group' in run.task('Refuse a job without target_group or target_tariff')['msg']
    assert per_host(run, PREFLIGHT) == per_host(run, REGRADE) == {}
    # The inventory was read (one GET), nothing else.
    assert partner_calls(emulator) == [('GET', '/live_services')]


def test_ansible_doc_shows_the_plugin_with_the_modules_environment_variables(tmp_path):
    completed = subprocess.run([os.path.join(BIN, 'ansible-doc'), '-t', 'inventory', '--json', PLUGIN],
                               env=ansible_environment(tmp_path, {'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS_ROOT)}),
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    doc = json.loads(completed.stdout)[PLUGIN]['doc']
    options = doc['options']
    assert dict((name, [entry['name'] for entry in options[name].get('env', [])]) for name in ('api_url', 'partner_id', 'api_key')) == {
        'api_url': ['MYENGINE_API_URL'], 'partner_id': ['MYENGINE_PARTNER_ID'], 'api_key': ['MYENGINE_API_KEY']}
    for name in ('validate_certs', 'ca_path', 'timeout', 'allow_plain_http', 'compose', 'keyed_groups', 'groups', 'strict',
                 'leading_separator', 'cache', 'cache_plugin', 'cache_timeout', 'cache_connection', 'products',
                 'tariff_service_names', 'client_ids', 'include_suspended', 'include_clients', 'hostname'):
        assert name in options, name
    assert doc['version_added'] == '1.0.0'
    assert 'WARNING' not in completed.stderr, completed.stderr


def test_the_shipped_inventory_source_holds_no_credential():
    source = yaml.safe_load(INVENTORY.read_text())
    assert source['plugin'] == PLUGIN
    assert not set(source) & {'api_key', 'partner_id', 'api_url'}


def test_the_guide_shows_the_regrade_play_as_the_playbook_has_it():
    guide = (REPO / 'docs' / 'docsite' / 'rst' / 'inventory.rst').read_text()
    block = guide.split('.. code:: yaml\n\n   - name: Regrade the live services of one inventory group\n', 1)[1]
    # The RST code block ends at the first line that is not indented.
    lines = ['   - name: Regrade the live services of one inventory group']
    for line in block.splitlines():
        if line and not line.startswith('   '):
            break
        lines.append(line)
    shown = '\n'.join(line[3:] for line in lines)

    assert yaml.safe_load(shown) == yaml.safe_load(PLAYBOOK.read_text())[1:]
