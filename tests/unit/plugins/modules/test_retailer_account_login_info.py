# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.retailer_account_login_info run in-process against the emulator (real HTTP), and once in ansible-playbook."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import RETAILER_LOGIN, account_in, retailer_account_args
from hostile_vendor import ACCOUNT_ID, HostileVendor, page
from modrun import run_module
from scripted_server import Answer

from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi

MODULE = 'retailer_account_login_info'
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'
# The one login of a fixture account (it has no Logins: the emulator derives one, see its README).
ONLY_LOGIN = {'id': 230531, 'username': 'admin.23053'}
TWO_LOGINS = [{'Id': 7, 'Username': 'owner'}, {'Id': 9, 'Username': 'billing'}]
CONSOLE_URL = 'https://console.mailup.example/Console/Login.aspx?Code='


def info(emu, account_id=23053, **options):
    return run_module(MODULE, retailer_account_args(emu, account_id, **options))


def give_logins(emu, logins, account_id=23053):
    with emu.edit_state() as state:
        account_in(state, account_id)['Logins'] = logins
    emu.clear_requests()


def retailer_calls(emu):
    """(path below the service, query) of every Retailer API request the emulator received (the token's left out)."""
    return [(entry['path'].split(SERVICE, 1)[1], entry['query']) for entry in emu.requests(api='retailer')]


def code_of(url):
    return parse_qs(urlsplit(url).query)['Code'][0]


def without_url(result):
    return dict((key, value) for key, value in result.items() if key != 'login_url')


def warning_texts(result):
    return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]


# The list


def test_lists_the_logins_with_one_get_at_the_default_page_size(emulator):
    result = info(emulator)
    assert result.get('failed') is not True, result
    assert (result['changed'], result['exists'], result['logins']) == (False, True, [ONLY_LOGIN])
    assert 'login_url' not in result and 'login_id' not in result and 'warnings' not in result
    assert [(entry['method'], entry['api']) for entry in emulator.requests()] == [('POST', 'oauth'), ('GET', 'retailer')]
    [(path, query)] = retailer_calls(emulator)
    assert path == 'Account/23053/Login' and query['PageSize'] == '50' and query['PageNumber'] == '0'
    assert emulator.writes() == []


def test_lists_the_logins_the_account_has_in_their_order(emulator):
    give_logins(emulator, list(reversed(TWO_LOGINS)))
    assert info(emulator)['logins'] == [{'id': 9, 'username': 'billing'}, {'id': 7, 'username': 'owner'}]


@pytest.mark.parametrize('form, gets', [('paginated', 3), ('array', 1)])
def test_every_page_is_read_and_a_plain_array_is_the_whole_list(emulator, form, gets):
    logins = [{'Id': number, 'Username': 'user-%d' % number} for number in range(1, 121)]
    give_logins(emulator, logins)
    emulator.configure(login_list_form=form)
    result = info(emulator)
    assert result['logins'] == [{'id': login['Id'], 'username': login['Username']} for login in logins]
    assert [path for path, _query in retailer_calls(emulator)] == ['Account/23053/Login'] * gets


def test_the_array_form(emulator):
    emulator.configure(login_list_form='array')
    result = info(emulator)
    assert (result['exists'], result['logins']) == (True, [ONLY_LOGIN])
    url = info(emulator, login_url=True, _ansible_no_log=True)
    assert url['login_url'].startswith(emulator.url + '/Console/Login.aspx?Code=')


@pytest.mark.parametrize('status', [404, 403])
def test_a_missing_account_does_not_exist_and_no_url_is_asked_for(emulator, status):
    emulator.configure(missing_account_status=status)
    result = info(emulator, 99999, login_url=True)
    assert result.get('failed') is not True, result
    assert (result['exists'], result['logins']) == (False, [])
    assert 'login_url' not in result and 'warnings' not in result
    assert [path for path, _query in retailer_calls(emulator)] == ['Account/99999/Login']


def test_another_failure_of_the_list_fails_the_task(emulator):
    emulator.add_fault('status', route='/Account/23053/Login', status=500, count=10)
    result = info(emulator, timeout=2)
    assert result['failed'] is True and 'reading the logins of the account 23053 failed' in result['msg'] and '500' in result['msg']
    for secret in (RETAILER_LOGIN['client_secret'], RETAILER_LOGIN['password']):
        assert secret not in json.dumps(result)


