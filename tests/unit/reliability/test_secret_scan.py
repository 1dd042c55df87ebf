# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secret scan (tests/secret_scan.py) fails a run that leaks, and says where.

A separate pytest run with the plugin executes tests that leak each kind of secret into
each scanned place; it must fail exactly those tests, name the place, and never print
the secret itself. In this process, the helpers run_module and run_playbook must hand
their outputs to the scanner, and tokens the emulator issues must become secrets.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import requests

import secret_scan
from conftest import COLLECTIONS_ROOT
from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from modrun import run_module
from playbook import run_playbook

TESTS = Path(secret_scan.__file__).resolve().parent
API_KEY = PARTNER_LOGIN['api_key']
CLIENT_SECRET = RETAILER_LOGIN['client_secret']
PASSWORD = RETAILER_LOGIN['password']

LEAKING_TESTS = '''
import logging
import requests
import secret_scan
from emulator import Emulator

# Built from parts so that this file's source text (shown in a failure) holds no secret.
API_KEY = 'emu-partner-' + 'key-4b9d2c7e'
CLIENT_SECRET = 'emu-client-' + 'secret-93ad5e'
PASSWORD = 'emu-password-' + 'c81f0b'


def test_clean():
    print('nothing secret here')


def test_stdout():
    print('the key is', API_KEY)


def test_log():
    logging.getLogger('leak').warning('password %s', PASSWORD)


def test_failure_text():
    assert CLIENT_SECRET == 'something else'


def test_module_result():
    secret_scan.scan_value({'msg': 'failed with ' + API_KEY}, "the result of run_module('fake')")


def test_issued_token():
    with Emulator() as emu:
        answer = requests.post(emu.token_url, data={'grant_type': 'password', 'username': 'm1234', 'password': PASSWORD,
                                                    'client_id': 'emu-client-6f21', 'client_secret': CLIENT_SECRET})
        token = answer.json()['refresh_token']
    print(token)


def test_output_file(tmp_path):
    (tmp_path / 'artifacts' / 'job').mkdir(parents=True)
    (tmp_path / 'artifacts' / 'job' / 'stdout').write_text('login with ' + PASSWORD)


def test_input_file_is_not_output(tmp_path):
    (tmp_path / 'env').mkdir()
    (tmp_path / 'env' / 'envvars').write_text(PASSWORD)
'''


