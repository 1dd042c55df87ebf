# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The channel.partner.plan callback in real ansible-playbook runs against the emulator.

The acceptance test runs one playbook of mixed tasks (every module, a loop, no-ops and two
refusals) with ``--check --diff`` and then for real, and checks that the preview's plan is the
real run's plan, that the preview sent no write, and that the real run did what the plan says.
"""

import json
from pathlib import Path

import jsonschema

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from playbook import run_playbook

SCHEMA_PATH = Path(__file__).resolve().parents[2] / 'docs' / 'plan.schema.json'
CALLBACKS = 'record_results,channel.partner.plan'


def connection_defaults(emu):
    return {
        'group/channel.partner.partner_api': dict(PARTNER_LOGIN, api_url=emu.partner_url),
        'group/channel.partner.retailer_api': dict(RETAILER_LOGIN, api_url=emu.retailer_url),
    }


def task(name, module, ignore_errors=False, **options):
    entry = {'name': name, 'channel.partner.' + module: options}
    if ignore_errors:
        entry['ignore_errors'] = True
    return entry


MIXED_TASKS = [
    task('list the services of client 9987600', 'live_service_info', client_id=9987600),
    task('upgrade the outMail of client 9987600', 'live_service_regrade', live_service_id=1234931, tariff_service_name='Outmail1000'),
    task('upgrade the Profilter billed as 502', 'live_service_regrade', product='profilter', whmcs_service_id='502',
         tariff_service_name='Profilter100'),
    task('downgrade the backupMX', 'live_service_regrade', live_service_id=1234936, tariff_service_name='BackupMX1'),
    task('keep the masterDNS package', 'live_service_regrade', live_service_id=1234937, tariff_service_name='MasterDNS25'),
    task('move the fakeMX to an outMail package', 'live_service_regrade', True, live_service_id=1234935, tariff_service_name='Outmail1000'),
    task('upgrade the small outMail of client 9987601', 'live_service_regrade', live_service_id=1234933, tariff_service_name='Outmail5000'),
    task('list the retailer profiles', 'retailer_profile_info'),
    task('enable account 23054 on Economy', 'retailer_account', account_id=23054, external_user_id='cust-23054', profile='Economy'),
    task('keep account 23055 as it is', 'retailer_account', account_id=23055, external_user_id='cust-23055', profile='1047'),
    dict(task('set the packs of account 23055', 'retailer_pack', account_id=23055, external_user_id='cust-23055',
              pack_id='{{ item.pack }}', quantity='{{ item.quantity }}'),
         loop=[{'pack': 534, 'quantity': 5}, {'pack': 536, 'quantity': 2}], loop_control={'label': 'pack {{ item.pack }}'}),
    task('add SMS packs to account 23053', 'retailer_pack', account_id=23053, external_user_id='cust-23053', pack_id=536, increment=3),
    task('give account 23055 four dedicated IPs', 'retailer_pack', True, account_id=23055, external_user_id='cust-23055', pack_id=538,
         quantity=4),
    task('delete account 23053', 'retailer_account', account_id=23053, external_user_id='cust-23053', state='absent'),
]

# What the plan must list, by hand from the fixture's prices (balance 100) and the profiles' pack limits.
EXPECTED_CHANGES = [
    ('live_service/1234931', 'regrade', {'tariff_service_name': 'Outmail500'}, {'tariff_service_name': 'Outmail1000'}, 2.0),
    ('live_service/1234932', 'regrade', {'tariff_service_name': 'Profilter50'}, {'tariff_service_name': 'Profilter100'}, 8.0),
    ('live_service/1234936', 'regrade', {'tariff_service_name': 'BackupMX10'}, {'tariff_service_name': 'BackupMX1'}, 0.0),
    ('live_service/1234933', 'regrade', {'tariff_service_name': 'Outmail100'}, {'tariff_service_name': 'Outmail5000'}, 25.0),
    ('retailer_account/23054', 'update', {'state': 'disabled', 'profile_id': 1046}, {'state': 'enabled', 'profile_id': 1047}, None),
    ('retailer_pack/23055/534', 'set', {'quantity': 3}, {'quantity': 5}, None),
    ('retailer_pack/23053/536', 'increment', {'quantity': 0}, {'quantity': 3}, None),
    ('retailer_account/23053', 'delete', {'state': 'enabled', 'profile_id': 1048}, {'state': 'absent', 'profile_id': None}, None),
]
EXPECTED_UNCHANGED = ['live_service/1234937', 'retailer_account/23055', 'retailer_pack/23055/536']
EXPECTED_TOTALS = {
    'changes': 8,
    'changes_by_action': {'delete': 1, 'increment': 1, 'regrade': 4, 'set': 1, 'update': 1},
    'unchanged': 3,
    'failures': 2,
    'partial_failures': 0,
    'predictions': 0,
    'credits': 35.0,
    'credits_charged': None,
    'balance_before': 100.0,
    'balance_after': 65.0,
}


def plan_run(emu, work_dir, tasks, check, plan_path=None, **options):
    environment = {'ANSIBLE_CALLBACKS_ENABLED': CALLBACKS}
    if plan_path is not None:
        environment['CHANNEL_PARTNER_PLAN_PATH'] = str(plan_path)
    return run_playbook(work_dir, tasks, check=check, diff=True, environment=environment, module_defaults=connection_defaults(emu), **options)


def schema_validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(document):
    return ['%s: %s' % ('/'.join(str(part) for part in error.absolute_path), error.message) for error in schema_validator().iter_errors(document)]


def comparable(entry):
    """What must be the same in the preview and the real run: per-task balances differ by design (nothing is spent in check mode)."""
    return {key: entry[key] for key in ('task', 'item', 'host', 'module', 'resource', 'action', 'before', 'after', 'credits')}


def changes_as_tuples(document):
    return [(entry['resource'], entry['action'], entry['before'], entry['after'], entry['credits']) for entry in document['changes']]


def test_preview_plan_is_what_the_real_run_does_and_sends_no_write(emulator, tmp_path):
    state_before = emulator.snapshot()
    emulator.clear_requests()
    preview_run = plan_run(emulator, tmp_path / 'preview', MIXED_TASKS, check=True, plan_path=tmp_path / 'reports' / 'CHG-42-preview')
    assert preview_run.rc == 0, preview_run.stdout + preview_run.stderr

    # The preview read from both APIs and wrote nothing to either.
    assert {entry['api'] for entry in emulator.requests()} >= {'partner', 'retailer'}
    assert emulator.writes() == []
    assert emulator.snapshot() == state_before

    preview = json.loads((tmp_path / 'reports' / 'CHG-42-preview.json').read_text())
    assert schema_errors(preview) == []
    assert preview['mode'] == 'check' and preview['diff'] is True and preview['playbooks'] == ['playbook.yml']
    assert changes_as_tuples(preview) == EXPECTED_CHANGES
    assert [entry['resource'] for entry in preview['unchanged']] == EXPECTED_UNCHANGED
    assert dict(preview['totals'], balance_after_observed='-') == dict(EXPECTED_TOTALS, balance_after_observed='-')
    assert preview['totals']['balance_after_observed'] is None
    assert all(entry['check_mode'] is True for entry in preview['changes'] + preview['unchanged'] + preview['failures'])
    # Every regrade of a preview sees the untouched balance.
    assert {entry['balance_before'] for entry in preview['changes'] if entry['resource'].startswith('live_service/')} == {100.0}

    failures = {entry['task']: entry for entry in preview['failures']}
    assert set(failures) == {'move the fakeMX to an outMail package', 'give account 23055 four dedicated IPs'}
    not_allowed = failures['move the fakeMX to an outMail package']
    assert (not_allowed['resource'], not_allowed['action'], not_allowed['after']) == ('live_service/1234935', 'regrade',
                                                                                      {'tariff_service_name': 'Outmail1000'})
    assert 'allowed targets: FakeMX10' in not_allowed['message'] and not_allowed['ignored'] is True
    out_of_range = failures['give account 23055 four dedicated IPs']
    assert out_of_range['module'] == 'channel.partner.retailer_pack'
    assert 'takes a total of 0 to 1: quantity=4 is outside it' in out_of_range['message'] and out_of_range['ignored'] is True
    assert preview['warnings'] == []

    emulator.clear_requests()
    real_run = plan_run(emulator, tmp_path / 'real', MIXED_TASKS, check=False, plan_path=tmp_path / 'reports' / 'CHG-42-applied.md')
    assert real_run.rc == 0, real_run.stdout + real_run.stderr
    assert emulator.writes(), 'the real run must write'
    real = json.loads((tmp_path / 'reports' / 'CHG-42-applied.json').read_text())
    assert schema_errors(real) == []
    assert real['mode'] == 'run'

    # The same resources, the same before and after, the same credits, in the same order.
    assert [comparable(entry) for entry in real['changes']] == [comparable(entry) for entry in preview['changes']]
    assert [comparable(entry) for entry in real['unchanged']] == [comparable(entry) for entry in preview['unchanged']]
    assert [dict(comparable(entry), message=entry['message']) for entry in real['failures']] == \
        [dict(comparable(entry), message=entry['message']) for entry in preview['failures']]
    assert dict(real['totals'], balance_after_observed='-', credits_charged='-') == \
        dict(preview['totals'], balance_after_observed='-', credits_charged='-')
    # The balance read after the last regrade and what the vendor charged are what the emulator holds and took.
    assert real['totals']['balance_after_observed'] == real['totals']['balance_after'] == 65.0
    assert real['totals']['credits_charged'] == real['totals']['credits'] == 35.0
    assert [entry['balance_before'] for entry in real['changes'] if entry['resource'].startswith('live_service/')] == [100.0, 98.0, 90.0, 90.0]
    assert real['warnings'] == []

    # What the plan says changed did change.
    state = emulator.snapshot()
    assert state['partner']['partner_credits'] == 65
    tariffs = {service['id']: service['tariff_service_name'] for service in state['live_services']}
    assert [tariffs[service_id] for service_id in (1234931, 1234932, 1234936, 1234937, 1234935, 1234933)] == \
        ['Outmail1000', 'Profilter100', 'BackupMX1', 'MasterDNS25', 'FakeMX1', 'Outmail5000']
    accounts = {account['IdAccount']: account for account in state['retailer']['accounts']}
    assert 23053 not in accounts
    assert (accounts[23054]['Code'], accounts[23054]['IdProfile']) == (0, 1047)
    quantities = {pack['Id']: pack['Quantity'] for pack in accounts[23055]['ActivePacks']}
    assert (quantities[534], quantities[536], quantities[538]) == (5, 2, 0)


def test_markdown_and_terminal_summary_show_the_totals_a_change_board_reads(emulator, tmp_path):
    run = plan_run(emulator, tmp_path / 'run', MIXED_TASKS, check=True, plan_path=tmp_path / 'plan')
    assert run.rc == 0, run.stdout + run.stderr

    # The plan comes after the stdout callback's own output, which it does not replace.
    assert 'TASK [upgrade the outMail of client 9987600]' in run.stdout
    recap, plan = run.stdout.split('PLAY RECAP', 1)[1].split('CHANNEL.PARTNER PLAN (check mode: nothing was changed)', 1)
    assert 'localhost' in recap
    assert 'would make: 8 change(s) (delete 1, increment 1, regrade 4, set 1, update 1) | credits: 35 | balance: 100 -> 65 | failures: 2 | unchanged: 3' in plan
    assert 'live_service/1234933' in plan and 'tariff_service_name: Outmail100 -> Outmail5000' in plan
    assert 'FAILED live_service/1234935' in plan
    assert 'plan written to %s, %s' % (tmp_path / 'plan.md', tmp_path / 'plan.json') in plan

    markdown = (tmp_path / 'plan.md').read_text()
    assert markdown.startswith('# Change plan: preview (check mode, nothing was changed)')
    for line in ('| Changes | 8 (delete 1, increment 1, regrade 4, set 1, update 1) |', '| Credits (predicted from the price list) | 35 |',
                 '| Balance before | 100 |', '| Balance after (predicted) | 65 |', '| Failures | 2 |',
                 '| 4 | upgrade the small outMail of client 9987601 | `live_service/1234933` | regrade | tariff_service_name=Outmail100 '
                 '| tariff_service_name=Outmail5000 | 25 |',
                 '| 6 | set the packs of account 23055 (pack 534) | `retailer_pack/23055/534` | set | quantity=3 | quantity=5 | - |'):
        assert line in markdown, line
    # Refused before its write: the plan says the regrade was not attempted, and why.
    assert '| 1 | move the fakeMX to an outMail package (ignored) | `live_service/1234935` | regrade (not attempted) |' in markdown
    assert '| 2 | give account 23055 four dedicated IPs (ignored) | `retailer_pack/23055/538` | set (not attempted) |' in markdown


def test_without_a_path_only_the_summary_is_printed_and_a_stopped_host_is_a_warning(emulator, tmp_path):
    tasks = [
        task('upgrade the outMail of client 9987600', 'live_service_regrade', live_service_id=1234931, tariff_service_name='Outmail1000'),
        task('regrade beyond the balance', 'live_service_regrade', live_service_id=1234934, tariff_service_name='Outmail25000'),
        task('never reached', 'retailer_account', account_id=23054, external_user_id='cust-23054'),
    ]
    run = plan_run(emulator, tmp_path, tasks, check=True)
    assert run.rc == 2
    assert emulator.writes() == []
    plan = run.stdout.split('CHANNEL.PARTNER PLAN', 1)[1]
    assert 'FAILED live_service/1234934' in plan and 'insufficient partner credits' in plan
    assert "WARNING: localhost stopped at the failed task 'regrade beyond the balance': the tasks after it are not in this plan." in plan
    assert 'would make: 1 change(s) (regrade 1) | credits: 2 | balance: 100 -> 98 | failures: 1 | unchanged: 0' in plan
    assert 'plan written' not in plan
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix in ('.md', '.json')) == []


def test_real_run_report_says_what_did_change(emulator, tmp_path):
    tasks = [task('upgrade the outMail of client 9987600', 'live_service_regrade', live_service_id=1234931, tariff_service_name='Outmail1000')]
    run = plan_run(emulator, tmp_path, tasks, check=False, plan_path=tmp_path / 'applied')
    assert run.rc == 0, run.stdout + run.stderr
    assert 'CHANNEL.PARTNER PLAN (real run)' in run.stdout
    # What the vendor charged and the balance it shows are read, beside the price list's prediction.
    assert 'made: 1 change(s) (regrade 1) | credits: 2 (charged: 2) | balance: 100 -> 98 (read: 98)' in run.stdout
    markdown = (tmp_path / 'applied.md').read_text()
    assert markdown.startswith('# Change plan: real run (what was changed)')
    assert '| Balance after, as read from the vendor | 98 |' in markdown and '| Credits charged (read from the balance) | 2 |' in markdown
