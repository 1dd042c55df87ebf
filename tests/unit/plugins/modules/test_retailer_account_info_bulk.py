# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk form of channel.partner.retailer_account_info (option ``accounts``), in-process against the emulator over real HTTP."""

import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import ACCOUNTS, RETAILER_LOGIN, stored_account
from hostile_vendor import ACCOUNT_ID, EXTERNAL_USER_ID, HostileVendor, account_status
from modrun import run_module
from scripted_server import Answer

STATUS = 'RetailerService.svc/Account/%d/Status'
THREE = [{'account_id': account_id, 'external_user_id': external} for account_id, external in sorted(ACCOUNTS.items())]


def read(emu, accounts, **options):
    return run_module('retailer_account_info', dict(RETAILER_LOGIN, api_url=emu.retailer_url, accounts=accounts, **options))


def calls(emu):
    """(method, path below the service, or 'token') of every request, in the order they arrived."""
    return [(entry['method'], 'token' if entry['api'] == 'oauth' else entry['path'].rsplit('RetailerService.svc/', 1)[-1])
            for entry in emu.requests()]


def single(emu, item):
    """What the single form returns for the account of ``item``, without the keys every result has."""
    result = run_module('retailer_account_info', dict(RETAILER_LOGIN, api_url=emu.retailer_url, **item))
    return dict((key, result[key]) for key in ('account_id', 'exists', 'state', 'profile_id', 'account'))


def test_one_task_reads_every_account_with_one_status_request_each(emulator):
    result = read(emulator, THREE)
    assert result['changed'] is False and 'failed' not in result, result
    assert [entry['item'] for entry in result['accounts']] == THREE
    assert [(entry['account_id'], entry['state'], entry['profile_id']) for entry in result['accounts']] == [
        (23053, 'enabled', 1048), (23054, 'disabled', 1046), (23055, 'enabled', 1047)]
    assert result['accounts'][2]['account']['ActivePacks'] == stored_account(emulator, 23055)['ActivePacks']
    # One token for the whole task, then one status read per account (in flight together, so in any order).
    assert calls(emulator)[0] == ('POST', 'token')
    assert sorted(calls(emulator)[1:]) == [('GET', 'Account/%d/Status' % item['account_id']) for item in THREE]
    assert emulator.writes() == []


def test_each_entry_is_what_the_single_form_returns(emulator):
    items = THREE + [{'account_id': 99999, 'external_user_id': 'cust-99999'}, {'account_id': None, 'external_user_id': 'cust-23054'}]
    entries = read(emulator, items)['accounts']
    for item, entry in zip(items, entries):
        given = dict((key, value) for key, value in item.items() if value is not None)
        assert dict((key, value) for key, value in entry.items() if key != 'item') == single(emulator, given)


def test_a_missing_account_is_an_absent_entry_and_the_others_are_read(emulator):
    items = [THREE[0], {'account_id': 99999, 'external_user_id': 'cust-99999'}, {'external_user_id': 'nobody-here'}, THREE[2]]
    result = read(emulator, items)
    assert 'failed' not in result, result
    assert [(entry['exists'], entry['state'], entry['account_id']) for entry in result['accounts']] == [
        (True, 'enabled', 23053), (False, 'absent', None), (False, 'absent', None), (True, 'enabled', 23055)]
    assert result['accounts'][1]['account'] == {} and result['accounts'][1]['item']['account_id'] == 99999
    # The account named by its ExternalUserId alone is looked up; MailUp lists none for it, so there is no status to read.
    assert sorted(calls(emulator)[1:]) == [('GET', 'Account'), ('GET', 'Account/23053/Status'), ('GET', 'Account/23055/Status'),
                                           ('GET', 'Account/99999/Status')]


def test_an_empty_list_sends_nothing(emulator):
    result = read(emulator, [])
    assert result == dict(result, changed=False, accounts=[]) and emulator.requests() == []