def test_a_leaking_run_fails_and_names_each_place(tmp_path):
    (tmp_path / 'test_leaks.py').write_text(LEAKING_TESTS)
    (tmp_path / 'pytest.ini').write_text('[pytest]\n')
    # A plain pytest: what is on PYTHONPATH stays (under ansible-test's runner, ansible comes from there), but none of the
    # runner's own plugins, which refuse a test file outside the collection.
    environment = dict((name, value) for name, value in os.environ.items() if not name.startswith('PYTEST_'))
    environment['PYTHONPATH'] = os.pathsep.join([str(TESTS), str(COLLECTIONS_ROOT)] + [path for path in [os.environ.get('PYTHONPATH')] if path])
    # Outside this test's own temporary directory, which this run's scan would search.
    basetemp = tempfile.mkdtemp(prefix='secret-scan-proof-')
    try:
        completed = subprocess.run(
            [sys.executable, '-m', 'pytest', '-p', 'secret_scan', '-p', 'no:cacheprovider', '-p', 'no:xdist', '-q', '-rfE',
             '--rootdir', str(tmp_path), '-c', str(tmp_path / 'pytest.ini'), '--basetemp', basetemp,
             str(tmp_path / 'test_leaks.py')],
            cwd=str(tmp_path), env=environment, capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(basetemp, ignore_errors=True)
    output = completed.stdout + completed.stderr

    assert completed.returncode == 1, output
    expected = {
        'test_stdout': ('call', 'the partner api_key in Captured stdout call'),
        'test_log': ('call', 'the retailer password in Captured log call'),
        'test_failure_text': ('call', 'the retailer client_secret in the failure report'),
        'test_module_result': ('call', "the partner api_key in the result of run_module('fake')"),
        'test_issued_token': ('call', 'an OAuth refresh token issued by the emulator in Captured stdout call'),
        'test_output_file': ('teardown', 'the retailer password in file '),
    }
    for name, (phase, place) in expected.items():
        assert 'secret_scan: test_leaks.py::%s leaked a secret during %s:' % (name, phase) in output, (name, output)
        assert place in output, (name, output)
    assert 'test_clean leaked' not in output and 'test_input_file_is_not_output leaked' not in output
    assert '5 failed, 3 passed, 1 error' in output, output
    # The report of the leak shows none of the secrets.
    for secret in (API_KEY, CLIENT_SECRET, PASSWORD):
        assert secret not in output
    assert secret_scan.TOKEN_PATTERN.search(output) is None


def test_tokens_the_emulator_issues_become_secrets(emulator):
    secret_scan._install_token_recorder()
    answer = requests.post(emulator.token_url, timeout=10, data=dict(RETAILER_LOGIN, grant_type='password')).json()
    known = secret_scan.secrets()
    assert known[answer['access_token']] == 'an OAuth access token issued by the emulator'
    assert known[answer['refresh_token']] == 'an OAuth refresh token issued by the emulator'
    assert {API_KEY, CLIENT_SECRET, PASSWORD} <= set(known)


def test_run_module_hands_its_result_to_the_scanner(monkeypatch):
    from ansible_collections.channel.partner.plugins.modules import live_service_info

    monkeypatch.setattr(live_service_info, 'main', lambda: print(json.dumps({'failed': True, 'msg': 'key ' + API_KEY})))
    run_module('live_service_info', {})
    # Taken back here, so that this deliberate leak does not fail this test.
    assert secret_scan._take_pending() == ["the partner api_key in the result of run_module('live_service_info')"]


def test_run_playbook_hands_its_output_to_the_scanner(tmp_path):
    tasks = [{'name': 'leak', 'ansible.builtin.debug': {'msg': "{{ 'emu-partner-' ~ 'key-4b9d2c7e' }}"}}]
    run = run_playbook(tmp_path, tasks)
    assert run.rc == 0, run.stdout
    # The recorded results file would be found by the teardown scan; it is this test's own leak.
    (tmp_path / 'results.jsonl').unlink()
    hits = secret_scan._take_pending()
    assert "the partner api_key in run_playbook(playbook.yml) result of task 'leak'" in hits
    assert 'the partner api_key in run_playbook(playbook.yml) stdout' in hits


def basic(user, password):
    return base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


@pytest.mark.parametrize('text, found', [
    ('Authorization: Basic ' + basic(PARTNER_LOGIN['partner_id'], API_KEY), ['the partner api_key (base64 in the Basic credentials)']),
    ('Authorization: Basic ' + basic(RETAILER_LOGIN['client_id'], CLIENT_SECRET), ['the retailer client_secret (base64 in the Basic credentials)']),
    ('an excerpt cut at ' + API_KEY[:19] + '...', ['the partner api_key (a part of it)']),
    ('grant_type=password&password=' + quote_plus(PASSWORD), ['the retailer password']),
    (json.dumps({'message': 'bad secret %s' % CLIENT_SECRET}), ['the retailer client_secret']),
    # The words before the random part are no secret: test names and wrong credentials carry them.
    ('emu-password-wrong and emu-partner-key-bad', []),
])
def test_the_scan_finds_the_encoded_forms_and_parts_of_a_secret(text, found):
    assert secret_scan.find_secrets(text) == found


def test_encoded_forms_of_a_secret_with_characters_that_need_escaping():
    forms = secret_scan.encoded_forms('p&ss w/rd"<x>-9f3ab1c', 'the secret')
    for form in ('p%26ss%20w%2Frd%22%3Cx%3E-9f3ab1c', 'p%26ss+w%2Frd%22%3Cx%3E-9f3ab1c', 'p%26ss%20w%2frd%22%3cx%3e-9f3ab1c',
                 'p&ss w/rd\\"<x>-9f3ab1c', 'p&amp;ss w/rd&quot;&lt;x&gt;-9f3ab1c'):
        assert forms[form] == 'the secret (encoded)', form
    assert forms['s w/rd"<x>-9f3'] == 'the secret (a part of it)'