# The URL


def test_the_url_of_a_given_login_costs_one_get_more(emulator):
    give_logins(emulator, TWO_LOGINS)
    result = info(emulator, login_url=True, login_id=9)
    assert result.get('failed') is not True, result
    assert result['login_id'] == 9 and result['login_url'].startswith(emulator.url + '/Console/Login.aspx?Code=')
    assert [path for path, _query in retailer_calls(emulator)] == ['Account/23053/Login', 'Account/23053/Login/9']
    assert len(emulator.requests()) == 3 and emulator.writes() == []


def test_the_url_of_the_only_login(emulator):
    first = info(emulator, login_url=True)
    second = info(emulator, login_url=True)
    assert first['login_id'] == second['login_id'] == ONLY_LOGIN['id']
    # A one-time URL: every run gets a new one.
    assert code_of(first['login_url']) != code_of(second['login_url'])
    assert [path for path, _query in retailer_calls(emulator)] == ['Account/23053/Login', 'Account/23053/Login/230531'] * 2


def test_several_logins_and_no_login_id_is_refused_before_any_url(emulator):
    give_logins(emulator, TWO_LOGINS)
    result = info(emulator, login_url=True)
    assert result['failed'] is True
    assert 'account 23053 has 2 logins (ids 7, 9)' in result['msg'] and 'login_id' in result['msg']
    assert result['logins'] == [{'id': 7, 'username': 'owner'}, {'id': 9, 'username': 'billing'}]
    assert [path for path, _query in retailer_calls(emulator)] == ['Account/23053/Login']


@pytest.mark.parametrize('logins, login_id, words', [
    (TWO_LOGINS, 8, 'account 23053 has no login 8 (its logins: 7, 9)'),
    ([], None, 'account 23053 has no login;'),
    ([], 7, 'account 23053 has no login 7 (its logins: none)'),
])
def test_no_url_is_asked_for_a_login_the_account_does_not_have(emulator, logins, login_id, words):
    give_logins(emulator, logins)
    result = info(emulator, login_url=True, login_id=login_id)
    assert result['failed'] is True and words in result['msg'], result['msg']
    assert [path for path, _query in retailer_calls(emulator)] == ['Account/23053/Login']


@pytest.mark.parametrize('options, words', [
    ({'login_url': True, 'login_id': 0}, 'login_id must be a positive integer, not 0'),
    ({'login_url': True, 'login_id': -4}, 'login_id must be a positive integer, not -4'),
    ({'login_id': 230531}, 'set login_url=true as well'),
])
def test_refused_before_any_request(emulator, options, words):
    result = info(emulator, **options)
    assert result['failed'] is True and words in result['msg'], result['msg']
    assert emulator.requests() == []


# The URL is a secret


def test_the_url_shows_only_under_login_url(emulator):
    result = info(emulator, login_url=True)
    url = result['login_url']
    code = code_of(url)
    rest = json.dumps(without_url(result))
    assert code not in rest and url not in rest
    assert code not in json.dumps(result['invocation'])
    # Run without no_log, the task is warned, in words that do not hold the URL.
    [warning] = warning_texts(result)
    assert 'no_log' in warning and code not in warning


def test_no_warning_when_the_task_runs_with_no_log(emulator):
    result = info(emulator, login_url=True, _ansible_no_log=True)
    assert result['login_url'] and 'warnings' not in result


def test_no_warning_when_no_url_is_asked_for(emulator):
    assert 'warnings' not in info(emulator)


def hostile_vendor(url_answer):
    return HostileVendor(('GET', r'/Account/%d/Login/5' % ACCOUNT_ID, url_answer),
                         ('GET', r'/Account/%d/Login(\?|$)' % ACCOUNT_ID, Answer.json(200, page([{'Id': 5, 'Username': 'owner'}]))))


SECRET_URL = CONSOLE_URL + 'Hx7kQ2vRb9TtYw4LmZpA1cEe'