def test_check_mode_reads_the_same(emulator):
    result = run_module('retailer_account_info', dict(RETAILER_LOGIN, api_url=emulator.retailer_url, accounts=THREE), check_mode=True)
    assert [entry['state'] for entry in result['accounts']] == ['enabled', 'disabled', 'enabled'] and emulator.writes() == []


@pytest.mark.parametrize('options, words', [
    ({'accounts': [THREE[0], dict(THREE[0], external_user_id='other')]},
     'the account 23053 is listed more than once (accounts[0], accounts[1])'),
    ({'accounts': [{'external_user_id': 'cust-1'}, {'external_user_id': ' cust-1 '}]},
     'the account of ExternalUserId cust-1 is listed more than once (accounts[0], accounts[1])'),
    ({'accounts': [THREE[0], {'account_id': 23054, 'external_user_id': '  '}]}, 'accounts[1].external_user_id must not be empty'),
    ({'accounts': [{'account_id': -3, 'external_user_id': 'cust-x'}]}, 'accounts[0].account_id must be a positive integer'),
    ({'accounts': [{'account_id': 23053}]}, 'external_user_id'),
    ({'accounts': THREE, 'account_id': 23053}, 'mutually exclusive: accounts|account_id'),
    ({'accounts': THREE, 'external_user_id': 'cust-23053'}, 'mutually exclusive: accounts|external_user_id'),
    ({'accounts': THREE, 'concurrency': 0}, 'concurrency must be a positive integer, not 0'),
    ({'accounts': THREE, 'concurrency': 51}, 'concurrency must be at most 50'),
    ({'accounts': THREE, 'concurrency': True}, 'concurrency must be an integer, not the boolean true'),
    ({}, 'one of the following is required: accounts, external_user_id'),
])
def test_bad_input_is_refused_before_any_request(emulator, options, words):
    result = run_module('retailer_account_info', dict(RETAILER_LOGIN, api_url=emulator.retailer_url, **options))
    assert result.get('failed') is True and words in result['msg'], result.get('msg')
    assert emulator.requests() == []


def test_a_failed_read_says_which_accounts_were_read_and_which_not(emulator):
    emulator.add_fault('status', route='/Account/23054/Status', status=500)
    items = THREE + [{'account_id': 99999, 'external_user_id': 'cust-99999'}]
    result = read(emulator, items, concurrency=1, timeout=2)
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('accounts[1] (account 23054): reading the account 23054 failed: ')
    assert 'HTTP 500' in result['msg']
    assert result['msg'].endswith('Read before the reading stopped: 1 of 4 (account 23053); '
                                  'not read: account 23054 (failed), account 23055, account 99999.')
    assert [entry['item']['account_id'] for entry in result['accounts']] == [23053]
    assert [(entry['item']['account_id'], entry['msg'] is None) for entry in result['not_read']] == [
        (23054, False), (23055, True), (99999, True)]
    assert result['error']['status'] == 500 and result['error']['url'].endswith('/Account/23054/Status')
    # The read was retried as every read is; the accounts after it were never asked for.
    paths = [path for _method, path in calls(emulator)]
    assert paths.count('Account/23054/Status') > 1 and 'Account/23055/Status' not in paths
    for secret in (RETAILER_LOGIN['client_secret'], RETAILER_LOGIN['password']):
        assert secret not in repr(result)


def test_a_long_failed_list_names_ten_accounts_and_counts_the_rest(emulator):
    emulator.add_fault('status', route='/Account/1/Status', status=500)
    items = [{'account_id': number, 'external_user_id': 'cust-%d' % number} for number in range(1, 31)]
    result = read(emulator, items, concurrency=1, timeout=2)
    assert 'not read: account 1 (failed), account 2, account 3, ' in result['msg']
    assert result['msg'].endswith('account 10 and 20 more.')
    assert len(result['not_read']) == 30 and result['accounts'] == []


def test_several_accounts_of_one_external_user_id_fail_the_task_as_in_the_single_form(emulator):
    with emulator.edit_state() as state:
        twin = dict(state['retailer']['accounts'][2], IdAccount=23056)
        state['retailer']['accounts'].append(twin)
    result = read(emulator, [THREE[0], {'external_user_id': 'cust-23055'}], concurrency=1)
    assert result['failed'] is True
    assert ('accounts[1] (the account of ExternalUserId cust-23055): 2 accounts have ExternalUserId cust-23055 (ids 23055, 23056)'
            in result['msg'])
    assert [entry['item']['account_id'] for entry in result['accounts']] == [23053]


