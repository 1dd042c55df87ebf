# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RetailerApi against the emulator: token handling, paging, polling and the ambiguous pack write."""

import json
import math

import pytest

from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import (
    PackRefused,
    ProfileChangeFailed,
    ProfileChangeTimeout,
    RetailerApi,
)
from emulator_fixture import RETAILER_LOGIN

CLIENT_ID = RETAILER_LOGIN['client_id']
CLIENT_SECRET = RETAILER_LOGIN['client_secret']
USERNAME = RETAILER_LOGIN['username']
PASSWORD = RETAILER_LOGIN['password']
ACCOUNT = 23053
EXTERNAL = 'cust-23053'


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.waits = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


def make_api(emulator, client_secret=CLIENT_SECRET, password=PASSWORD, fake_time=None, **options):
    fake_time = fake_time or FakeTime()
    return RetailerApi(emulator.retailer_url, CLIENT_ID, client_secret, USERNAME, password, timeout=5,
                       sleep=fake_time.sleep, clock=fake_time.clock, **options)


def token_requests(emulator):
    return emulator.requests(api='oauth')


def secrets_of(api=None):
    found = [CLIENT_SECRET, PASSWORD]
    if api is not None:
        found += [value for value in (api.tokens.access_token, api.tokens.refresh_token) if value]
    return found


def assert_no_secret(error, secrets):
    for text in (str(error), repr(error), json.dumps(error.to_dict(), default=str)):
        for secret in secrets:
            assert secret not in text


def test_token_is_fetched_once_for_many_calls(emulator):
    api = make_api(emulator)
    assert token_requests(emulator) == []
    for _round in range(3):
        api.profiles()
        api.account_status(ACCOUNT, EXTERNAL)
    assert len(token_requests(emulator)) == 1
    assert token_requests(emulator)[0]['method'] == 'POST'


def test_expired_token_is_refreshed_once_and_the_call_repeated(emulator):
    api = make_api(emulator)
    api.profiles()
    first_token = api.tokens.access_token
    emulator.expire_tokens()
    emulator.clear_requests()
    assert api.account_status(ACCOUNT, EXTERNAL).account_id == ACCOUNT
    log = emulator.requests()
    assert [(entry['api'], entry['status']) for entry in log] == [('retailer', 401), ('oauth', 200), ('retailer', 200)]
    assert api.tokens.access_token != first_token
    api.profiles()
    api.account_status(ACCOUNT, EXTERNAL)
    assert len(token_requests(emulator)) == 1


def test_failed_refresh_falls_back_to_the_password_grant(emulator):
    api = make_api(emulator)
    api.profiles()
    api.tokens.refresh_token = 'emu-rt-revoked'
    emulator.expire_tokens()
    emulator.clear_requests()
    assert len(api.profiles()) == 3
    assert [entry['status'] for entry in token_requests(emulator)] == [400, 200]


def test_bad_credentials_never_leak(emulator):
    for client_secret, password in (('not-the-secret-1x', PASSWORD), (CLIENT_SECRET, 'not-the-password-2y')):
        with pytest.raises(ApiError) as caught:
            make_api(emulator, client_secret=client_secret, password=password).profiles()
        assert 'could not obtain an OAuth2 access token' in str(caught.value)
        assert caught.value.status in (400, 401)
        assert_no_secret(caught.value, secrets_of() + [client_secret, password])


def test_errors_carry_no_token_or_secret(emulator):
    api = make_api(emulator)
    errors = []
    for call in (lambda: api.profile_packs(999999), lambda: api.set_account_enabled(ACCOUNT, '', True),
                 lambda: api.add_pack(ACCOUNT, EXTERNAL, 534, 10 ** 6)):
        with pytest.raises(ApiError) as caught:
            call()
        errors.append(caught.value)
    emulator.add_fault('html', route='/Status', status=500)
    with pytest.raises(ApiError) as caught:
        api.account_status(ACCOUNT, EXTERNAL)
    errors.append(caught.value)
    assert api.tokens.access_token and api.tokens.refresh_token
    for error in errors:
        assert_no_secret(error, secrets_of(api))
    assert CLIENT_SECRET not in repr(api) and PASSWORD not in repr(api)


