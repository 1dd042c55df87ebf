"""The per-module tasks the benchmark measures, and their ansible.builtin.uri twins.

A scenario is one module task in one situation (no-op or change). A change
scenario has two variants that undo each other (up then down, off then on), so
that every repetition is a real change and the state is back where it started
after an even number of runs. The uri twin of a variant is derived from what the
emulator logged while the module ran it: the same methods, URLs, query strings,
credentials and bodies, one uri task per request, with the token POST whenever
the module fetched a token.
"""

import re
from urllib.parse import urlencode

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN

TOKEN_VARIABLE = 'bench_token'


class Scenario:
    def __init__(self, key, module, kind, variants, timed=True, note=''):
        self.key = key
        self.module = module
        self.kind = kind
        self.variants = variants
        self.timed = timed
        self.note = note

    def module_task(self, name, variant):
        return {'name': name, 'channel.partner.' + self.module: dict(self.variants[variant])}


SCENARIOS = [
    Scenario('live_service_info', 'live_service_info', 'info', [{'live_service_id': 1234931}],
             note='one service, with costs'),
    Scenario('regrade no-op', 'live_service_regrade', 'no-op',
             [{'live_service_id': 1234931, 'tariff_service_name': 'Outmail500'}]),
    Scenario('regrade change', 'live_service_regrade', 'change',
             [{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
              {'live_service_id': 1234931, 'tariff_service_name': 'Outmail500'}]),
    Scenario('client no-op', 'client', 'no-op', [{'external_userid': '123456', 'email': 'fred@example.com'}],
             note='found by external_userid'),
    Scenario('client change', 'client', 'change',
             [{'client_id': 9987603, 'surname': 'Renamed'}, {'client_id': 9987603, 'surname': 'Rossi'}],
             note='one field edited'),
    Scenario('client suspend', 'client', 'change',
             [{'client_id': 9987603, 'enabled': False}, {'client_id': 9987603, 'enabled': True}],
             timed=False, note='suspend / unsuspend (which reads the services left suspended)'),
    Scenario('live_service no-op', 'live_service', 'no-op', [{'live_service_id': 1234931, 'state': 'active'}]),
    Scenario('live_service change', 'live_service', 'change',
             [{'live_service_id': 1234931, 'state': 'suspended'}, {'live_service_id': 1234931, 'state': 'active'}],
             note='suspend / resume'),
    Scenario('retailer_profile_info', 'retailer_profile_info', 'info', [{'name': 'Economy', 'include_packs': True}],
             note='one profile by name, with packs'),
    Scenario('account no-op', 'retailer_account', 'no-op',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'state': 'enabled', 'profile': 'Economy'}]),
    Scenario('account change', 'retailer_account', 'change',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'state': 'disabled'},
              {'account_id': 23055, 'external_user_id': 'cust-23055', 'state': 'enabled'}],
             note='disable / enable'),
    Scenario('account profile', 'retailer_account', 'change',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'profile': 'Premium', 'poll_interval': 0.2},
              {'account_id': 23055, 'external_user_id': 'cust-23055', 'profile': 'Economy', 'poll_interval': 0.2}],
             timed=False, note='profile change: PUT answered 202, then 200'),
    Scenario('account no-op by key', 'retailer_account', 'no-op', [{'external_user_id': 'cust-23055', 'state': 'present'}],
             timed=False, note='found by ExternalUserId: the lookup, then the status'),
    Scenario('account create', 'retailer_account', 'change',
             [{'external_user_id': 'cust-bench-new', 'state': 'present', 'profile': '1047', 'email': 'bench@example.org',
               'poll_interval': 0.2},
              {'external_user_id': 'cust-bench-new', 'state': 'absent'}],
             timed=False, note='create: lookup, profiles, POST, one activation poll, read-back / delete'),
    Scenario('account_info by key', 'retailer_account_info', 'info', [{'external_user_id': 'cust-23055'}],
             timed=False, note='found by ExternalUserId'),
    Scenario('account logins', 'retailer_account_login_info', 'info', [{'account_id': 23055, 'external_user_id': 'cust-23055'}],
             timed=False, note='the list of logins'),
    Scenario('account login URL', 'retailer_account_login_info', 'info',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'login_url': True}],
             timed=False, note='the list, then the URL of the only login'),
    Scenario('pack no-op', 'retailer_pack', 'no-op',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'quantity': 3}]),
    Scenario('pack change', 'retailer_pack', 'change',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'quantity': 4},
              {'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'quantity': 3}],
             note='absolute quantity'),
    Scenario('pack increment', 'retailer_pack', 'change',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'increment': 1},
              {'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'increment': -1}],
             timed=False, note='incremental'),
    Scenario('pack by name', 'retailer_pack', 'change',
             [{'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_name': 'Extra 1,000 emails', 'quantity': 4},
              {'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_name': 'Extra 1,000 emails', 'quantity': 3}],
             timed=False, note='pack_name resolved to an id'),
]