class HeldFirstRead:
    """Holds the emulator's answer to the first account's status until the reads of the others have arrived.

    A bulk read that waited for each answer before sending the next would never send them: the first read is then let
    go after ``patience`` seconds and ``overlapped`` stays false. No test waits for that when the reads overlap.
    """

    def __init__(self, emulator, first, others, patience=20):
        self.vendor = emulator.app.vendor
        self.first = STATUS % first
        self.others = set(STATUS % other for other in others)
        self.arrived = set()
        self.all_arrived = threading.Event()
        self.lock = threading.Lock()
        self.patience = patience
        self.overlapped = None

    def __call__(self, request, environ):
        if request.path.endswith(self.first):
            self.overlapped = self.all_arrived.wait(self.patience)
        else:
            with self.lock:
                self.arrived.update(path for path in self.others if request.path.endswith(path))
                if self.arrived == self.others:
                    self.all_arrived.set()
        return self.vendor(request, environ)


def test_reads_in_flight_together_come_back_in_the_order_of_the_list(emulator, monkeypatch):
    held = HeldFirstRead(emulator, 23053, [23054, 23055])
    monkeypatch.setattr(emulator.app, 'vendor', held)
    result = read(emulator, THREE, concurrency=3)
    assert held.overlapped is True, 'the reads of 23054 and 23055 did not start while 23053 was in flight'
    # The first account's answer came last, yet it is the first entry.
    assert [entry['item']['account_id'] for entry in result['accounts']] == [23053, 23054, 23055]
    assert [entry['account_id'] for entry in result['accounts']] == [23053, 23054, 23055]
    assert sorted(path for _method, path in calls(emulator)[1:]) == ['Account/%d/Status' % number for number in (23053, 23054, 23055)]
    assert [method for method, _path in calls(emulator)].count('POST') == 1


def test_concurrency_one_reads_one_account_after_the_other(emulator, monkeypatch):
    held = HeldFirstRead(emulator, 23053, [23054], patience=0.5)
    monkeypatch.setattr(emulator.app, 'vendor', held)
    result = read(emulator, THREE[:2], concurrency=1)
    assert held.overlapped is False and [entry['account_id'] for entry in result['accounts']] == [23053, 23054]


MISSING = [{'external_user_id': 'cust-missing-%d' % number} for number in range(9)]
KEYED = [{'external_user_id': external} for _account_id, external in sorted(ACCOUNTS.items())] + MISSING


def test_with_the_rate_limit_on_the_paced_reads_meet_no_429(emulator):
    # Every lookup by ExternalUserId is a GET of the one resource Account: twelve of them would exceed 5 a second.
    emulator.configure(rate_limit=True)
    result = read(emulator, KEYED)
    assert 'failed' not in result, result.get('msg')
    assert [entry['account_id'] for entry in result['accounts']] == [23053, 23054, 23055] + [None] * 9
    statuses = [entry['status'] for entry in emulator.requests()]
    assert 429 not in statuses and len(statuses) == 1 + 12 + 3


def test_unpaced_the_same_reads_meet_the_limit_and_are_sent_again(emulator):
    # The control of the test above: without the module's pacing, MailUp's limiter answers 429, which is retried.
    emulator.configure(rate_limit=True)
    result = read(emulator, KEYED, rate_limit=0, concurrency=1)
    assert 'failed' not in result, result.get('msg')
    assert [entry['account_id'] for entry in result['accounts']] == [23053, 23054, 23055] + [None] * 9
    assert 429 in [entry['status'] for entry in emulator.requests()]


