"""The logins of a retailer's customer account in the emulator (Account/{id}/Login and Account/{id}/Login/{id}), over real HTTP."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from emulator_fixture import RETAILER_LOGIN, account_in

SERVICE = '/API/v1.1/Rest/RetailerService.svc/'
# The one login of a fixture account, derived from it (the fixture's accounts have no Logins).
DERIVED = [{'Id': 230531, 'Username': 'admin.23053'}]
TWO_LOGINS = [{'Id': 7, 'Username': 'owner'}, {'Id': 9, 'Username': 'billing'}]


def token(emulator):
    response = requests.post(emulator.retailer_url + '/Authorization/OAuth/Token', timeout=10, data=dict(
        grant_type='password', client_id=RETAILER_LOGIN['client_id'], client_secret=RETAILER_LOGIN['client_secret'],
        username=RETAILER_LOGIN['username'], password=RETAILER_LOGIN['password']))
    assert response.status_code == 200
    return response.json()['access_token']


def get(emulator, resource, external='cust-23053', **kwargs):
    headers = {'Authorization': 'Bearer ' + token(emulator)}
    if external is not None:
        headers['ExternalUserId'] = external
    return requests.get(emulator.retailer_url + SERVICE + resource, headers=headers, timeout=10, **kwargs)


def assert_mailup_error(response, status, description):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {'ErrorCode', 'ErrorDescription', 'ErrorName', 'ErrorStack'}
    assert (body['ErrorCode'], body['ErrorDescription'], body['ErrorStack']) == (str(status), description, None)


def give_logins(emulator, account_id, logins):
    with emulator.edit_state() as state:
        account_in(state, account_id)['Logins'] = logins


def test_an_account_without_logins_has_one_derived_from_it_in_the_paginated_envelope(emulator):
    response = get(emulator, 'Account/23053/Login')
    assert response.status_code == 200
    assert response.json() == {'IsPaginated': False, 'Items': DERIVED, 'PageNumber': 0, 'PageSize': 20, 'Skipped': 0,
                               'TotalElementsCount': 1}


def test_the_list_pages_as_every_other_list(emulator):
    give_logins(emulator, 23053, TWO_LOGINS)
    body = get(emulator, 'Account/23053/Login', params={'PageSize': 1, 'PageNumber': 1}).json()
    assert (body['IsPaginated'], body['Items'], body['TotalElementsCount'], body['Skipped']) == (True, TWO_LOGINS[1:], 2, 1)


def test_the_array_form_answers_a_plain_json_array(emulator):
    give_logins(emulator, 23053, TWO_LOGINS)
    emulator.configure(login_list_form='array')
    response = get(emulator, 'Account/23053/Login', params={'PageSize': 1, 'PageNumber': 0})
    assert response.status_code == 200 and response.json() == TWO_LOGINS
    assert get(emulator, 'Account/23054/Login', external='cust-23054').json() == [{'Id': 230541, 'Username': 'admin.23054'}]


def test_the_url_is_a_json_string_with_a_fresh_code_on_every_call(emulator):
    first = get(emulator, 'Account/23053/Login/230531')
    second = get(emulator, 'Account/23053/Login/230531')
    assert first.status_code == second.status_code == 200
    assert first.headers['Content-Type'].startswith('application/json')
    # The slashes escaped, as MailUp's example shows them.
    assert first.text.startswith('"http:\\/\\/127.0.0.1:')
    urls = [json.loads(response.text) for response in (first, second)]
    assert all(isinstance(url, str) for url in urls)
    parts = [urlsplit(url) for url in urls]
    assert all(part.path == '/Console/Login.aspx' and part.netloc == urlsplit(emulator.url).netloc for part in parts)
    codes = [parse_qs(part.query)['Code'] for part in parts]
    assert all(len(code) == 1 and len(code[0]) >= 20 for code in codes)
    assert codes[0] != codes[1]


def test_the_url_of_a_login_given_in_the_account(emulator):
    give_logins(emulator, 23053, TWO_LOGINS)
    assert get(emulator, 'Account/23053/Login/9').status_code == 200
    # The derived login is no longer one of the account's.
    assert_mailup_error(get(emulator, 'Account/23053/Login/230531'), 404, 'Login 230531 not found')


@pytest.mark.parametrize('login_id', ['230541', '12', 'abc', '-1'])
def test_an_unknown_login_is_404(emulator, login_id):
    assert_mailup_error(get(emulator, 'Account/23053/Login/' + login_id), 404, 'Login %s not found' % login_id)


def test_an_unknown_account_is_404_or_403_by_switch(emulator):
    assert_mailup_error(get(emulator, 'Account/99999/Login'), 404, 'Account 99999 not found')
    assert_mailup_error(get(emulator, 'Account/99999/Login/999991'), 404, 'Account 99999 not found')
    emulator.configure(missing_account_status=403)
    assert_mailup_error(get(emulator, 'Account/99999/Login'), 403, 'You cannot access the provided account.')


@pytest.mark.parametrize('resource', ['Account/23053/Login', 'Account/23053/Login/230531'])
@pytest.mark.parametrize('external', [None, ''])
def test_missing_external_user_id_400(emulator, resource, external):
    assert_mailup_error(get(emulator, resource, external=external), 400, 'Invalid ExternalUserId.')


def test_strict_external_user_id(emulator):
    emulator.configure(external_user_id_strict=True)
    assert_mailup_error(get(emulator, 'Account/23053/Login', external='cust-23054'), 400, 'Invalid ExternalUserId.')
    assert get(emulator, 'Account/23053/Login').status_code == 200


def test_other_methods_405(emulator):
    response = requests.post(emulator.retailer_url + SERVICE + 'Account/23053/Login', timeout=10,
                             headers={'Authorization': 'Bearer ' + token(emulator), 'ExternalUserId': 'cust-23053'})
    assert response.status_code == 405 and response.headers['Allow'] == 'GET'