PACK_PATH = re.compile(r'/Account/\d+/Pack/\d+$')
LIVE_SERVICE_PATH = re.compile(r'^/api-v1/live_services/\d+$')
CLIENT_PATH = re.compile(r'^/api-v1/clients/\d+$')


def _body(entry, arguments):
    """The body the module sent with a logged request (the log keeps no bodies, the arguments tell them)."""
    if entry['api'] == 'oauth':
        return 'form-urlencoded', dict(RETAILER_LOGIN, grant_type='password')
    if entry['method'] == 'PATCH' and LIVE_SERVICE_PATH.search(entry['path']):
        return 'json', {'tariff_service_name': arguments['tariff_service_name']}
    if entry['method'] == 'PATCH' and entry['path'].endswith('/enabled'):
        return 'json', {'enable': 1 if arguments['enabled'] else 0}
    if entry['method'] == 'PATCH' and entry['path'].endswith('/suspension'):
        return 'json', {'suspend': 1 if arguments['state'] == 'suspended' else 0}
    if entry['method'] == 'PATCH' and CLIENT_PATH.search(entry['path']):
        return 'json', dict((name, value) for name, value in arguments.items() if name not in ('client_id', 'external_userid', 'enabled'))
    if entry['method'] == 'POST' and PACK_PATH.search(entry['path']):
        if arguments.get('increment') is not None:
            return 'json', {'Quantity': arguments['increment'], 'WorkMode': 'incremental'}
        return 'json', {'Quantity': arguments['quantity'], 'WorkMode': 'absolute'}
    if entry['method'] in ('POST', 'PATCH'):
        raise ValueError('no body known for %s %s' % (entry['method'], entry['path']))
    return None, None


def uri_tasks(name_prefix, log, arguments, base_url):
    """One ansible.builtin.uri task per logged request, sending what the module sent."""
    tasks = []
    for number, entry in enumerate(log):
        url = base_url + entry['path']
        if entry['query']:
            url += '?' + urlencode(entry['query'])
        options = {'url': url, 'method': entry['method'], 'status_code': [entry['status']]}
        body_format, body = _body(entry, arguments)
        if body is not None:
            options.update(body_format=body_format, body=body)
        if entry['api'] == 'partner':
            options.update(url_username=PARTNER_LOGIN['partner_id'], url_password=PARTNER_LOGIN['api_key'], force_basic_auth=True)
        elif entry['api'] == 'retailer':
            headers = {'Authorization': 'Bearer {{ %s.json.access_token }}' % TOKEN_VARIABLE}
            if '/Account' in entry['path'] and arguments.get('external_user_id'):
                headers['ExternalUserId'] = arguments['external_user_id']
            options['headers'] = headers
        task = {'name': '%s R%d' % (name_prefix, number), 'ansible.builtin.uri': options}
        if entry['api'] == 'oauth':
            task['register'] = TOKEN_VARIABLE
            task['no_log'] = True
        tasks.append(task)
    return tasks


def group_of(task_name):
    """``S3 G7`` for a module task and for every uri task ``S3 G7 R<n>`` standing in for it."""
    match = re.match(r'^(S\d+ G\d+)', task_name or '')
    return match.group(1) if match else None
