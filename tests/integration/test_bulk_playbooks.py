# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk forms (live_service_regrade ``services``, retailer_pack ``packs``) in real ansible-playbook runs.

One playbook per form: check mode, then the real run, then the same task again, each followed by
the emulator's request log (fetched from inside the play), so the assertions count what was sent.
The pack run also has MailUp's rate limit switched on (counted over every call of the token) and a list
of 25 changes, to show the client's pacing: no 429, never more than 5 resource requests in a second, and
close to 5 a second.
"""

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN, account_in, profile_in
from playbook import run_playbook

PARTNER = PARTNER_LOGIN
RETAILER = RETAILER_LOGIN
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'


def log_tasks(emu, name):
    """Fetch the request log (registered as ``name``), then empty it; run in check mode too."""
    return [
        {'name': name, 'ansible.builtin.uri': {'url': emu.url + '/_emulator/requests', 'return_content': True}, 'check_mode': False},
        {'name': 'clear after ' + name, 'ansible.builtin.uri': {'url': emu.url + '/_emulator/requests', 'method': 'DELETE'},
         'check_mode': False},
    ]


def check_apply_again(emu, module, options):
    task = {'channel.partner.' + module: options}
    return (log_tasks(emu, 'log before')
            + [dict(task, name='check', check_mode=True)] + log_tasks(emu, 'log check')
            + [dict(task, name='apply')] + log_tasks(emu, 'log apply')
            + [dict(task, name='again')] + log_tasks(emu, 'log again'))


def partner_calls(log):
    return [(entry['method'], entry['path'][len('/api-v1'):]) for entry in log if entry['api'] == 'partner']


def retailer_calls(log):
    return [(entry['method'], 'token' if entry['api'] == 'oauth' else entry['path'].split(SERVICE, 1)[-1], entry['status'])
            for entry in log if entry['api'] in ('oauth', 'retailer')]


def test_regrade_list_check_apply_again(emulator, tmp_path):
    services = [{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
                {'live_service_id': 1234936, 'tariff_service_name': 'BackupMX50'},
                {'live_service_id': 1234937, 'tariff_service_name': 'MasterDNS100'},
                {'live_service_id': 1234932, 'tariff_service_name': 'Profilter50'}]
    tasks = check_apply_again(emulator, 'live_service_regrade', {'services': services})
    run = run_playbook(tmp_path, tasks, diff=True,
                       module_defaults={'group/channel.partner.partner_api': dict(PARTNER, api_url=emulator.partner_url)})
    assert run.rc == 0, run.stdout + run.stderr

    check, apply, again = run.task('check'), run.task('apply'), run.task('again')
    assert (check['changed'], apply['changed'], again['changed']) == (True, True, False)
    for key in ('live_services', 'credits_cost', 'credits_balance_before', 'credits_balance_after_predicted', 'diff'):
        assert check[key] == apply[key], key
    observed = ('balance_observed', 'credits_charged')
    assert check['plans'] == [dict((key, value) for key, value in plan.items() if key not in observed) for plan in apply['plans']]
    assert (apply['credits_cost'], apply['credits_balance_before'], apply['credits_balance_after']) == (28, 100, 72)
    assert (check['credits_balance_after'], apply['credits_charged']) == (None, 28)
    assert [plan['action'] for plan in apply['plans']] == ['regrade', 'regrade', 'regrade', 'none']
    # The diff is shown one line per service.
    assert '+    "live_service/1234936": "BackupMX50"' in run.stdout and '-    "live_service/1234936": "BackupMX10"' in run.stdout

    reads = [('GET', '/live_services'), ('GET', '/live_services/service_names')]
    assert partner_calls(run.task('log check')['json']) == reads
    # The writes (several in flight with the default concurrency, so in whatever order they arrived), then one read of the
    # balance after the last of them.
    applied = partner_calls(run.task('log apply')['json'])
    assert applied[:2] == reads and applied[-1] == ('GET', '/clients/self')
    assert sorted(applied[2:-1]) == [('PATCH', '/live_services/1234931'), ('PATCH', '/live_services/1234936'), ('PATCH', '/live_services/1234937')]
    assert partner_calls(run.task('log again')['json']) == [('GET', '/live_services')]
    assert [plan['action'] for plan in again['plans']] == ['none'] * 4
    assert emulator.snapshot()['partner']['partner_credits'] == 72


def add_packs(emu, account_id, profile_id, count, first=600):
    """Give a profile ``count`` more packs (limits 0..5) and list them on the account at 0."""
    with emu.edit_state() as state:
        retailer = state['retailer']
        profile = profile_in(state, profile_id)
        account = account_in(state, account_id)
        for pack_id in range(first, first + count):
            retailer['packs'].append({'Id': pack_id, 'Name': 'Bulk pack %d' % pack_id, 'Description': 'Pack %d for the bulk test' % pack_id})
            profile['Packs'].append({'Id': pack_id, 'Min': 0, 'Max': 5})
            account['ActivePacks'].append({'CurrentQuantity': 0, 'Id': pack_id, 'Quantity': 0})
    return list(range(first, first + count))


def test_pack_list_check_apply_again_paced_under_the_vendor_rate_limit(emulator, tmp_path):
    pack_ids = add_packs(emulator, 23053, 1048, 25)
    # The strict reading of MailUp's limit, where every call of the token shares one window (rate_limit_scope token on both
    # sides): each pack is its own resource, so under the default reading the writes would not be paced against each other.
    emulator.configure(rate_limit=True, rate_limit_per_second=5, rate_limit_scope='token')
    packs = [{'pack_id': pack_id, 'quantity': 1 + position % 5} for position, pack_id in enumerate(pack_ids)]
    tasks = check_apply_again(emulator, 'retailer_pack', {'account_id': 23053, 'external_user_id': 'cust-23053', 'packs': packs})
    connection = dict(RETAILER, api_url=emulator.retailer_url, rate_limit_scope='token')
    run = run_playbook(tmp_path, tasks, diff=True, module_defaults={'group/channel.partner.retailer_api': connection})
    assert run.rc == 0, run.stdout + run.stderr

    check, apply, again = run.task('check'), run.task('apply'), run.task('again')
    assert (check['changed'], apply['changed'], again['changed']) == (True, True, False)
    for key in ('packs', 'plans', 'account', 'diff'):
        assert check[key] == apply[key], key
    assert [pack['quantity_after'] for pack in apply['packs']] == [item['quantity'] for item in packs]
    assert '+    "retailer_pack/23053/600": 1' in run.stdout and '-    "retailer_pack/23053/600": 0' in run.stdout

    assert retailer_calls(run.task('log check')['json']) == [('POST', 'token', 200), ('GET', 'Account/23053/Status', 200),
                                                             ('GET', 'Management/Profile/1048/Pack', 200)]
    applied = run.task('log apply')['json']
    calls = retailer_calls(applied)
    assert calls[:3] == [('POST', 'token', 200), ('GET', 'Account/23053/Status', 200), ('GET', 'Management/Profile/1048/Pack', 200)]
    # Several writes in flight (the default concurrency): each pack once, in whatever order they arrived.
    assert sorted(calls[3:]) == [('POST', 'Account/23053/Pack/%d' % pack_id, 200) for pack_id in sorted(pack_ids)]
    assert retailer_calls(run.task('log again')['json']) == [('POST', 'token', 200), ('GET', 'Account/23053/Status', 200)]
    stored = dict((pack['Id'], pack['Quantity']) for pack in emulator.snapshot()['retailer']['accounts'][0]['ActivePacks'])
    assert [stored[pack_id] for pack_id in pack_ids] == [item['quantity'] for item in packs]

    # The pacing, from the times the emulator logged: no 429, at most 5 requests in any second, and at least 90 % of 5 a second.
    times = [entry['time'] for entry in applied if entry['api'] == 'retailer']
    assert all(entry['status'] != 429 for entry in applied)
    assert max(len([other for other in times if start <= other < start + 1.0]) for start in times) <= 5
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate >= 0.9 * 5, rate