@pytest.mark.parametrize('answer, words', [
    (Answer(200, SECRET_URL.encode(), content_type='text/plain'), 'not shown'),
    (Answer(200, ('"' + SECRET_URL).encode()), 'not shown'),
    (Answer.json(200, {'Url': SECRET_URL}), 'should be a non-empty string, not an object'),
    (Answer.json(200, [SECRET_URL]), 'should be a non-empty string, not a list'),
    (Answer.json(200, '  '), 'should be a non-empty string, not an empty one'),
    # The client reads a JSON null as no JSON answer.
    (Answer.json(200, None), 'not shown'),
    (Answer.json(200, 42), 'should be a non-empty string, not a number'),
    (Answer.json(201, SECRET_URL), 'HTTP 201 instead of 200'),
    (Answer.json(203, SECRET_URL), 'HTTP 203 instead of 200'),
], ids=['text', 'broken JSON', 'object', 'list', 'blank', 'null', 'number', '201', '203'])
def test_a_url_answer_that_cannot_be_read_is_never_quoted(answer, words):
    with hostile_vendor(answer) as vendor:
        result = run_module(MODULE, vendor.retailer_args(login_url=True, _ansible_no_log=True))
        sent = vendor.sent()
    assert result['failed'] is True and 'reading the login URL of login 5 of the account 7 failed' in result['msg']
    assert words in result['msg'], result['msg']
    shown = json.dumps(result)
    assert code_of(SECRET_URL) not in shown and 'console.mailup.example' not in shown
    assert 'login_url' not in result and result['logins'] == [{'id': 5, 'username': 'owner'}]
    assert sent[-2:] == [('GET', '/Account/7/Login'), ('GET', '/Account/7/Login/5')]


def test_the_url_is_masked_in_every_later_error(emulator):
    api = RetailerApi(emulator.retailer_url, RETAILER_LOGIN['client_id'], RETAILER_LOGIN['client_secret'],
                      RETAILER_LOGIN['username'], RETAILER_LOGIN['password'], rate_limit=0)
    url = api.login_url(23053, 'cust-23053', 230531)
    code = code_of(url)
    assert url.startswith(emulator.url + '/Console/Login.aspx?Code=')
    error = api.client.error('GET', url, message='the vendor echoed %s and %s' % (url, code), vendor_message=code)
    assert code not in str(error) and code not in json.dumps(error.to_dict())
    assert api.account_logins(23053, 'cust-23053')[0].as_result() == ONLY_LOGIN
    assert api.observed['login_list'] == 'paginated'
    emulator.configure(login_list_form='array')
    api.account_logins(23053, 'cust-23053')
    assert api.observed['login_list'] == 'array'


# The property


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    logins=st.lists(st.integers(min_value=1, max_value=10 ** 9), max_size=4, unique=True).map(
        lambda ids: [{'Id': number, 'Username': 'user-%d' % number} for number in ids]),
    form=st.sampled_from(['paginated', 'array']),
    ask=st.booleans(),
    pick=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    exists=st.booleans(),
)
def test_property_it_reports_the_stored_logins_and_asks_for_a_url_only_when_one_login_is_chosen(emulator, logins, form, ask, pick, exists):
    emulator.reset()
    with emulator.edit_state() as state:
        entry = account_in(state, 23053)
        entry['Logins'] = logins
        if not exists:
            state['retailer']['accounts'].remove(entry)
    emulator.configure(login_list_form=form)
    emulator.clear_requests()
    # pick indexes the logins; past their end it names a login the account does not have.
    login_id = None if pick is None else (logins[pick]['Id'] if pick < len(logins) else 999999999 + pick)

    result = info(emulator, login_url=ask, login_id=login_id if ask else None, _ansible_no_log=True)

    paths = [path for path, _query in retailer_calls(emulator)]
    assert result['exists'] is exists and result['changed'] is False
    assert result['logins'] == ([{'id': login['Id'], 'username': login['Username']} for login in logins] if exists else [])
    chosen = login_id if login_id is not None else (logins[0]['Id'] if len(logins) == 1 else None)
    fetched = ask and exists and chosen is not None and chosen in [login['Id'] for login in logins]
    assert paths == ['Account/23053/Login'] + (['Account/23053/Login/%d' % chosen] if fetched else [])
    if fetched:
        assert result.get('failed') is not True and result['login_id'] == chosen
        assert result['login_url'].startswith(emulator.url + '/Console/Login.aspx?Code=')
    else:
        assert 'login_url' not in result
        assert result.get('failed') is (True if ask and exists else None), result
    assert emulator.writes() == []
