# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile answers: every task ends within its deadline, with a clear message, no exception and no secret.

Each row of the table aims one hostile answer (tests/hostile_vendor.py) at one request of a
module run in-process against a server on 127.0.0.1 that answers everything else as the
documented APIs do. Every row asserts what a user would see: the task failed (or, where the
hostile answer is harmless, did not), its message names the problem in words, it ended within
the deadline its options allow plus a margin, the result is small, and the server's log shows
exactly the requests that were sent: none after a refusal, no write sent twice, a read-back
after a write whose answer could not be read.
"""

import json
from collections import namedtuple

import pytest

import secret_scan
from emulator_fixture import PARTNER_LOGIN
from hostile_vendor import (
    ACCOUNT_ID,
    PROFILES,
    REFRESH_TOKEN,
    SERVICE_ID,
    TOKEN,
    HostileVendor,
    Stopwatch,
    account_status,
    deeply_nested,
    echo,
    envelope,
    live_service,
    new_page_every_time,
    page,
    page_with_secret_at,
    price_list,
    same_page_forever,
    trickle,
)
from modrun import run_module
from scripted_server import Answer

# What the machine adds to a deadline: module start-up, the read-back after a lost answer, a loaded CI host.
MARGIN = 2.0
# The most a result may weigh, whatever the vendor sent.
MAX_RESULT = 20000
# Four attempts of a read, and the longest backoff between them (0.5 + 1 + 2 seconds at most).
READ_ATTEMPTS, READ_BACKOFF = 4, 3.5

SERVICE = '/live_services/%d' % SERVICE_ID
PRICES = '/live_services/service_names'
BALANCE = '/clients/self'
TOKEN_PATH = '/Authorization/OAuth/Token'
STATUS = '/Account/%d/Status' % ACCOUNT_ID
PROFILE_LIST = '/Management/Profile'

Case = namedtuple('Case', 'module args routes words sent within')


def read_deadline(timeout):
    return READ_ATTEMPTS * timeout + READ_BACKOFF


def partner(**options):
    return lambda vendor: vendor.partner_args(**options)


def retailer(**options):
    return lambda vendor: vendor.retailer_args(**options)


def profile_change_answers(then):
    """A profile change that starts (202), then answers every poll with ``then``."""
    def answer(request, count):
        return Answer.json(202, {}) if count == 0 else then
    return answer


def huge_message(size):
    return Answer.json(400, {'error': {'name': 'BadRequest', 'message': 'x' * size}})


INFO = dict(live_service_id=SERVICE_ID, include_costs=False)
REGRADE = dict(live_service_id=SERVICE_ID, tariff_service_name='Outmail1000')
REGRADE_SENT = [('GET', SERVICE), ('GET', PRICES), ('PATCH', SERVICE)]
LOST_WRITE = ['whether it was applied is unknown', 'It was not sent again']

CASES = {
    # Time
    'a read whose answer trickles in': Case(
        'live_service_info', partner(timeout=0.5, **INFO), [('GET', SERVICE + '$', trickle())],
        ['no complete answer within 0.5 seconds (connecting, sending, the answer and all of its body together)'],
        [('GET', SERVICE)] * READ_ATTEMPTS, read_deadline(0.5)),
    'a write whose answer trickles in': Case(
        'live_service_regrade', partner(timeout=0.5, **REGRADE), [('PATCH', SERVICE, trickle())],
        ['could not regrade live service 1', 'no complete answer within 0.5 seconds'] + LOST_WRITE,
        REGRADE_SENT + [('GET', SERVICE), ('GET', BALANCE)], 0.5),
    'a profile change whose polls trickle in': Case(
        'retailer_account', retailer(timeout=2, profile='2', wait_timeout=3, poll_interval=0.5),
        [('PUT', '/Profile/2$', profile_change_answers(trickle()))],
        ['was requested but did not complete within 3 seconds; MailUp may still complete it later'] + LOST_WRITE, None, 3),
    'a profile change request that is never answered': Case(
        'retailer_account', retailer(timeout=1, profile='2', wait_timeout=60), [('PUT', '/Profile/2$', trickle())],
        ['no complete answer within 1.0 seconds', 'MailUp may have started the profile change, which can complete later'] + LOST_WRITE,
        None, 1),
    'the same page for ever': Case(
        'retailer_profile_info', retailer(account=False), [('GET', PROFILE_LIST + r'(\?|$)', same_page_forever(PROFILES))],
        ['stopped reading the list: page 1 repeats page 0 (after 2 items, of 1000000000 the list announces)'],
        [('POST', TOKEN_PATH), ('GET', PROFILE_LIST), ('GET', PROFILE_LIST)], 1),
    'a new page every time, for ever': Case(
        'retailer_profile_info', retailer(account=False), [('GET', PROFILE_LIST + r'(\?|$)', new_page_every_time)],
        ['stopped reading the list: the list did not end after 200 pages (200 items, of 1000000000 the list announces)'],
        [('POST', TOKEN_PATH)] + [('GET', PROFILE_LIST)] * 200, 10),
    'an error page with an unclosed comment': Case(
        'live_service_info', partner(**INFO),
        [('GET', SERVICE + '$', Answer(503, '<html><body><h1>Busy</h1><!--' + 'x' * 131072, content_type='text/html'))],
        ['503 Service Unavailable', 'Busy'], [('GET', SERVICE)] * READ_ATTEMPTS, read_deadline(1)),
    # Size
    'a 20 MB error message': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', huge_message(20 * 1024 * 1024))],
        ['the answer is larger than 4 MiB; it was not read further'], [('GET', SERVICE)], 3),
    'a 1 MB error message': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', huge_message(1024 * 1024))],
        ['400 Bad Request', 'xxx...'], [('GET', SERVICE)], 3),
    # Shapes of the Partner API
    'regrade_servicenames a number': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', Answer.json(200, envelope(live_service(regrade_servicenames=5))))],
        ['the answer is not of the shape the API documents (data.regrade_servicenames should be a list of package names, not 5)'],
        [('GET', SERVICE)], 1),
    'data a list': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', Answer.json(200, envelope([live_service()])))],
        ["(data should be an object, not [{'id': 1"], [('GET', SERVICE)], 1),
    'data a string': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', Answer.json(200, envelope('live service 1')))],
        ["(data should be an object, not 'live service 1')"], [('GET', SERVICE)], 1),
    'data null': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', Answer.json(200, envelope(None)))],
        ['(data should be an object, not None)'], [('GET', SERVICE)], 1),
    'a body that is a bare JSON string': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', Answer.json(200, 'ok'))],
        ['(no "data" in a success envelope: the body is a JSON str)'], [('GET', SERVICE)], 1),
    'JSON nested 100,000 deep': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', deeply_nested())],
        ['the answer is JSON nested too deeply to read'], [('GET', SERVICE)], 1),
    'a price as a word': Case(
        'live_service_regrade', partner(**REGRADE), [('GET', PRICES, Answer.json(200, price_list(credits='ten')))],
        ["(data[0].credits should be a number, not 'ten')", 'Nothing was changed'], REGRADE_SENT[:2], 1),
    'the balance as a word': Case(
        'live_service_regrade', partner(**REGRADE),
        [('GET', PRICES, Answer.json(200, dict(price_list(), meta={'success': True, 'partner_credits': 'plenty'})))],
        ["(meta.partner_credits should be a number, not 'plenty')", 'Nothing was changed'], REGRADE_SENT[:2], 1),
    'a regrade answered 200 with data null': Case(
        'live_service_regrade', partner(**REGRADE), [('PATCH', SERVICE, Answer.json(200, envelope(None)))],
        ['(data should be an object, not None)', 'a read-back shows tariff_service_name=Outmail500'] + LOST_WRITE,
        REGRADE_SENT + [('GET', SERVICE), ('GET', BALANCE)], 1),
    'a list of live services that is an object': Case(
        'live_service_info', partner(product='outmail', client_id=5, include_costs=False),
        [('GET', r'^/live_services\?', Answer.json(200, envelope({'id': 1})))],
        ["(data should be a list, not {'id': 1})"], [('GET', '/live_services')], 1),
    # Shapes of the Retailer API
    'Items a string': Case(
        'retailer_profile_info', retailer(account=False), [('GET', PROFILE_LIST + r'(\?|$)', Answer.json(200, dict(page([]), Items='all')))],
        ["(Items should be a list, not 'all')"], [('POST', TOKEN_PATH), ('GET', PROFILE_LIST)], 1),
    'TotalElementsCount a word': Case(
        'retailer_profile_info', retailer(account=False),
        [('GET', PROFILE_LIST + r'(\?|$)', Answer.json(200, dict(page(PROFILES), TotalElementsCount='abc')))],
        ["(TotalElementsCount should be a number, not 'abc')"], [('POST', TOKEN_PATH), ('GET', PROFILE_LIST)], 1),
    'an account status that is a bare string': Case(
        'retailer_account_info', retailer(), [('GET', STATUS, Answer.json(200, 'Enabled'))],
        ["(the account status should be an object, not 'Enabled')"], [('POST', TOKEN_PATH), ('GET', STATUS)], 1),
    'ActivePacks a string': Case(
        'retailer_pack', retailer(pack_id=3, quantity=4), [('GET', STATUS, Answer.json(200, account_status(ActivePacks='none')))],
        ["(ActivePacks should be a list, not 'none')", 'Nothing was changed'], [('POST', TOKEN_PATH), ('GET', STATUS)], 1),
    'a token answer that is not JSON and holds the token': Case(
        'retailer_account_info', retailer(),
        [('POST', TOKEN_PATH, Answer(200, 'access_token=%s&refresh_token=%s' % (TOKEN, REFRESH_TOKEN), content_type='text/plain'))],
        ['could not obtain an OAuth2 access token', 'the response is not JSON: ', ' characters, not shown'], [('POST', TOKEN_PATH)], 1),
    'a token answer whose token is a number': Case(
        'retailer_account_info', retailer(), [('POST', TOKEN_PATH, Answer.json(200, {'access_token': 12345, 'expires_in': 3600}))],
        ['the token endpoint answered without an access_token'], [('POST', TOKEN_PATH)], 1),
    'a pack write answered 200 with a list': Case(
        'retailer_pack', retailer(pack_id=3, quantity=4), [('POST', '/Pack/3$', Answer.json(200, []))],
        ['(the answer should be an object, not [])', 'a read-back shows quantity=2, as before the write'] + LOST_WRITE,
        [('POST', TOKEN_PATH), ('GET', STATUS), ('GET', PROFILE_LIST + '/1/Pack'), ('POST', '/Account/7/Pack/3'), ('GET', STATUS)], 1),
    'a disable answered 200 with a string': Case(
        'retailer_account', retailer(state='disabled'), [('PUT', r'/Account/7\?', Answer.json(200, 'done'))],
        ["(the answer should be an object, not 'done')", 'a read-back shows'] + LOST_WRITE,
        [('POST', TOKEN_PATH), ('GET', STATUS), ('PUT', '/Account/7'), ('GET', STATUS)], 1),
    # Secrets echoed back
    'a token refusal that quotes the form': Case(
        'retailer_account_info', retailer(), [('POST', TOKEN_PATH, echo(400, 'body'))],
        ['could not obtain an OAuth2 access token', 'cannot handle', 'client_secret=********'], [('POST', TOKEN_PATH)], 1),
    'a refusal that quotes the Basic credentials': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', echo(400, 'headers'))],
        ['400 Bad Request', 'Basic ********'], [('GET', SERVICE)], 1),
    'an error page whose excerpt would cut through the api_key': Case(
        'live_service_info', partner(**INFO), [('GET', SERVICE + '$', page_with_secret_at(185, PARTNER_LOGIN['api_key'], status=400))],
        ['400 Bad Request', 'xxxx********'], [('GET', SERVICE)], 1),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_a_hostile_answer_ends_the_task_in_time_with_a_clear_message(name):
    case = CASES[name]
    with HostileVendor(*case.routes) as vendor:
        args = case.args(vendor)
        with Stopwatch() as stopwatch:
            result = run_module(case.module, args)
        received = vendor.sent()
        started = stopwatch.started
        arrivals = [request.at - started for request in vendor.received]
    message = result.get('msg', '')
    assert result.get('failed') is True, result
    assert 'exception' not in result and 'Traceback' not in message
    for words in case.words:
        assert words in message, (words, message)
    assert stopwatch.seconds <= case.within + MARGIN, stopwatch.seconds
    assert len(json.dumps(result)) <= MAX_RESULT
    for token in (TOKEN, REFRESH_TOKEN):
        assert token not in json.dumps(result)
    assert secret_scan.find_secrets(json.dumps(result)) == []
    if case.sent is not None:
        assert received == case.sent
    else:
        # A wait: nothing is sent after the deadline but the one read-back that tells what the lost write did.
        writes = [spot for spot, (method, _path) in enumerate(received) if method == 'PUT']
        assert writes and received[writes[-1] + 1:] == [('GET', STATUS)]
        assert max(arrivals[spot] for spot in writes) <= case.within + 0.5
        assert ('POST', '/Account/7/Pack/3') not in received


def test_a_secret_with_characters_that_need_escaping_is_masked_in_every_form_the_server_echoes():
    password = 'Pä$$ w0rd&=+/%-7c1e'
    with HostileVendor(('POST', TOKEN_PATH, echo(400, 'body'))) as vendor:
        result = run_module('retailer_account_info', vendor.retailer_args(password=password))
        assert vendor.sent() == [('POST', TOKEN_PATH)]
    text = json.dumps(result)
    assert result['failed'] is True and 'cannot handle' in result['msg'] and 'password=********' in result['msg']
    for form in secret_scan.encoded_forms(password, 'the password'):
        assert form not in text and form not in result['msg'], form


def test_a_url_with_credentials_is_refused_before_any_request_and_kept_out_of_the_result():
    with HostileVendor() as vendor:
        url = vendor.url.replace('http://', 'http://admin:url-pass-3f9a11@')
        result = run_module('retailer_account_info', vendor.retailer_args(api_url=url))
        assert vendor.sent() == []
    assert result['failed'] is True
    assert result['msg'] == ('api_url must not carry credentials (user:password@host): give them in their own options, which are '
                             'never shown; nothing was sent')
    assert 'url-pass-3f9a11' not in json.dumps(result)


@pytest.mark.parametrize('host', ['vendor.localhost', 'localhost.example.com', '127.0.0.1.nip.io'])
def test_plain_http_to_a_name_that_is_not_loopback_by_construction_is_refused(host):
    with HostileVendor() as vendor:
        url = vendor.url.replace('127.0.0.1', host)
        result = run_module('live_service_info', vendor.partner_args(api_url=url, **INFO))
        assert vendor.sent() == []
    assert result['failed'] is True
    assert result['msg'].startswith('api_url %s uses plain http:// to a host that is not loopback' % url)
    assert not result['msg'].startswith('API request failed')


def test_a_balance_read_after_the_regrade_that_is_a_word_leaves_the_regrade_reported_done():
    with HostileVendor(('GET', BALANCE, Answer.json(200, envelope({'partner_credits': 'plenty'})))) as vendor:
        with Stopwatch() as stopwatch:
            result = run_module('live_service_regrade', vendor.partner_args(**REGRADE))
        assert vendor.sent() == REGRADE_SENT + [('GET', BALANCE)]
    assert stopwatch.seconds <= 1 + MARGIN
    assert result['changed'] is True and result.get('failed') is not True
    assert result['credits_balance_after'] is None
    # Warnings are strings in older ansible-core and event records in newer: the words are what counts.
    warnings = json.dumps(result['warnings'])
    assert "data.partner_credits should be a number, not 'plenty'" in warnings and 'so what they cost is not known' in warnings


def test_quoted_numbers_are_read_as_the_numbers():
    prices = price_list()
    prices['data'][1]['credits'] = '12'
    prices['meta']['partner_credits'] = '100'
    with HostileVendor(('GET', PRICES, Answer.json(200, prices))) as vendor:
        result = run_module('live_service_info', vendor.partner_args(live_service_id=SERVICE_ID))
    assert result.get('failed') is not True, result
    assert result['credits_balance'] == 100
    assert result['live_services'][0]['regrade_targets'][0]['credits'] == 12
    assert result['live_services'][0]['regrade_targets'][0]['cost'] == 7
