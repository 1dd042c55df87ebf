# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""live_service_regrade and live_service_info in real ansible-playbook runs against the emulator."""

import os
import subprocess
import sys

import pytest

from conftest import COLLECTIONS_ROOT
from emulator_fixture import PARTNER_LOGIN
from playbook import ansible_environment, module_examples, run_playbook, without_options

PARTNER_ID = PARTNER_LOGIN['partner_id']
API_KEY = PARTNER_LOGIN['api_key']
CONNECTION_OPTIONS = ('api_url', 'partner_id', 'api_key', 'validate_certs', 'ca_path', 'timeout', 'allow_plain_http')
MODULES = ('live_service_regrade', 'live_service_info')


def partner_defaults(emu):
    """The connection for every module of the partner_api action group, the way users are told to set it."""
    return {'group/channel.partner.partner_api': {'api_url': emu.partner_url, 'partner_id': PARTNER_ID, 'api_key': API_KEY}}


def request_log_tasks(emu, name):
    """Two tasks that fetch the emulator's request log (registered as ``name``) and then empty it."""
    return [
        {'name': name, 'ansible.builtin.uri': {'url': emu.url + '/_emulator/requests', 'return_content': True}},
        {'name': 'clear after ' + name, 'ansible.builtin.uri': {'url': emu.url + '/_emulator/requests', 'method': 'DELETE'}},
    ]


def regrade_task(name, ignore_errors=False, **options):
    task = {'name': name, 'channel.partner.live_service_regrade': options}
    if ignore_errors:
        task['ignore_errors'] = True
    return task


def partner_calls(log):
    return [(entry['method'], entry['path'][len('/api-v1'):]) for entry in log if entry['api'] == 'partner']


def test_acceptance_sequence(emulator, tmp_path):
    tasks = [
        dict(regrade_task('regrade in check mode', live_service_id=1234931, tariff_service_name='Outmail1000'), check_mode=True),
    ] + request_log_tasks(emulator, 'log after check mode') + [
        regrade_task('regrade', live_service_id=1234931, tariff_service_name='Outmail1000'),
    ] + request_log_tasks(emulator, 'log after regrade') + [
        regrade_task('again', live_service_id=1234931, tariff_service_name='Outmail1000'),
    ] + request_log_tasks(emulator, 'log after again') + [
        regrade_task('downgrade', live_service_id=1234931, tariff_service_name='Outmail100'),
        regrade_task('bad target', True, live_service_id=1234931, tariff_service_name='Profilter10'),
        regrade_task('too few credits', True, live_service_id=1234931, tariff_service_name='Outmail25000'),
        regrade_task('unknown id', True, live_service_id=999999, tariff_service_name='Outmail1000'),
        regrade_task('ambiguous lookup', True, product='outmail', client_id=9987601, tariff_service_name='Outmail5000'),
    ] + request_log_tasks(emulator, 'log after refusals') + [
        regrade_task('vendor refuses for credits', True, live_service_id=1234931, tariff_service_name='Outmail25000', credit_check=False),
    ] + request_log_tasks(emulator, 'log after vendor refusal') + [
        {'name': 'info', 'channel.partner.live_service_info': {'live_service_id': 1234931}},
    ]
    run = run_playbook(tmp_path, tasks, diff=True, module_defaults=partner_defaults(emulator))
    assert run.rc == 0, run.stdout + run.stderr

    check = run.task('regrade in check mode')
    assert check['changed'] is True
    assert check['live_service']['tariff_service_name'] == 'Outmail1000'
    assert (check['credits_cost'], check['credits_balance_before'], check['credits_balance_after_predicted']) == (2, 100, 98)
    # In check mode nothing is read after a write: the observed figures are null, the predicted one is labelled so.
    assert (check['credits_balance_after'], check['credits_charged']) == (None, None)
    assert check['diff'] == {'before': {'tariff_service_name': 'Outmail500'}, 'after': {'tariff_service_name': 'Outmail1000'}}
    assert partner_calls(run.task('log after check mode')['json']) == [('GET', '/live_services/1234931'),
                                                                       ('GET', '/live_services/service_names')]

    real = run.task('regrade')
    assert real['changed'] is True
    for key in ('live_service', 'credits_cost', 'credits_balance_before', 'credits_balance_after_predicted', 'diff'):
        assert real[key] == check[key], key
    assert (real['credits_balance_after'], real['credits_charged']) == (98, 2)
    assert dict(check['plan'], balance_observed=98, credits_charged=2) == real['plan']
    assert real['plan']['action'] == 'regrade' and real['plan']['resource'] == 'live_service/1234931'
    assert partner_calls(run.task('log after regrade')['json'])[-2:] == [('PATCH', '/live_services/1234931'), ('GET', '/clients/self')]

    again = run.task('again')
    assert again['changed'] is False
    assert again['plan']['action'] == 'none'
    assert partner_calls(run.task('log after again')['json']) == [('GET', '/live_services/1234931')]

    downgrade = run.task('downgrade')
    assert downgrade['changed'] is True
    assert downgrade['previous_tariff_service_name'] == 'Outmail1000' and downgrade['credits_cost'] == 0

    bad_target = run.task('bad target')
    assert run.status('bad target') == 'failed'
    assert 'allowed targets: Outmail500, Outmail1000, Outmail5000, Outmail25000' in bad_target['msg']

    too_few = run.task('too few credits')
    assert run.status('too few credits') == 'failed'
    assert 'costs 120 credits, balance is 98' in too_few['msg'] and 'Nothing was changed' in too_few['msg']

    unknown = run.task('unknown id')
    assert run.status('unknown id') == 'failed' and 'live service 999999 does not exist' in unknown['msg']

    ambiguous = run.task('ambiguous lookup')
    assert run.status('ambiguous lookup') == 'failed'
    assert 'found 2' in ambiguous['msg'] and '1234933' in ambiguous['msg'] and '1234934' in ambiguous['msg']

    # Of the downgrade and the four refusals, only the downgrade wrote.
    refusal_log = partner_calls(run.task('log after refusals')['json'])
    assert [call for call in refusal_log if call[0] != 'GET'] == [('PATCH', '/live_services/1234931')]

    vendor_refusal = run.task('vendor refuses for credits')
    assert run.status('vendor refuses for credits') == 'failed'
    assert vendor_refusal['msg'].startswith('could not regrade live service 1234931 from Outmail100 to Outmail25000: ')
    assert 'insufficient partner credits' in vendor_refusal['msg'] and 'balance is 98' in vendor_refusal['msg']
    assert vendor_refusal['error']['status'] == 405
    vendor_log = partner_calls(run.task('log after vendor refusal')['json'])
    assert ('PATCH', '/live_services/1234931') in vendor_log

    # The 405 left the balance as it was: 100 - 2 (upgrade) - 0 (downgrade).
    described = run.task('info')
    assert described['credits_balance'] == 98
    assert described['live_services'][0]['tariff_service_name'] == 'Outmail100'
    snapshot = emulator.snapshot()
    assert snapshot['partner']['partner_credits'] == 98
    assert [s['tariff_service_name'] for s in snapshot['live_services'] if s['id'] == 1234931] == ['Outmail100']
    assert API_KEY not in run.stdout + run.stderr