@pytest.mark.parametrize('concurrency', [1, 3])
def test_a_hostile_status_fails_the_task_naming_the_accounts_read(concurrency):
    other = ACCOUNT_ID + 1
    with HostileVendor(('GET', r'/Account/%d/Status' % other, Answer.json(200, 'Enabled')),
                       ('GET', r'/Account/%d/Status' % (other + 1), Answer.json(200, account_status(IdAccount=other + 1)))) as vendor:
        items = [{'account_id': number, 'external_user_id': EXTERNAL_USER_ID} for number in (ACCOUNT_ID, other, other + 1)]
        result = run_module('retailer_account_info', vendor.retailer_args(account=False, accounts=items, concurrency=concurrency))
    assert result['failed'] is True
    assert result['msg'].startswith('accounts[1] (account %d): reading the account %d failed: ' % (other, other))
    assert "(the account status should be an object, not 'Enabled')" in result['msg']
    read_ids = [entry['item']['account_id'] for entry in result['accounts']]
    assert read_ids[0] == ACCOUNT_ID and other not in read_ids
    assert result['not_read'][0]['item']['account_id'] == other and 'should be an object' in result['not_read'][0]['msg']
    if concurrency == 1:
        assert read_ids == [ACCOUNT_ID] and result['not_read'][1] == {'item': items[2], 'msg': None}


ACCOUNT_ITEMS = [{'account_id': account_id, 'external_user_id': external} for account_id, external in sorted(ACCOUNTS.items())]
ITEM_CHOICES = (ACCOUNT_ITEMS + [{'account_id': None, 'external_user_id': item['external_user_id']} for item in ACCOUNT_ITEMS]
                + [{'account_id': 99990 + number, 'external_user_id': 'cust-gone-%d' % number} for number in range(3)]
                + [{'account_id': None, 'external_user_id': 'cust-never-%d' % number} for number in range(2)])


def unique_by_account(items):
    """No two items name the same account (by id, or by ExternalUserId for those without one), as the module requires."""
    keys = [('id', item['account_id']) if item['account_id'] is not None else ('key', item['external_user_id']) for item in items]
    return len(set(keys)) == len(keys)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.sampled_from(ITEM_CHOICES), max_size=8, unique_by=lambda item: (item['account_id'], item['external_user_id']))
       .filter(unique_by_account), concurrency=st.integers(min_value=1, max_value=6), deleted=st.sets(st.sampled_from(sorted(ACCOUNTS))))
def test_property_every_entry_is_the_account_as_stored_in_the_order_of_the_list(emulator, items, concurrency, deleted):
    emulator.reset()
    with emulator.edit_state() as state:
        state['retailer']['accounts'] = [entry for entry in state['retailer']['accounts'] if entry['IdAccount'] not in deleted]
    emulator.clear_requests()

    result = read(emulator, items, concurrency=concurrency)

    assert 'failed' not in result, result.get('msg')
    assert [entry['item'] for entry in result['accounts']] == items
    sent = [path for method, path in calls(emulator) if method == 'GET']
    for item, entry in zip(items, result['accounts']):
        account_id = item['account_id']
        if account_id is None:
            listed = [number for number, external in ACCOUNTS.items() if external == item['external_user_id'] and number not in deleted]
            account_id = listed[0] if listed else None
        stored = None if account_id is None else stored_account(emulator, account_id)
        assert entry['exists'] is (stored is not None)
        if stored is None:
            assert (entry['account_id'], entry['state'], entry['account']) == (None, 'absent', {})
        else:
            assert entry['account_id'] == account_id and entry['profile_id'] == stored['IdProfile']
            assert entry['state'] == ('enabled' if stored['Code'] == 0 else 'disabled')
            assert entry['account']['ActivePacks'] == stored['ActivePacks']
    # One status read per account named by id or found, one lookup per account named by its ExternalUserId alone.
    lookups = sum(1 for item in items if item['account_id'] is None)
    statuses = sum(1 for entry in result['accounts'] if entry['item']['account_id'] is not None or entry['account_id'] is not None)
    assert sent.count('Account') == lookups and len(sent) == lookups + statuses
    assert emulator.writes() == [] and [method for method, _path in calls(emulator)].count('POST') == (1 if items else 0)
