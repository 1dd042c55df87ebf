# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HttpClient, the pacing and RetailerApi used from several threads at once, as the workers of a bulk task use them.

Against the emulator: its request log says how many requests were sent, when, and what it answered; its rate
limiter answers 429 to any window over the limit, so "no 429" proves the pacing held with requests in flight.
"""

import threading

import pytest

from ansible_collections.channel.partner.plugins.module_utils._concurrent import run_in_order
from ansible_collections.channel.partner.plugins.module_utils._http import HttpClient
from ansible_collections.channel.partner.plugins.module_utils._pacing import Pacer, Pacing
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from emulator_fixture import ACCOUNTS, PARTNER_LOGIN, RETAILER_LOGIN

WORKERS = 8


def retailer(emulator, **options):
    options.setdefault('timeout', 10)
    return RetailerApi(emulator.retailer_url, RETAILER_LOGIN['client_id'], RETAILER_LOGIN['client_secret'], RETAILER_LOGIN['username'],
                       RETAILER_LOGIN['password'], **options)


def most_in_any_window(times, width=1.0):
    return max(len([other for other in times if start <= other < start + width]) for start in times)


def status_reads(api, accounts):
    return run_in_order(lambda account: api.account_status(account, ACCOUNTS[account]).account_id, accounts, WORKERS)


def test_the_request_count_and_the_log_agree_with_many_threads(emulator):
    client = HttpClient(emulator.partner_url, auth=(PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key']), timeout=10)
    answers = run_in_order(lambda _number: client.request('GET', '/live_services/service_names').status, range(200), WORKERS)
    assert answers == [200] * 200
    assert client.request_count == 200 == len(emulator.requests(api='partner'))


def test_each_request_in_flight_has_a_session_of_its_own_and_they_are_reused(emulator):
    client = HttpClient(emulator.partner_url, auth=(PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key']), timeout=10)
    gate = threading.Barrier(WORKERS, timeout=30)
    # The first answers are held back a little, so that the first requests overlap.
    emulator.add_fault('latency', count=WORKERS, seconds=0.3)

    def request(number):
        if number < WORKERS:
            # The first requests of every worker are all in flight together.
            gate.wait()
        return client.request('GET', '/live_services/service_names').status
    assert run_in_order(request, range(40), WORKERS) == [200] * 40
    # As many sessions as requests were in flight at once, and no more, each with the credentials and the User-Agent.
    sessions = client._idle_sessions
    assert 2 <= len(sessions) == len(set(id(session) for session in sessions)) <= WORKERS
    assert all(session.auth == client.session.auth and session.headers['User-Agent'] == client.session.headers['User-Agent']
               for session in sessions)


def test_paced_threads_on_one_resource_meet_no_429_and_keep_every_window_within_the_limit(emulator):
    emulator.configure(rate_limit=True, rate_limit_per_second=5)
    api = retailer(emulator)
    account = sorted(ACCOUNTS)[0]
    assert status_reads(api, [account] * 16) == [account] * 16
    log = emulator.requests(api='retailer')
    assert [entry['status'] for entry in log] == [200] * 16
    assert most_in_any_window([entry['time'] for entry in log]) <= 5


def test_each_resource_has_its_own_window(emulator):
    # Three accounts' status reads are three resources: together they may exceed 5 a second, each one never does.
    emulator.configure(rate_limit=True, rate_limit_per_second=5)
    api = retailer(emulator)
    accounts = sorted(ACCOUNTS) * 6
    assert status_reads(api, accounts) == accounts
    log = emulator.requests(api='retailer')
    assert [entry['status'] for entry in log] == [200] * len(accounts)
    for path in set(entry['path'] for entry in log):
        assert most_in_any_window([entry['time'] for entry in log if entry['path'] == path]) <= 5
    assert most_in_any_window([entry['time'] for entry in log]) > 5


def test_a_vendor_counting_per_token_is_met_by_the_token_scope(emulator):
    emulator.configure(rate_limit=True, rate_limit_per_second=5, rate_limit_scope='token')
    api = retailer(emulator, rate_limit_scope='token')
    accounts = sorted(ACCOUNTS) * 4
    assert status_reads(api, accounts) == accounts
    log = emulator.requests(api='retailer')
    assert [entry['status'] for entry in log] == [200] * len(accounts)
    assert most_in_any_window([entry['time'] for entry in log]) <= 5


def test_the_resource_scope_against_a_vendor_counting_per_token_meets_429_and_retries_only_reads(emulator):
    # The mismatch the option is there for: the reads still succeed, each 429 was answered before anything was done.
    emulator.configure(rate_limit=True, rate_limit_per_second=5, rate_limit_scope='token')
    api = retailer(emulator)
    accounts = sorted(ACCOUNTS) * 4
    assert status_reads(api, accounts) == accounts
    statuses = [entry['status'] for entry in emulator.requests(api='retailer')]
    assert 429 in statuses and statuses.count(200) == len(accounts)


def test_a_token_refused_in_several_threads_at_once_is_renewed_once(emulator):
    api = retailer(emulator, rate_limit=0)
    api.ensure_token()
    emulator.expire_tokens()
    emulator.clear_requests()
    gate = threading.Barrier(WORKERS, timeout=30)
    account = sorted(ACCOUNTS)[0]

    def read(_number):
        # Every worker sends with the expired token before any of them has renewed it.
        gate.wait()
        return api.account_status(account, ACCOUNTS[account]).account_id
    assert run_in_order(read, range(WORKERS), WORKERS) == [account] * WORKERS
    grants = emulator.requests(api='oauth')
    assert len(grants) == 1 and grants[0]['status'] == 200
    statuses = [entry['status'] for entry in emulator.requests(api='retailer')]
    assert statuses.count(401) == WORKERS and statuses.count(200) == WORKERS


def test_threads_without_a_token_ask_for_one_once(emulator):
    api = retailer(emulator, rate_limit=0)
    account = sorted(ACCOUNTS)[0]
    assert status_reads(api, [account] * WORKERS) == [account] * WORKERS
    assert len(emulator.requests(api='oauth')) == 1 and api.token_requests == 1


def test_a_narrowed_deadline_is_the_calling_threads_only(emulator):
    client = HttpClient(emulator.partner_url, auth=(PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key']), timeout=10)
    seen = {}
    inside = threading.Event()
    done = threading.Event()

    def other_thread():
        assert inside.wait(30)
        seen['other'] = client.current_deadline()
        done.set()
    worker = threading.Thread(target=other_thread)
    worker.start()
    with client.until(client.clock() - 1):
        inside.set()
        assert done.wait(30)
        seen['mine'] = client.current_deadline()
        with pytest.raises(Exception) as caught:
            client.request('GET', '/live_services/service_names')
    worker.join(30)
    assert seen['other'] is None and seen['mine'] is not None
    assert 'the time the task allows' in str(caught.value) and emulator.requests(api='partner') == []
    # The task's own deadline is every thread's.
    client.deadline = 5.0
    assert client.current_deadline() == 5.0


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.lock = threading.Lock()

    def clock(self):
        with self.lock:
            return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def test_a_request_in_flight_holds_its_place_in_the_window():
    # Capacity 2: two requests in flight leave no place; a third waits for an answer, then for the window.
    fake_time = FakeTime()
    pacer = Pacer(2, sleep=fake_time.sleep, clock=fake_time.clock)
    assert pacer.wait() == 0.0 and pacer.wait() == 0.0
    third = {}
    worker = threading.Thread(target=lambda: third.setdefault('slept', pacer.wait()))
    worker.start()
    worker.join(0.2)
    assert worker.is_alive() and pacer.in_flight == 2
    pacer.record()
    worker.join(30)
    # One answer is in the window and one request is still in flight: the third leaves one period after the answer.
    assert third['slept'] == pytest.approx(1.0) and pacer.in_flight == 2


def test_the_pacing_keys_by_path_or_shares_one_window():
    by_resource = Pacing(5)
    assert by_resource.for_path('/a') is by_resource.for_path('/a') and by_resource.for_path('/a') is not by_resource.for_path('/b')
    per_token = Pacing(5, scope='token')
    assert per_token.for_path('/a') is per_token.for_path('/b')
    assert by_resource.capacity == 5 and Pacing(None).rate is None
    with pytest.raises(ValueError):
        Pacing(5, scope='account')
