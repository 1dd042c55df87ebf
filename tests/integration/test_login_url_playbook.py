# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""retailer_account_login_info in a real ansible-playbook run: only Ansible's own no_log shows that a login URL, a
credential, stays out of the output while register keeps it (the in-process tests are in tests/unit)."""

import json
from urllib.parse import parse_qs, urlsplit

from emulator_fixture import RETAILER_LOGIN
from playbook import run_playbook

MODULE = 'retailer_account_login_info'


def code_of(url):
    return parse_qs(urlsplit(url).query)['Code'][0]


def test_in_a_playbook_no_log_hides_the_url_and_register_keeps_it(emulator, tmp_path):
    options = dict(RETAILER_LOGIN, api_url=emulator.retailer_url, account_id=23053, external_user_id='cust-23053', login_url=True)
    kept = tmp_path / 'kept-url'
    tasks = [
        {'name': 'get the URL', 'channel.partner.' + MODULE: options, 'no_log': True, 'register': 'console'},
        {'name': 'keep it', 'ansible.builtin.copy': {'content': '{{ console.login_url }}', 'dest': str(kept)}, 'no_log': True},
        {'name': 'show its shape', 'ansible.builtin.debug': {
            'msg': "{{ console.login_url is match('http://') }} {{ console.login_id }} {{ console.logins | length }}"}},
    ]
    run = run_playbook(tmp_path / 'run', tasks, extra_args=('-v',))
    assert run.rc == 0, run.stdout + run.stderr
    url = kept.read_text()
    assert url.startswith(emulator.url + '/Console/Login.aspx?Code=')
    assert run.task('show its shape')['msg'] == 'True 230531 1'
    code = code_of(url)
    assert code not in run.stdout and code not in run.stderr and code not in json.dumps(run.tasks)
    # With no_log, Ansible shows nothing of the result but that it is hidden, and the module has nothing to warn about.
    shown = run.stdout.split('TASK [get the URL]')[1].split('TASK [keep it]')[0]
    assert "'no_log: true' was specified" in shown and 'which is a credential' not in run.stdout + run.stderr
