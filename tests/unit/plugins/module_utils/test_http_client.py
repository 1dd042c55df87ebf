# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HttpClient against the emulator: the retry rules proven from the emulator's request log."""

import json
import socket
import time
from pathlib import Path

import pytest
import requests
import yaml

from ansible_collections.channel.partner.plugins.module_utils import _exchange, _http
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError, InsecureUrlError, redact_url, text_excerpt
from ansible_collections.channel.partner.plugins.module_utils._http import (
    COLLECTION_VERSION,
    HttpClient,
    check_base_url,
    parse_retry_after,
)
from ansible_collections.channel.partner.plugins.module_utils._http_failures import describe_exception
from ansible_collections.channel.partner.plugins.module_utils._partner_api import partner_error_parser
from emulator_fixture import PARTNER_LOGIN
from scripted_server import Answer, ScriptedServer

PARTNER_ID = PARTNER_LOGIN['partner_id']
API_KEY = PARTNER_LOGIN['api_key']
PATH = '/live_services/1234931'
# Whatever the emulator answers once the fault is gone, the client hands it back: only retries matter here.
ANY_ANSWER = tuple(status for status in range(200, 500) if status != 429)


class SleepRecorder:
    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


def make_client(emulator, sleep=None, **options):
    options.setdefault('timeout', 5)
    # The Partner API's error parser, so that the client can tell the vendor's own error answers from a proxy's.
    options.setdefault('error_parser', partner_error_parser)
    return HttpClient(emulator.partner_url, auth=(PARTNER_ID, API_KEY), sleep=sleep or SleepRecorder(),
                      jitter=lambda: 0.5, **options)


def sent(emulator, method=None):
    return [entry for entry in emulator.requests(api='partner', method=method) if entry['path'].endswith(PATH)]


def assert_no_secret(error, secrets=(API_KEY,)):
    for text in (str(error), repr(error), json.dumps(error.to_dict(), default=str)):
        for secret in secrets:
            assert secret not in text


WRITES = ('PUT', 'PATCH', 'DELETE', 'POST')


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
@pytest.mark.parametrize('method', ('GET',) + WRITES)
def test_retry_matrix_status(emulator, method, status):
    # The emulator's status fault answers in the vendor's own error shape and applies nothing: a 429 or such a 503
    # is a refusal any request may follow with another attempt; any other 5xx leaves a write's outcome unknown.
    emulator.add_fault('status', route=PATH, method=method, count=1, status=status, retry_after=0)
    client = make_client(emulator)
    retried = status in (429, 503) or method == 'GET'
    if retried:
        response = client.request(method, PATH, json={}, expected=ANY_ANSWER)
        assert response.status != status
        assert len(sent(emulator, method)) == 2
    else:
        with pytest.raises(ApiError) as caught:
            client.request(method, PATH, json={}, expected=ANY_ANSWER)
        assert caught.value.status == status
        assert caught.value.method == method
        assert caught.value.applied is None
        assert len(sent(emulator, method)) == 1
        assert_no_secret(caught.value)
    assert client.request_count == len(sent(emulator, method))


@pytest.mark.parametrize('kind', ['drop_before', 'drop_after'])
@pytest.mark.parametrize('method', ('GET',) + WRITES)
def test_retry_matrix_dropped_connection(emulator, method, kind):
    emulator.add_fault(kind, route=PATH, method=method, count=1)
    client = make_client(emulator)
    if method != 'GET':
        with pytest.raises(ApiError) as caught:
            client.request(method, PATH, json={}, expected=ANY_ANSWER)
        error = caught.value
        assert error.status is None
        assert error.applied is None
        assert 'connection was lost' in str(error)
        assert len(sent(emulator, method)) == 1
        assert_no_secret(error)
    else:
        client.request(method, PATH, json={}, expected=ANY_ANSWER)
        assert len(sent(emulator, method)) == 2


@pytest.mark.parametrize('fault', [{'kind': 'applied_answer', 'status': 503}, {'kind': 'html', 'status': 503},
                                   {'kind': 'applied_answer', 'status': 502}])