@pytest.mark.parametrize('paging_mode', ['parameters', 'total'])
@pytest.mark.parametrize('page_size', [None, 10, 47, 20])
def test_all_profiles_with_the_fewest_requests(emulator, paging_mode, page_size):
    emulator.reset(fixture='many_profiles')
    emulator.configure(paging_mode=paging_mode)
    api = make_api(emulator, page_size=page_size)
    profiles = api.profiles()
    assert len(profiles) == 47
    assert len(set(profile.id for profile in profiles)) == 47
    assert None not in (profiles[0].id, profiles[0].name, profiles[0].description, profiles[0].client_code)
    listed = [entry for entry in emulator.requests(api='retailer') if entry['path'].endswith('/Management/Profile')]
    assert len(listed) == math.ceil(47 / (page_size or RetailerApi.PAGE_SIZE))
    assert [entry['query']['PageNumber'] for entry in listed] == [str(number) for number in range(len(listed))]


def test_profile_packs(emulator):
    api = make_api(emulator, page_size=2)
    packs = api.profile_packs(1048)
    assert [pack.id for pack in packs][:5] == [534, 535, 536, 537, 538]
    assert None not in (packs[0].name, packs[0].description, packs[0].minimum, packs[0].maximum)
    with pytest.raises(ApiError) as caught:
        api.profile_packs(999999)
    assert caught.value.status == 403
    assert caught.value.vendor_message == 'You cannot access the provided profile.'


def test_external_user_id_header_and_account_lifecycle(emulator):
    api = make_api(emulator)
    status = api.account_status(ACCOUNT, EXTERNAL)
    assert status.profile_id == 1048 and status.state == 'enabled'
    assert api.set_account_enabled(ACCOUNT, EXTERNAL, False).enabled is False
    assert api.account_status(ACCOUNT, EXTERNAL).state == 'disabled'
    assert api.set_account_enabled(ACCOUNT, EXTERNAL, True).enabled is True
    put = emulator.requests(method='PUT')
    assert [entry['query'] for entry in put] == [{'Enable': 'false'}, {'Enable': 'true'}]
    with pytest.raises(ApiError) as caught:
        api.account_status(ACCOUNT, '')
    assert caught.value.status == 400 and caught.value.vendor_message == 'Invalid ExternalUserId.'
    assert api.delete_account(ACCOUNT, EXTERNAL) is None
    assert api.account_status(ACCOUNT, EXTERNAL) is None
    with pytest.raises(ApiError) as caught:
        api.delete_account(ACCOUNT, EXTERNAL)
    assert caught.value.status == 404


def test_strict_external_user_id(emulator):
    emulator.configure(external_user_id_strict=True)
    with pytest.raises(ApiError) as caught:
        make_api(emulator).account_status(ACCOUNT, 'someone-else')
    assert caught.value.status == 400


def test_a_delete_whose_answer_is_lost_is_not_sent_again(emulator):
    emulator.add_fault('drop_after', route='/Account/%d$' % ACCOUNT, method='DELETE', count=1)
    api = make_api(emulator)
    with pytest.raises(ApiError) as caught:
        api.delete_account(ACCOUNT, EXTERNAL)
    # Applied, answer lost: the client cannot tell, says so, and leaves the read-back to the outcome model.
    assert caught.value.applied is None
    assert len(emulator.requests(method='DELETE')) == 1
    assert api.account_status(ACCOUNT, EXTERNAL) is None


