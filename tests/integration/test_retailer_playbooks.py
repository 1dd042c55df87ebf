# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""retailer_profile_info, retailer_account and retailer_pack in real ansible-playbook runs against the emulator.

The connection comes from module_defaults on the retailer_api action group, the way the
docs tell users to set it. Emulator switches, faults and the request log are driven from
inside the playbook (its control endpoints), so that one playbook shows a whole sequence.
"""

import os
import subprocess
import sys

import pytest

from conftest import COLLECTIONS_ROOT
from emulator_fixture import RETAILER_LOGIN, stored_account
from playbook import ansible_environment, module_examples, run_playbook, without_options

CREDENTIALS = RETAILER_LOGIN
CONNECTION_OPTIONS = ('api_url', 'client_id', 'client_secret', 'username', 'password', 'validate_certs', 'ca_path', 'timeout',
                      'allow_plain_http')
MODULES = ('retailer_profile_info', 'retailer_account', 'retailer_account_info', 'retailer_account_login_info', 'retailer_pack')
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'


def retailer_defaults(emu):
    return {'group/channel.partner.retailer_api': dict(CREDENTIALS, api_url=emu.retailer_url)}


def control(emu, name, resource, method='POST', body=None):
    """A task that drives the emulator through its control endpoints."""
    task = {'url': emu.url + '/_emulator/' + resource, 'method': method, 'return_content': True}
    if body is not None:
        task.update(body_format='json', body=body)
    # The control calls must run in check mode too, or the check-mode part of a play would not see its own log.
    return {'name': name, 'ansible.builtin.uri': task, 'check_mode': False}


def log_tasks(emu, name):
    """Fetch the request log (registered as ``name``), then empty it."""
    return [control(emu, name, 'requests', 'GET'), control(emu, 'clear after ' + name, 'requests', 'DELETE')]


def configure(emu, name, **switches):
    return control(emu, name, 'config', 'PATCH', switches)


def fault(emu, name, **options):
    return control(emu, name, 'faults', 'POST', options)


def calls(log):
    """(method, path below the service or 'token', status) of every vendor request in a fetched log."""
    result = []
    for entry in log:
        if entry['api'] == 'oauth':
            result.append((entry['method'], 'token', entry['status']))
        elif entry['api'] == 'retailer':
            result.append((entry['method'], entry['path'].split(SERVICE, 1)[-1], entry['status']))
    return result


def writes(log):
    return [call for call in calls(log) if call[0] != 'GET' and call[1] != 'token']


def task(title, module, ignore_errors=False, **options):
    entry = {'name': title, 'channel.partner.' + module: options}
    if ignore_errors:
        entry['ignore_errors'] = True
    return entry


def account_task(name, account_id, ignore_errors=False, **options):
    options.setdefault('external_user_id', 'cust-%d' % account_id)
    return task(name, 'retailer_account', ignore_errors, account_id=account_id, **options)


def pack_task(name, account_id, ignore_errors=False, **options):
    options.setdefault('external_user_id', 'cust-%d' % account_id)
    return task(name, 'retailer_pack', ignore_errors, account_id=account_id, **options)


def warnings_of(result):
    return [w if isinstance(w, str) else w.get('event', {}).get('msg', str(w)) for w in result.get('warnings', [])]


def play(emu, tmp_path, tasks, **kwargs):
    run = run_playbook(tmp_path, tasks, module_defaults=retailer_defaults(emu), **kwargs)
    assert run.rc == 0, run.stdout + run.stderr
    return run


# retailer_account

def test_account_check_apply_again_with_profile_change_through_202(emulator, tmp_path):
    wanted = {'state': 'enabled', 'profile': 'Economy', 'poll_interval': 0.2}
    tasks = [configure(emulator, 'slow profile jobs', profile_change_delay=1.0)] + log_tasks(emulator, 'log before') + [
        dict(account_task('check', 23054, **wanted), check_mode=True),
    ] + log_tasks(emulator, 'log check') + [
        account_task('apply', 23054, **wanted),
    ] + log_tasks(emulator, 'log apply') + [
        account_task('again', 23054, **wanted),
    ] + log_tasks(emulator, 'log again')
    run = play(emulator, tmp_path, tasks, diff=True)

    check, apply, again = run.task('check'), run.task('apply'), run.task('again')
    assert check['changed'] is True and apply['changed'] is True and again['changed'] is False
    expected_diff = {'before': {'state': 'disabled', 'profile_id': 1046}, 'after': {'state': 'enabled', 'profile_id': 1047}}
    assert check['diff'] == apply['diff'] == expected_diff
    assert check['plan'] == apply['plan'] == {'resource': 'retailer_account/23054', 'action': 'update',
                                              'before': expected_diff['before'], 'after': expected_diff['after']}
    assert check['profile_change'] == apply['profile_change'] == 'done' and again['profile_change'] == 'none'
    for key in ('Code', 'Description', 'IdProfile'):
        assert check['account'][key] == apply['account'][key], key

    # Check mode: only the reads needed to decide (status, the profile list for a name, and the packs of the new profile,
    # to predict what the change keeps and what it would remove).
    assert calls(run.task('log check')['json']) == [('POST', 'token', 200), ('GET', 'Account/23054/Status', 200),
                                                    ('GET', 'Management/Profile', 200), ('GET', 'Management/Profile/1047/Pack', 200)]
    # A profile change also reads the packs of the new profile: what the change keeps, and what it would remove.
    assert calls(run.task('log apply')['json'])[:4] == [('POST', 'token', 200), ('GET', 'Account/23054/Status', 200),
                                                        ('GET', 'Management/Profile', 200), ('GET', 'Management/Profile/1047/Pack', 200)]
    applied = writes(run.task('log apply')['json'])
    assert applied[0] == ('PUT', 'Account/23054', 200)
    profile_puts = [status for method, path, status in applied[1:] if path == 'Account/23054/Profile/1047']
    assert len(profile_puts) == len(applied) - 1 >= 3
    assert profile_puts[-1] == 200 and set(profile_puts[:-1]) == {202}
    assert writes(run.task('log again')['json']) == []
    assert stored_account(emulator, 23054)['IdProfile'] == 1047 and stored_account(emulator, 23054)['Code'] == 0


def test_account_noop_by_id_reads_only_the_status(emulator, tmp_path):
    run = play(emulator, tmp_path, log_tasks(emulator, 'log before') + [account_task('noop', 23055, state='enabled', profile='1047')]
               + log_tasks(emulator, 'log noop'))
    assert run.task('noop')['changed'] is False
    assert calls(run.task('log noop')['json']) == [('POST', 'token', 200), ('GET', 'Account/23055/Status', 200)]


def test_account_delete_check_apply_again(emulator, tmp_path):
    tasks = log_tasks(emulator, 'log before') + [
        dict(account_task('check', 23053, state='absent'), check_mode=True),
    ] + log_tasks(emulator, 'log check') + [
        account_task('apply', 23053, state='absent'),
        account_task('again', 23053, state='absent'),
    ] + log_tasks(emulator, 'log after')
    run = play(emulator, tmp_path, tasks, diff=True)
    assert run.task('check')['changed'] is True and writes(run.task('log check')['json']) == []
    assert run.task('apply')['changed'] is True and run.task('again')['changed'] is False
    assert writes(run.task('log after')['json']) == [('DELETE', 'Account/23053', 200)]
    assert stored_account(emulator, 23053) is None


def test_account_failures(emulator, tmp_path):
    tasks = [
        configure(emulator, 'jobs fail', profile_change_outcome='fail'),
        account_task('job failure', 23054, True, profile='Premium', poll_interval=0.05),
        configure(emulator, 'jobs never end', profile_change_outcome='ok', profile_change_delay=60),
        account_task('wait timeout', 23055, True, profile='Trial', wait_timeout=1, poll_interval=0.2, accept_pack_loss=True),
        account_task('no wait', 23053, profile='Trial', wait=False),
    ] + log_tasks(emulator, 'log before empty id') + [
        account_task('empty external_user_id', 23055, True, external_user_id=''),
    ] + log_tasks(emulator, 'log empty id') + [
        account_task('unknown profile', 23055, True, profile='Platinum'),
        account_task('unknown account', 99999, True, state='disabled'),
    ]
    run = play(emulator, tmp_path, tasks)

    failure = run.task('job failure')
    assert run.status('job failure') == 'failed', failure
    assert 'An error occurred changing the account profile.' in failure['msg']
    assert 'Done before the failure: enabled the account 23054.' in failure['msg']
    timeout = run.task('wait timeout')
    assert run.status('wait timeout') == 'failed' and 'was requested' in timeout['msg'] and 'may still complete' in timeout['msg']
    assert run.task('no wait')['profile_change'] == 'started' and run.task('no wait')['changed'] is True
    empty = run.task('empty external_user_id')
    assert run.status('empty external_user_id') == 'failed' and 'external_user_id' in empty['msg']
    assert calls(run.task('log empty id')['json']) == []
    assert "unknown retailer profile 'Platinum'" in run.task('unknown profile')['msg']
    assert 'does not exist' in run.task('unknown account')['msg']
    for name in ('job failure', 'wait timeout'):
        assert RETAILER_LOGIN['password'] not in str(run.task(name)) and RETAILER_LOGIN['client_secret'] not in str(run.task(name))


def test_account_token_expires_during_profile_polling(emulator, tmp_path):
    tasks = [
        configure(emulator, 'short tokens, slow jobs', token_lifetime=0.5, profile_change_delay=1.5),
    ] + log_tasks(emulator, 'log before') + [
        account_task('change', 23055, profile='Premium', poll_interval=0.2),
    ] + log_tasks(emulator, 'log change')
    run = play(emulator, tmp_path, tasks)
    assert run.task('change')['changed'] is True and run.task('change')['profile_change'] == 'done'
    log = calls(run.task('log change')['json'])
    assert ('PUT', 'Account/23055/Profile/1048', 401) in log
    assert len([call for call in log if call[1] == 'token']) >= 2
    assert stored_account(emulator, 23055)['IdProfile'] == 1048


# retailer_pack

def test_pack_check_apply_again(emulator, tmp_path):
    tasks = log_tasks(emulator, 'log before') + [
        dict(pack_task('check', 23055, pack_id=534, quantity=6), check_mode=True),
    ] + log_tasks(emulator, 'log check') + [
        pack_task('apply', 23055, pack_id=534, quantity=6),
    ] + log_tasks(emulator, 'log apply') + [
        pack_task('again', 23055, pack_id=534, quantity=6),
    ] + log_tasks(emulator, 'log again') + [
        pack_task('again by name', 23055, pack_name='Extra 1,000 emails', quantity=6),
    ] + log_tasks(emulator, 'log by name')
    run = play(emulator, tmp_path, tasks, diff=True)

    check, apply, again = run.task('check'), run.task('apply'), run.task('again')
    assert (check['changed'], apply['changed'], again['changed'], run.task('again by name')['changed']) == (True, True, False, False)
    for key in ('pack', 'quantity_before', 'quantity_after', 'account', 'plan', 'diff'):
        assert check[key] == apply[key], key
    assert apply['diff'] == {'before': {'pack_id': 534, 'quantity': 3}, 'after': {'pack_id': 534, 'quantity': 6}}
    assert calls(run.task('log check')['json']) == [('POST', 'token', 200), ('GET', 'Account/23055/Status', 200),
                                                    ('GET', 'Management/Profile/1047/Pack', 200)]
    assert writes(run.task('log apply')['json']) == [('POST', 'Account/23055/Pack/534', 200)]
    assert calls(run.task('log again')['json']) == [('POST', 'token', 200), ('GET', 'Account/23055/Status', 200)]
    assert writes(run.task('log by name')['json']) == []


def test_pack_refusals(emulator, tmp_path):
    tasks = log_tasks(emulator, 'log before') + [
        pack_task('above max', 23055, True, pack_id=538, quantity=4),
        pack_task('below min', 23053, True, pack_id=539, increment=-1),
        pack_task('unknown pack id', 23055, True, pack_id=999, quantity=1),
        pack_task('unknown pack name', 23055, True, pack_name='Carrier pigeons', quantity=1),
        pack_task('pack of another profile', 23054, True, pack_id=536, quantity=1),
        pack_task('empty external_user_id', 23055, True, pack_id=534, external_user_id='', quantity=1),
    ] + log_tasks(emulator, 'log refusals')
    run = play(emulator, tmp_path, tasks)
    above = run.task('above max')
    assert run.status('above max') == 'failed' and 'pack 538 (Dedicated IP) takes a total of 0 to 1: quantity=4 is outside it' in above['msg']
    assert 'Nothing was changed.' in above['msg']
    assert 'takes a total of 1 to 5: increment=-1 would make it' in run.task('below min')['msg']
    for name in ('unknown pack id', 'unknown pack name', 'pack of another profile'):
        assert run.status(name) == 'failed' and 'unknown pack' in run.task(name)['msg'], name
    empty = run.task('empty external_user_id')
    assert run.status('empty external_user_id') == 'failed' and 'external_user_id' in empty['msg']
    assert writes(run.task('log refusals')['json']) == []


def test_pack_incremental_drop_after_write_is_added_once_and_the_advice_sends_nothing_more(emulator, tmp_path):
    tasks = [
        fault(emulator, 'drop the answer of the next pack POST', kind='drop_after', route='Account/23055/Pack/537', method='POST', count=1),
    ] + log_tasks(emulator, 'log before') + [
        pack_task('add two', 23055, ignore_errors=True, pack_id=537, increment=2),
    ] + log_tasks(emulator, 'log add') + [
        # What the message advises, as written: the total instead of the increment.
        pack_task('the advised total', 23055, pack_id=537, quantity=2),
    ] + log_tasks(emulator, 'log advice')
    run = play(emulator, tmp_path, tasks)
    result = run.task('add two')
    assert run.status('add two') == 'failed' and result['changed'] is True and result['applied'] is None
    assert 'whether it was applied is unknown' in result['msg'] and 'It was not sent again.' in result['msg']
    assert 'pack_id: 537, quantity: 2' in result['msg']
    assert writes(run.task('log add')['json']) == [('POST', 'Account/23055/Pack/537', None)]
    assert run.task('the advised total')['changed'] is False and writes(run.task('log advice')['json']) == []
    assert [p['Quantity'] for p in stored_account(emulator, 23055)['ActivePacks'] if p['Id'] == 537] == [2]


def test_pack_token_expires_mid_run(emulator, tmp_path):
    tasks = [
        configure(emulator, 'short tokens', token_lifetime=0.3),
        fault(emulator, 'slow status', kind='latency', route='Account/23055/Status', method='GET', count=1, seconds=0.5),
    ] + log_tasks(emulator, 'log before') + [
        pack_task('set', 23055, pack_id=535, quantity=4),
    ] + log_tasks(emulator, 'log set')
    run = play(emulator, tmp_path, tasks)
    assert run.task('set')['changed'] is True and run.task('set')['quantity_after'] == 4
    log = calls(run.task('log set')['json'])
    assert log[:4] == [('POST', 'token', 200), ('GET', 'Account/23055/Status', 401), ('POST', 'token', 200),
                       ('GET', 'Account/23055/Status', 200)]


# retailer_profile_info

def test_profile_info_check_apply_again(emulator, tmp_path):
    tasks = log_tasks(emulator, 'log before') + [
        dict(task('check', 'retailer_profile_info', include_packs=True, name='Premium'), check_mode=True),
        task('all', 'retailer_profile_info'),
        task('again', 'retailer_profile_info', id=1046, include_packs=True),
    ] + log_tasks(emulator, 'log info')
    run = play(emulator, tmp_path, tasks)
    check = run.task('check')
    assert check['changed'] is False and [p['Id'] for p in check['profiles']] == [1048]
    assert {'Id': 539, 'Name': 'Extra user', 'Min': 1, 'Max': 5, 'Description': 'One more console user'} in check['profiles'][0]['packs']
    assert [p['Name'] for p in run.task('all')['profiles']] == ['Trial', 'Economy', 'Premium']
    assert run.task('again')['changed'] is False and len(run.task('again')['profiles'][0]['packs']) == 3
    assert writes(run.task('log info')['json']) == []


# Documentation


@pytest.mark.parametrize('name', MODULES)
def test_every_example_runs_against_the_emulator(emulator, tmp_path, name):
    examples = module_examples(name)
    assert any(key == 'channel.partner.' + name for example in examples for key in example)
    # Once as written (credentials from the variables the examples use), once with module_defaults only.
    play_vars = dict(('mailup_' + key, value) for key, value in CREDENTIALS.items())
    run = run_playbook(tmp_path / 'as-written', examples, play_vars=play_vars,
                       module_defaults={'group/channel.partner.retailer_api': {'api_url': emulator.retailer_url}})
    assert run.rc == 0, run.stdout + run.stderr
    assert [entry['task'] for entry in run.tasks] == [example['name'] for example in examples]
    assert all(entry['status'] == 'ok' for entry in run.tasks), run.tasks
    emulator.reset()
    run = play(emulator, tmp_path / 'defaults', [without_options(example, CONNECTION_OPTIONS) for example in examples])
    assert all(entry['status'] == 'ok' for entry in run.tasks), run.tasks


@pytest.mark.parametrize('name', MODULES)
def test_ansible_doc_renders(tmp_path, name):
    environment = ansible_environment(tmp_path, {'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS_ROOT)})
    completed = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'module', 'channel.partner.' + name],
                               env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert 'channel.partner.' + name in completed.stdout
    for words in ('client_id', 'client_secret', 'EXAMPLES', 'RETURN VALUES', 'check_mode'):
        assert words in completed.stdout, words
    assert 'WARNING' not in completed.stderr, completed.stderr
