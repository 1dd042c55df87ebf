# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side pacing of HttpClient (max_requests_per_second) and the retailer option rate_limit.

The first tests drive HttpClient with a fake clock and a fake session, so the timing is exact; the
last ones run against the emulator with MailUp's rate limit switched on and read the request log.
"""

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.channel.partner.plugins.module_utils._http import HttpClient, Pacer
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from emulator_fixture import RETAILER_LOGIN

CLIENT_ID = RETAILER_LOGIN['client_id']
CLIENT_SECRET = RETAILER_LOGIN['client_secret']
USERNAME = RETAILER_LOGIN['username']
PASSWORD = RETAILER_LOGIN['password']
ACCOUNT = 23055
EXTERNAL = 'cust-23055'


class FakeTime:
    """A clock that only moves when someone sleeps or a fake request takes time."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeResponse:
    def __init__(self, url, status=200):
        self.status_code, self.reason, self.headers, self.url, self.encoding = status, 'OK', {}, url, 'utf-8'

    def iter_content(self, _size):
        yield b'{}'

    def close(self):
        pass


class FakeSession:
    """Answers every request with 200 after ``durations`` (cycled) seconds of fake time, and notes when each was sent."""

    def __init__(self, fake_time, durations=(0.0,)):
        self.fake_time = fake_time
        self.durations = list(durations)
        self.sent = []
        self.headers = {}
        self.auth = None

    def request(self, method, url, **_options):
        self.sent.append(self.fake_time.now)
        self.fake_time.now += self.durations[(len(self.sent) - 1) % len(self.durations)]
        return FakeResponse(url)


def paced_client(rate, durations=(0.0,)):
    fake_time = FakeTime()
    session = FakeSession(fake_time, durations)
    client = HttpClient('https://api.example.com', session=session, sleep=fake_time.sleep, clock=fake_time.clock,
                        max_requests_per_second=rate)
    return client, session, fake_time


def most_in_any_window(times, width=1.0):
    """The largest number of ``times`` inside any half-open window [t, t + width)."""
    return max(len([other for other in times if start <= other < start + width]) for start in times)


def test_a_short_run_never_waits():
    client, session, fake_time = paced_client(5)
    for _number in range(5):
        client.request('GET', '/status')
    assert fake_time.sleeps == [] and len(session.sent) == 5


def test_the_sixth_request_waits_until_a_second_after_the_first_answer():
    client, session, fake_time = paced_client(5, durations=(0.01,))
    for _number in range(6):
        client.request('GET', '/status')
    # The first answer arrived at 1000.01: the sixth request leaves one second later, not a moment before.
    assert session.sent[5] == pytest.approx(1001.01)
    assert len(fake_time.sleeps) == 1


def test_a_long_run_keeps_every_one_second_window_within_the_limit_and_runs_at_the_limit():
    client, session, fake_time = paced_client(5)
    for _number in range(25):
        client.request('GET', '/status')
    assert most_in_any_window(session.sent) == 5
    # 25 requests at 5 a second: five full windows, the last one starting four seconds after the first.
    assert session.sent[-1] - session.sent[0] == pytest.approx(4.0)
    assert client.slept == 0.0 and client.pacer.waited == pytest.approx(4.0)


def test_requests_left_out_of_the_pacing_neither_wait_nor_fill_the_window():
    client, session, fake_time = paced_client(5)
    for _number in range(3):
        client.request('POST', '/token', paced=False)
    for _number in range(5):
        client.request('GET', '/status')
    client.request('POST', '/token', paced=False)
    assert fake_time.sleeps == [] and len(session.sent) == 9


def test_slow_answers_need_no_wait():
    client, _session, fake_time = paced_client(5, durations=(0.25,))
    for _number in range(12):
        client.request('GET', '/status')
    assert fake_time.sleeps == []


@pytest.mark.parametrize('rate', [None, 0])
def test_no_pacing_when_off(rate):
    client, session, fake_time = paced_client(rate)
    for _number in range(30):
        client.request('GET', '/status')
    assert fake_time.sleeps == [] and most_in_any_window(session.sent) == 30


def test_a_rate_below_one_spaces_the_requests():
    client, session, _fake_time = paced_client(0.5)
    for _number in range(3):
        client.request('GET', '/status')
    assert [later - earlier for earlier, later in zip(session.sent, session.sent[1:])] == [pytest.approx(2.0), pytest.approx(2.0)]


def test_a_fraction_above_one_is_rounded_down_so_no_window_exceeds_it():
    client, session, _fake_time = paced_client(2.5)
    for _number in range(9):
        client.request('GET', '/status')
    assert most_in_any_window(session.sent) == 2


def test_a_negative_rate_is_refused():
    with pytest.raises(ValueError):
        Pacer(-1)


@settings(max_examples=200, deadline=None)
@given(rate=st.integers(1, 8), durations=st.lists(st.sampled_from([0.0, 0.001, 0.05, 0.2, 0.6]), min_size=1, max_size=10),
       count=st.integers(1, 40))
def test_property_no_window_exceeds_the_rate_and_no_wait_is_wasted(rate, durations, count):
    client, session, _fake_time = paced_client(rate, durations)
    for _number in range(count):
        client.request('GET', '/status')
    assert most_in_any_window(session.sent) <= rate
    # A request waits only while the window is full: it leaves exactly when the oldest answer of the window turns one second old.
    answered = [sent + durations[position % len(durations)] for position, sent in enumerate(session.sent)]
    for position in range(rate, count):
        assert session.sent[position] == pytest.approx(max(answered[position - 1], answered[position - rate] + 1.0))


def test_retailer_api_paces_at_five_by_default_and_rate_limit_zero_turns_it_off():
    assert RetailerApi('https://services.mailup.com', CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD).client.pacer.capacity == 5
    assert RetailerApi('https://services.mailup.com', CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD, rate_limit=0).client.pacer.rate is None


def status_reads(emulator, count, **options):
    api = RetailerApi(emulator.retailer_url, CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD, **options)
    for _number in range(count):
        assert api.account_status(ACCOUNT, EXTERNAL).account_id == ACCOUNT
    return emulator.requests(api='retailer')


def test_paced_reads_meet_no_429_and_run_at_least_at_ninety_percent_of_the_limit(emulator):
    emulator.configure(rate_limit=True, rate_limit_per_second=5)
    log = status_reads(emulator, 25)
    assert [entry['status'] for entry in log] == [200] * 25
    times = [entry['time'] for entry in log]
    assert most_in_any_window(times) <= 5
    # 25 requests at 5 a second span four seconds (five windows); at 90 % of the rate they would span 24 / 4.5 s.
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate >= 0.9 * 5, rate


def test_unpaced_reads_run_into_the_vendor_limit(emulator):
    # The same reads without pacing: MailUp answers 429 and the client has to wait for Retry-After.
    emulator.configure(rate_limit=True, rate_limit_per_second=5)
    log = status_reads(emulator, 8, rate_limit=0)
    assert 429 in [entry['status'] for entry in log]