@pytest.mark.parametrize('progress_status', [202, 201])
def test_profile_change_polls_until_done_with_growing_interval(emulator, progress_status):
    emulator.configure(profile_change_delay=0.4, profile_change_progress_status=progress_status)
    fake_time = FakeTime()
    real_sleeps = []

    def sleep(seconds):
        real_sleeps.append(seconds)
        import time
        time.sleep(0.1)

    api = RetailerApi(emulator.retailer_url, CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD, sleep=sleep,
                      clock=fake_time.clock, poll_interval=1, max_poll_interval=2)
    assert api.change_profile(ACCOUNT, EXTERNAL, 1047) == 'done'
    puts = [entry['status'] for entry in emulator.requests(method='PUT')]
    assert puts[0] == progress_status and puts[-1] == 200 and len(puts) >= 3
    assert real_sleeps[:3] == [1.0, 1.5, 2.0]
    assert api.account_status(ACCOUNT, EXTERNAL).profile_id == 1047


def test_profile_change_without_wait_and_to_the_current_profile(emulator):
    emulator.configure(profile_change_delay=60)
    api = make_api(emulator)
    assert api.change_profile(ACCOUNT, EXTERNAL, 1047, wait=False) == 'started'
    assert api.change_profile(ACCOUNT, EXTERNAL, 1048) == 'done'
    assert len(emulator.requests(method='PUT')) == 2


def test_profile_change_deadline_with_a_fake_clock(emulator):
    emulator.configure(profile_change_delay=3600)
    fake_time = FakeTime()
    api = make_api(emulator, fake_time=fake_time)
    with pytest.raises(ProfileChangeTimeout) as caught:
        api.change_profile(ACCOUNT, EXTERNAL, 1047, timeout=300, poll_interval=5, max_poll_interval=30)
    assert 'may still complete' in str(caught.value)
    # The last poll leaves a second to be answered in before the deadline; none is sent after it.
    assert sum(fake_time.waits) == pytest.approx(299)
    assert max(fake_time.waits) <= 30
    assert fake_time.waits[:3] == [5.0, 7.5, 11.25]
    assert len(emulator.requests(method='PUT')) == len(fake_time.waits) + 1


def test_profile_change_deadline_in_real_time(emulator):
    emulator.configure(profile_change_delay=3600)
    api = RetailerApi(emulator.retailer_url, CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD, poll_interval=0.05)
    with pytest.raises(ProfileChangeTimeout) as caught:
        api.change_profile(ACCOUNT, EXTERNAL, 1047, timeout=0.3)
    error = caught.value
    assert isinstance(error, ApiError)
    assert 'requested' in str(error) and 'may still complete' in str(error)
    assert_no_secret(error, secrets_of(api))


def test_profile_change_failure(emulator):
    emulator.configure(profile_change_outcome='fail', profile_change_delay=0)
    api = make_api(emulator)
    with pytest.raises(ProfileChangeFailed) as caught:
        api.change_profile(ACCOUNT, EXTERNAL, 1047)
    error = caught.value
    assert error.status == 500
    assert error.vendor_message == 'An error occurred changing the account profile.'
    assert 'failed' in str(error) and error.vendor_message in str(error)
    # The 500 ends the job: it is never re-sent, which would start a new one.
    assert [entry['status'] for entry in emulator.requests(method='PUT')] == [202, 500]


def test_add_pack_absolute(emulator):
    api = make_api(emulator)
    answer = api.add_pack(ACCOUNT, EXTERNAL, 534, 3)
    assert (answer.code, answer.description) == (0, 'Ok')
    posted = emulator.requests(method='POST')[-1]
    assert posted['path'].endswith('/Account/%d/Pack/534' % ACCOUNT)


@pytest.mark.parametrize('work_mode', ['absolute', 'incremental'])
@pytest.mark.parametrize('kind', ['drop_after', 'drop_before'])
def test_a_pack_write_whose_answer_is_lost_is_sent_once(emulator, kind, work_mode):
    # Even an absolute total: held up somewhere and applied late, a repeat could undo a later change.
    emulator.add_fault(kind, route='/Pack/534', method='POST', count=1)
    api = make_api(emulator)
    with pytest.raises(ApiError) as caught:
        api.add_pack(ACCOUNT, EXTERNAL, 534, 3, work_mode=work_mode)
    assert caught.value.applied is None and caught.value.status is None
    assert len(emulator.requests(api='retailer', method='POST')) == 1
    assert emulator.requests(api='retailer', method='GET') == []
    assert_no_secret(caught.value, secrets_of(api))


