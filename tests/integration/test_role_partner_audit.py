# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The partner_audit role and its example playbook, in real ansible-playbook runs against the emulator."""

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from role_runs import AUDIT_ACCOUNTS, PLAYBOOKS, changed_tasks, entries, role_playbook, run, writes


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
    for secret in (RETAILER_LOGIN['password'], RETAILER_LOGIN['client_secret'], PARTNER_LOGIN['api_key']):
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


# What an API could send to inject markup into a report, and where the fixture lets it appear.
SCRIPT = '<script>alert("profile")</script>'
IMAGE = '<img src=x onerror=alert(1)>'
LINK = '[click me](javascript:alert(1))'
MARKUP = '**bold** _it_ `code` | cell ~~gone~~ # head'


def test_reports_print_what_the_apis_sent_as_text_never_as_markup(emulator, tmp_path):
    with emulator.edit_state() as state:
        retailer = state['retailer']
        retailer['profiles'][0]['Name'] = SCRIPT
        retailer['profiles'][1]['ClientCode'] = LINK
        retailer['packs'][0]['Name'] = IMAGE
        account = [entry for entry in retailer['accounts'] if entry['IdAccount'] == 23053][0]
        account['ValidFrom'], account['Credits'] = MARKUP, '<b>300</b>'
    output = tmp_path / 'reports'
    audit = role_playbook(tmp_path, 'partner_audit', {'partner_audit_output_dir': str(output), 'partner_audit_accounts': AUDIT_ACCOUNTS})
    result = run(emulator, tmp_path / 'audit', audit)
    assert result.rc == 0, result.stdout + result.stderr
    html = (output / 'partner-audit.html').read_text()
    markdown = (output / 'partner-audit.md').read_text()

    for text in (SCRIPT, IMAGE, '<b>300</b>'):
        assert text not in html and text not in markdown
    assert '<script' not in html and '<img' not in html and 'onerror=alert' not in html.replace('&lt;img src=x onerror=alert(1)&gt;', '')
    assert '&lt;script&gt;alert(&#34;profile&#34;)&lt;/script&gt;' in html or '&lt;script&gt;alert(&quot;profile&quot;)&lt;/script&gt;' in html
    assert '&lt;img src=x onerror=alert(1)&gt;' in html and '&lt;b&gt;300&lt;/b&gt;' in html
    # In Markdown: HTML as entities, markup escaped, so a renderer shows the characters.
    assert '&lt;script&gt;alert("profile")&lt;/script&gt;' in markdown
    assert '\\[click me\\](javascript:alert(1))' in markdown and LINK not in markdown
    assert '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\| cell \\~\\~gone\\~\\~ \\# head' in markdown
    assert '&lt;img src=x onerror=alert(1)&gt;' in markdown and '&lt;b&gt;300&lt;/b&gt;' in markdown


def test_audit_reports_clients_and_who_suspended_each_service(emulator, tmp_path):
    with emulator.edit_state() as state:
        deleted = [client for client in state['clients'] if client['id'] == 9987603][0]
        deleted.update(external_userid=None, email=None, username=None, firstname=None, surname=None, active=0, deleted=True)
        [client for client in state['clients'] if client['id'] == 9987601][0]['active'] = 0
    output = tmp_path / 'reports'
    result = run(emulator, tmp_path / 'run', PLAYBOOKS / 'partner_audit.yml', extra_vars={'partner_audit_output_dir': str(output)})
    assert result.rc == 0, result.stdout + result.stderr
    assert writes(emulator) == []
    markdown = (output / 'partner-audit.md').read_text()
    html = (output / 'partner-audit.html').read_text()
    assert '## Clients (4)' in markdown
    assert '| 9987600 | 123456 | Fred Bloggs | fred@example.com | **enabled** | 2 (0) |' in markdown
    assert '| 9987601 | 123457 | Jane Doe | jane@example.net | **suspended** | 3 (0) |' in markdown
    assert '| 9987603 | — | — | — | **deleted** | 0 (0) |' in markdown
    assert '| 1234939 | 9987602 | outmail | **Outmail5000** | 30 | suspended by the system (system) | 509 |' in markdown
    assert '| 1234938 | 9987602 | backupdns | **BackupDNS5** | 2 | suspended by the partner | 508 |' in markdown
    assert '<span class="badge deleted">deleted</span>' in html and 'suspended by the system (system)' in html


def test_the_audit_runs_the_same_tasks_for_one_account_as_for_thirty(emulator, tmp_path):
    many = AUDIT_ACCOUNTS + [{'account_id': 80000 + number, 'external_user_id': 'cust-gone-%d' % number} for number in range(27)]
    runs = {}
    for name, accounts in (('one', AUDIT_ACCOUNTS[:1]), ('thirty', many)):
        output = tmp_path / name
        audit = role_playbook(tmp_path / name, 'partner_audit', {'partner_audit_output_dir': str(output), 'partner_audit_accounts': accounts})
        emulator.clear_requests()
        result = run(emulator, tmp_path / name / 'run', audit)
        assert result.rc == 0, result.stdout + result.stderr
        runs[name] = (result, emulator.requests(), (output / 'partner-audit.md').read_text())
    tasks = dict((name, [(entry['task'], entry['action'], entry['status']) for entry in runs[name][0].tasks]) for name in runs)
    # No loop: the check of the arguments and the eight tasks of the role, each run once, whatever the number of accounts.
    assert tasks['one'] == tasks['thirty'] and len(tasks['thirty']) == 9
    assert not [entry for entry in runs['thirty'][0].tasks if 'results' in entry['result']]
    for name, accounts in (('one', 1), ('thirty', 30)):
        log = runs[name][1]
        # One token per retailer module run (the profiles, the accounts), one status read per account.
        assert len([entry for entry in log if entry['api'] == 'oauth']) == 2
        assert len([entry for entry in log if entry['path'].endswith('/Status')]) == accounts
    markdown = runs['thirty'][2]
    assert '## Retailer accounts (30)' in markdown
    assert '| 23054 | cust-23054 | **disabled** | Trial (1046) | 50 |' in markdown
    assert '| 80026 | cust-gone-26 | **absent** | — |' in markdown
    rows = [line.split(' | ')[0].lstrip('| ') for line in markdown.split('## Retailer accounts (30)')[1].splitlines() if line.startswith('| 8')]
    assert rows == [str(80000 + number) for number in range(27)]