def test_whole_play_in_check_mode_writes_nothing(emulator, tmp_path):
    tasks = [
        regrade_task('regrade', live_service_id=1234931, tariff_service_name='Outmail5000'),
        regrade_task('regrade by lookup', product='profilter', whmcs_service_id='502', tariff_service_name='Profilter100'),
        {'name': 'info', 'channel.partner.live_service_info': {'product': 'outmail'}},
    ]
    run = run_playbook(tmp_path, tasks, check=True, diff=True, module_defaults=partner_defaults(emulator))
    assert run.rc == 0, run.stdout + run.stderr
    assert run.task('regrade')['changed'] is True and run.task('regrade')['credits_cost'] == 22
    assert run.task('regrade by lookup')['credits_cost'] == 8
    assert 'tariff_service_name' in run.stdout  # the diff is shown
    assert emulator.writes() == []


def test_connection_from_environment_variables(emulator, tmp_path):
    tasks = [{'name': 'info', 'channel.partner.live_service_info': {'live_service_id': 1234932}}]
    run = run_playbook(tmp_path, tasks, environment={
        'MYENGINE_API_URL': emulator.partner_url, 'MYENGINE_PARTNER_ID': PARTNER_ID, 'MYENGINE_API_KEY': API_KEY})
    assert run.rc == 0, run.stdout + run.stderr
    assert run.task('info')['live_services'][0]['tariff_service_name'] == 'Profilter50'


@pytest.mark.parametrize('name', MODULES)
def test_every_example_runs_against_the_emulator(emulator, tmp_path, name):
    examples = module_examples(name)
    assert any(key.startswith('channel.partner.') for task in examples for key in task)
    run = run_playbook(tmp_path, [without_options(task, CONNECTION_OPTIONS) for task in examples], module_defaults=partner_defaults(emulator),
                       play_vars={'myengine_partner_id': PARTNER_ID, 'myengine_api_key': API_KEY})
    assert run.rc == 0, run.stdout + run.stderr
    assert [entry['task'] for entry in run.tasks] == [task['name'] for task in examples]
    assert all(entry['status'] == 'ok' for entry in run.tasks), run.tasks


@pytest.mark.parametrize('name', MODULES)
def test_ansible_doc_renders(tmp_path, name):
    environment = ansible_environment(tmp_path, {'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS_ROOT)})
    completed = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'module', 'channel.partner.' + name],
                               env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert 'channel.partner.' + name in completed.stdout
    for words in ('partner_id', 'api_key', 'live_service_id', 'EXAMPLES', 'RETURN VALUES'):
        assert words in completed.stdout, words
    assert 'WARNING' not in completed.stderr, completed.stderr