@pytest.mark.parametrize('method', ('GET',) + WRITES)
def test_a_503_that_is_not_the_vendors_is_not_a_refusal(emulator, method, fault):
    # Envoy answers 503 on an upstream reset after the vendor may have applied the request: only a read goes again.
    emulator.add_fault(route=PATH, method=method, count=1, **fault)
    client = make_client(emulator)
    if method == 'GET':
        client.request(method, PATH, expected=ANY_ANSWER)
        assert len(sent(emulator, method)) == 2
    else:
        with pytest.raises(ApiError) as caught:
            client.request(method, PATH, json={}, expected=ANY_ANSWER)
        assert caught.value.applied is None and caught.value.status == fault['status']
        assert len(sent(emulator, method)) == 1


@pytest.mark.parametrize('status', [201, 204, 200])
def test_an_unexpected_success_answer_to_a_write_is_an_unknown_outcome(emulator, status):
    emulator.add_fault('applied_answer', route=PATH, method='PATCH', count=1, status=status)
    client = make_client(emulator)
    if status == 200:
        # A 200 is what the caller expects; that its body is not JSON is for the caller to find.
        with pytest.raises(ApiError) as caught:
            client.request_json('PATCH', PATH, json={'tariff_service_name': 'Outmail1000'})
        assert 'not JSON' in str(caught.value)
    else:
        with pytest.raises(ApiError) as caught:
            client.request('PATCH', PATH, json={'tariff_service_name': 'Outmail1000'})
    assert caught.value.applied is None and caught.value.status == status
    assert len(sent(emulator, 'PATCH')) == 1


def test_post_marked_repeatable_is_retried(emulator):
    emulator.add_fault('status', route=PATH, method='POST', count=1, status=502)
    client = make_client(emulator)
    client.request('POST', PATH, json={}, expected=ANY_ANSWER, repeatable=True)
    assert len(sent(emulator, 'POST')) == 2


def test_put_marked_not_repeatable_is_not_retried(emulator):
    emulator.add_fault('status', route=PATH, method='PUT', count=1, status=500)
    client = make_client(emulator)
    with pytest.raises(ApiError):
        client.request('PUT', PATH, json={}, expected=ANY_ANSWER, repeatable=False)
    assert len(sent(emulator, 'PUT')) == 1


def test_attempts_are_bounded(emulator):
    emulator.add_fault('status', route=PATH, status=503, retry_after=0)
    sleep = SleepRecorder()
    client = make_client(emulator, sleep=sleep, max_attempts=4)
    with pytest.raises(ApiError) as caught:
        client.request('GET', PATH)
    assert len(sent(emulator)) == 4
    assert len(sleep.waits) == 3
    assert 'after 4 attempts' in str(caught.value)
    assert caught.value.status == 503
    assert caught.value.applied is False


def test_backoff_is_exponential_and_jittered(emulator):
    emulator.add_fault('status', route=PATH, status=502)
    sleep = SleepRecorder()
    client = HttpClient(emulator.partner_url, auth=(PARTNER_ID, API_KEY), sleep=sleep, jitter=lambda: 1.0,
                        backoff_base=0.5, backoff_max=1.5, max_attempts=5)
    with pytest.raises(ApiError):
        client.request('GET', PATH)
    assert sleep.waits == [0.5, 1.0, 1.5, 1.5]
    low = HttpClient(emulator.partner_url, jitter=lambda: 0.0, backoff_base=0.5)
    assert [low._backoff(attempt) for attempt in (1, 2, 3)] == [0.25, 0.5, 1.0]


def test_retry_after_is_honoured(emulator):
    emulator.add_fault('status', route=PATH, count=2, status=429, retry_after=3)
    sleep = SleepRecorder()
    client = make_client(emulator, sleep=sleep)
    assert client.request('GET', PATH).status == 200
    assert sleep.waits == [3.0, 3.0]
    assert len(sent(emulator)) == 3


def test_retry_after_is_capped(emulator):
    emulator.add_fault('status', route=PATH, count=1, status=503, retry_after=3600)
    sleep = SleepRecorder()
    client = make_client(emulator, sleep=sleep)
    assert client.request('POST', PATH, json={}, expected=ANY_ANSWER).status != 503
    assert sleep.waits == [HttpClient.RETRY_AFTER_CAP]
    assert HttpClient.RETRY_AFTER_CAP == 30