def test_a_pack_answer_that_contradicts_the_request_is_an_unknown_outcome(emulator):
    emulator.add_fault('contradict', route='/Pack/534', method='POST', count=1)
    api = make_api(emulator)
    with pytest.raises(ApiError) as caught:
        api.add_pack(ACCOUNT, EXTERNAL, 534, 3)
    assert caught.value.applied is None and caught.value.status == 200 and caught.value.vendor_code == 1
    assert 'contradicts' in str(caught.value)
    assert api.account_status(ACCOUNT, EXTERNAL).quantity(534) == 0


def test_an_enable_answer_that_contradicts_the_request_is_an_unknown_outcome(emulator):
    emulator.add_fault('contradict', route='/Account/%d$' % ACCOUNT, method='PUT', count=1)
    with pytest.raises(ApiError) as caught:
        make_api(emulator).set_account_enabled(ACCOUNT, EXTERNAL, False)
    assert caught.value.applied is None and 'contradicts the request to disable it' in str(caught.value)


@pytest.mark.parametrize('quantity, pack, code, refusal', [
    (1000, 534, 1, 'quantity_limits_exceeded'),
    (1, 999, 2, 'profile_rules_error'),
    (-1, 534, 3, 'invalid_quantity'),
])
def test_pack_refused(emulator, quantity, pack, code, refusal):
    with pytest.raises(PackRefused) as caught:
        make_api(emulator).add_pack(ACCOUNT, EXTERNAL, pack, quantity)
    assert (caught.value.code, caught.value.refusal, caught.value.status) == (code, refusal, 403)
    assert caught.value.to_dict()['refusal'] == refusal


def test_invalid_workmode_refused(emulator):
    with pytest.raises(PackRefused) as caught:
        make_api(emulator).add_pack(ACCOUNT, EXTERNAL, 534, 1, work_mode='sideways')
    assert caught.value.refusal == 'invalid_workmode'


@pytest.mark.parametrize('status', [500, 502, 504])
def test_a_pack_write_answered_with_a_5xx_is_sent_once_and_unknown(emulator, status):
    emulator.add_fault('status', route='/Pack/534', method='POST', count=1, status=status)
    with pytest.raises(ApiError) as caught:
        make_api(emulator).add_pack(ACCOUNT, EXTERNAL, 534, 2, work_mode='incremental')
    assert caught.value.applied is None and caught.value.status == status
    assert len(emulator.requests(api='retailer', method='POST')) == 1


def test_incremental_pack_refused_by_429_is_retried(emulator):
    emulator.add_fault('status', route='/Pack/534', method='POST', count=1, status=429, retry_after=1)
    fake_time = FakeTime()
    api = make_api(emulator, fake_time=fake_time)
    assert api.add_pack(ACCOUNT, EXTERNAL, 534, 2, work_mode='incremental').code == 0
    assert fake_time.waits == [1.0]
    assert api.account_status(ACCOUNT, EXTERNAL).quantity(534) == 2


def test_from_module_passes_fast_settings():
    class FakeModule:
        params = {'api_url': 'http://127.0.0.1:9', 'client_id': CLIENT_ID, 'client_secret': CLIENT_SECRET,
                  'username': USERNAME, 'password': PASSWORD, 'timeout': 3.0, 'validate_certs': False,
                  'ca_path': None, 'allow_plain_http': False}

        def fail_json(self, **result):
            raise SystemExit(result)

    api = RetailerApi.from_module(FakeModule(), poll_interval=0.01, backoff_base=0.01)
    assert api.poll_interval == 0.01 and api.client.backoff_base == 0.01
    assert api.client.timeout == 3.0 and api.client.verify is False