def test_total_sleep_is_bounded(emulator):
    emulator.add_fault('status', route=PATH, status=429, retry_after=25)
    sleep = SleepRecorder()
    client = make_client(emulator, sleep=sleep, max_attempts=10, total_sleep_budget=60)
    with pytest.raises(ApiError) as caught:
        client.request('GET', PATH)
    assert sleep.waits == [25.0, 25.0]
    assert len(sent(emulator)) == 3
    assert 'retry budget exhausted' in str(caught.value)


def test_html_error_page_is_readable(emulator):
    emulator.add_fault('html', route=PATH, method='POST', status=502)
    client = make_client(emulator)
    with pytest.raises(ApiError) as caught:
        client.request('POST', PATH, json={})
    message = str(caught.value)
    assert message.startswith('POST %s%s failed: HTTP 502 Bad Gateway: ' % (emulator.partner_url, PATH))
    assert '502 bad gateway nginx' in message.lower()
    assert '<' not in message and '\n' not in message and '  ' not in message
    assert len(sent(emulator)) == 1


def test_read_timeout(emulator):
    emulator.add_fault('hang', route=PATH, method='POST', seconds=5)
    client = make_client(emulator, timeout=0.3)
    with pytest.raises(ApiError) as caught:
        client.request('POST', PATH, json={})
    # The whole exchange is bounded, not each read of it.
    assert 'no complete answer within 0.3 seconds' in str(caught.value)
    assert caught.value.status is None
    assert caught.value.applied is None
    assert len(sent(emulator)) == 1


def _head_after(seconds):
    def answer(_request):
        time.sleep(seconds)
        return Answer.json(200, {})
    return answer


def _body_stalls_for(seconds):
    def write(socket_file):
        socket_file.write(b'{')
        socket_file.flush()
        time.sleep(seconds)
    return Answer(200, write)


@pytest.mark.parametrize('stall', [_head_after(1.5), _body_stalls_for(1.5)], ids=['before the head', 'within the body'])
def test_a_socket_read_that_times_out_reads_as_the_exchanges_deadline(stall):
    # The socket may wait as long as the whole exchange may take, so when a busy machine runs the socket's timeout
    # before the exchange's own, the user must still read the one message the exchange's deadline gives.
    with ScriptedServer([stall]) as server:
        with pytest.raises(requests.exceptions.RequestException) as caught:
            response = requests.get(server.url, timeout=0.3, stream=True)
            b''.join(response.iter_content(65536))
    assert describe_exception(caught.value, 0.3) == _exchange.no_complete_answer(0.3)
    assert 'no complete answer within 0.3 seconds (connecting, sending, the answer and all of its body together)' == _exchange.no_complete_answer(0.3)


def test_connection_refused_is_retried_even_for_post():
    # Nothing listens on the port: no byte of the request left, so a POST is safe to send again.
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    sleep = SleepRecorder()
    client = HttpClient('http://127.0.0.1:%d' % port, sleep=sleep, max_attempts=3, timeout=2)
    with pytest.raises(ApiError) as caught:
        client.request('POST', '/anything', json={})
    assert client.request_count == 3
    assert caught.value.applied is False
    assert 'could not connect' in str(caught.value)


def test_user_agent_timeout_and_tls_settings(emulator):
    client = make_client(emulator, timeout=7, validate_certs=True, ca_path='/etc/ssl/certs/ca.pem')
    # The version a vendor sees is the one Galaxy ships.
    galaxy = yaml.safe_load((Path(__file__).resolve().parents[4] / 'galaxy.yml').read_text(encoding='utf-8'))
    assert client.session.headers['User-Agent'] == 'channel.partner/%s' % COLLECTION_VERSION == 'channel.partner/%s' % galaxy['version']
    assert client.timeout == 7.0
    assert client.verify == '/etc/ssl/certs/ca.pem'
    assert make_client(emulator, validate_certs=False, ca_path='/x').verify is False
    assert make_client(emulator).verify is True
    assert client.request('GET', PATH).json()['data']['id'] == 1234931


@pytest.mark.parametrize('url', [
    'http://example.com/api', 'http://10.0.0.1', 'http://sandbox.my-engine.com/api-v1', 'http://localhost.example.com',
])
def test_plain_http_to_a_remote_host_is_refused(url):
    with pytest.raises(InsecureUrlError) as caught:
        HttpClient(url)
    assert isinstance(caught.value, ApiError) and isinstance(caught.value, ValueError)
    assert 'allow_plain_http' in str(caught.value)
    assert HttpClient(url, allow_plain_http=True).base_url.startswith('http://')


@pytest.mark.parametrize('url', [
    'http://127.0.0.1:8080', 'http://127.1.2.3/x/', 'http://localhost:1', 'http://[::1]:9/api', 'https://example.com',
])
def test_loopback_and_https_are_accepted(url):
    assert check_base_url(url) == url.rstrip('/')


def test_non_http_scheme_is_refused():
    with pytest.raises(ValueError):
        HttpClient('ftp://example.com')


def test_redact_url():
    assert redact_url('https://user:pw@host/p?a=1&api_key=s3&access_token=t&Enable=true') == \
        'https://host/p?a=1&api_key=********&access_token=********&Enable=true'


def test_text_excerpt():
    page = '<html><head><style>p {}</style><title>Oops</title></head>\n<body><script>var x = 1;</script>' \
           '<h1>503   Service &amp; Unavailable</h1>' + 'x' * 500 + '</body></html>'
    excerpt = text_excerpt(page)
    assert excerpt.startswith('Oops 503 Service & Unavailable x')
    assert len(excerpt) <= 200 and excerpt.endswith('...')
    assert 'var x' not in excerpt


def test_parse_retry_after():
    assert parse_retry_after('7') == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after('soon') is None
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412470) == pytest.approx(10.0)


def test_error_to_dict_and_scrub():
    error = ApiError('GET', 'https://h/p?token=abc', status=500, vendor_code='E1', vendor_message='bad secret-value',
                     reason='Internal Server Error').scrub(['secret-value'])
    assert error.to_dict() == {'method': 'GET', 'url': 'https://h/p?token=********', 'status': 500,
                               'vendor_code': 'E1', 'vendor_message': 'bad ********'}
    assert str(error) == 'GET https://h/p?token=******** failed: HTTP 500 Internal Server Error: bad ******** (code E1)'
    assert 'secret-value' not in repr(error)


def test_missing_requests_is_reported(monkeypatch):
    from ansible_collections.channel.partner.plugins.module_utils import _argspec, _partner_api

    class FakeModule:
        params = {}

        def fail_json(self, **result):
            raise SystemExit(result)

    monkeypatch.setattr(_argspec, 'HAS_REQUESTS', False)
    with pytest.raises(SystemExit) as caught:
        _partner_api.PartnerApi.from_module(FakeModule())
    assert 'requests' in caught.value.args[0]['msg']
    assert _http.HAS_REQUESTS is True


@pytest.mark.parametrize('method, url, target, refused', [
    ('GET', 'https://api.example.com/a', 'https://api.example.com/b', None),
    ('GET', 'https://api.example.com/a', 'https://API.example.com:443/b', None),
    ('GET', 'https://api.example.com/a', 'http://api.example.com/a', 'another origin'),
    ('GET', 'https://api.example.com/a', 'https://api.example.com:8443/a', 'another origin'),
    ('GET', 'https://api.example.com/a', 'https://evil.example/a', 'another origin'),
    ('POST', 'https://api.example.com/token', 'https://api.example.com/token2', 'a POST is never sent on'),
    ('PATCH', 'https://api.example.com/a', 'https://api.example.com/a', 'a PATCH is never sent on'),
])
def test_which_redirects_are_followed(method, url, target, refused):
    problem = _exchange.redirect_problem(method, url, target)
    assert (problem is None) if refused is None else (refused in problem)


def test_a_redirect_target_with_credentials_is_shown_without_them():
    problem = _exchange.redirect_problem('GET', 'https://api.example.com/a', 'https://user:hunter2@evil.example/a?token=abc')
    assert 'hunter2' not in problem and 'abc' not in problem
