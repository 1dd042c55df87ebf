"""The Retailer API and OAuth endpoint of the emulator, over real HTTP."""

import time

import pytest
import requests

from emulator_fixture import RETAILER_LOGIN

SERVICE = '/API/v1.1/Rest/RetailerService.svc/'
CLIENT = (RETAILER_LOGIN['client_id'], RETAILER_LOGIN['client_secret'])
USER = {'username': RETAILER_LOGIN['username'], 'password': RETAILER_LOGIN['password']}
SEED_PROFILES = {
    'IsPaginated': False,
    'Items': [
        {'ClientCode': 1, 'Description': 'Trial', 'Id': 1046, 'Name': 'Trial'},
        {'ClientCode': 2, 'Description': 'Economy', 'Id': 1047, 'Name': 'Economy'},
        {'ClientCode': 3, 'Description': 'Premium', 'Id': 1048, 'Name': 'Premium'},
    ],
    'PageNumber': 0,
    'PageSize': 20,
    'Skipped': 0,
    'TotalElementsCount': 3,
}


def token_request(emulator, **form):
    return requests.post(emulator.retailer_url + '/Authorization/OAuth/Token', data=form, timeout=10)


def login(emulator):
    response = token_request(emulator, grant_type='password', client_id=CLIENT[0], client_secret=CLIENT[1], **USER)
    assert response.status_code == 200
    return response.json()


def call(emulator, method, resource, token=None, external='cust-23053', **kwargs):
    headers = kwargs.pop('headers', {})
    if token is None:
        token = login(emulator)['access_token']
    if token:
        headers['Authorization'] = 'Bearer ' + token
    if external is not None:
        headers['ExternalUserId'] = external
    return requests.request(method, emulator.retailer_url + SERVICE + resource, headers=headers, timeout=10, **kwargs)


def assert_mailup_error(response, status, description=None):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {'ErrorCode', 'ErrorDescription', 'ErrorName', 'ErrorStack'}
    assert body['ErrorCode'] == str(status) and body['ErrorStack'] is None
    if description is not None:
        assert body['ErrorDescription'] == description
    return body


# OAuth


def test_password_grant_and_refresh_rotation(emulator):
    tokens = login(emulator)
    assert set(tokens) == {'access_token', 'expires_in', 'refresh_token'} and tokens['expires_in'] == 3600
    refreshed = token_request(emulator, grant_type='refresh_token', client_id=CLIENT[0], client_secret=CLIENT[1],
                              refresh_token=tokens['refresh_token'])
    assert refreshed.status_code == 200
    assert refreshed.json()['refresh_token'] != tokens['refresh_token']
    assert call(emulator, 'GET', 'Management/Profile', token=refreshed.json()['access_token']).status_code == 200
    # The used refresh token is gone (rotation).
    again = token_request(emulator, grant_type='refresh_token', client_id=CLIENT[0], client_secret=CLIENT[1],
                          refresh_token=tokens['refresh_token'])
    assert_mailup_error(again, 400)


def test_basic_header_client_credentials(emulator):
    response = requests.post(emulator.retailer_url + '/Authorization/OAuth/Token', auth=CLIENT,
                             data=dict(grant_type='password', **USER), timeout=10)
    assert response.status_code == 200 and response.json()['access_token']


def test_bad_token_requests(emulator):
    client = {'client_id': CLIENT[0], 'client_secret': CLIENT[1]}
    bad_client = dict(USER, grant_type='password', client_id=CLIENT[0], client_secret='x')
    assert_mailup_error(token_request(emulator, **bad_client), 401)
    bad_user = dict(client, grant_type='password', username=USER['username'], password='nope')
    assert_mailup_error(token_request(emulator, **bad_user), 400)
    assert_mailup_error(token_request(emulator, grant_type='magic', **client), 400)


def test_missing_and_invalid_bearer_401(emulator):
    assert_mailup_error(call(emulator, 'GET', 'Management/Profile', token=''), 401)
    assert_mailup_error(call(emulator, 'GET', 'Management/Profile', token='forged'), 401)


EXPIRED = {'ErrorCode': '401', 'ErrorDescription': 'Authorization error: Access token is expired',
           'ErrorName': 'Unauthorized', 'ErrorStack': None}


def test_expire_tokens(emulator):
    token = login(emulator)['access_token']
    assert call(emulator, 'GET', 'Management/Profile', token=token).status_code == 200
    emulator.expire_tokens()
    response = call(emulator, 'GET', 'Management/Profile', token=token)
    assert response.status_code == 401 and response.json() == EXPIRED


def test_short_token_lifetime(emulator):
    emulator.configure(token_lifetime=0.2)
    tokens = login(emulator)
    assert tokens['expires_in'] == 0.2
    assert call(emulator, 'GET', 'Management/Profile', token=tokens['access_token']).status_code == 200
    time.sleep(0.3)
    response = call(emulator, 'GET', 'Management/Profile', token=tokens['access_token'])
    assert response.status_code == 401 and response.json() == EXPIRED


# Management


def test_profile_list_is_the_seed_example(emulator):
    response = call(emulator, 'GET', 'Management/Profile', external=None)
    assert response.status_code == 200
    assert response.json() == SEED_PROFILES
    assert list(response.json()) == list(SEED_PROFILES)
    assert list(response.json()['Items'][0]) == ['ClientCode', 'Description', 'Id', 'Name']


@pytest.mark.parametrize('params, expected_ids, paginated, number, size, skipped', [
    ({'PageSize': 2}, [1046, 1047], True, 0, 2, 0),
    ({'PageSize': 2, 'PageNumber': 1}, [1048], True, 1, 2, 2),
    ({'PageNumber': 0}, [1046, 1047, 1048], True, 0, 20, 0),
    ({'PageSize': 2, 'PageNumber': 5}, [], True, 5, 2, 10),
])
def test_profile_paging_parameters(emulator, params, expected_ids, paginated, number, size, skipped):
    body = call(emulator, 'GET', 'Management/Profile', params=params).json()
    assert [item['Id'] for item in body['Items']] == expected_ids
    envelope = (body['IsPaginated'], body['PageNumber'], body['PageSize'], body['Skipped'], body['TotalElementsCount'])
    assert envelope == (paginated, number, size, skipped, 3)


def test_paging_many_profiles_both_modes(emulator):
    emulator.reset(fixture='many_profiles')
    body = call(emulator, 'GET', 'Management/Profile').json()
    assert body['IsPaginated'] is False and len(body['Items']) == 47 and body['TotalElementsCount'] == 47
    body = call(emulator, 'GET', 'Management/Profile', params={'PageNumber': 2}).json()
    assert body['IsPaginated'] is True and [i['Id'] for i in body['Items']] == list(range(2041, 2048))
    assert body['Skipped'] == 40
    emulator.configure(paging_mode='total')
    body = call(emulator, 'GET', 'Management/Profile').json()
    assert body['IsPaginated'] is True and [i['Id'] for i in body['Items']] == list(range(2001, 2021))
    assert (body['PageNumber'], body['PageSize'], body['Skipped'], body['TotalElementsCount']) == (0, 20, 0, 47)
    emulator.reset()
    assert call(emulator, 'GET', 'Management/Profile').json()['IsPaginated'] is False


def test_paging_total_mode_small_list(emulator):
    emulator.configure(paging_mode='total')
    body = call(emulator, 'GET', 'Management/Profile', params={'PageSize': 2}).json()
    assert body['IsPaginated'] is True and len(body['Items']) == 2
    assert call(emulator, 'GET', 'Management/Profile').json() == SEED_PROFILES


def test_bad_paging_400(emulator):
    assert_mailup_error(call(emulator, 'GET', 'Management/Profile', params={'PageSize': 'x'}), 400)


def test_packs_of_profile(emulator):
    body = call(emulator, 'GET', 'Management/Profile/1048/Pack', external=None).json()
    assert body['IsPaginated'] is False and body['TotalElementsCount'] == len(body['Items'])
    ids = [item['Id'] for item in body['Items']]
    assert ids == [534, 535, 536, 537, 538, 539]
    assert all(set(item) == {'Id', 'Name', 'Description', 'Min', 'Max'} for item in body['Items'])
    trial = call(emulator, 'GET', 'Management/Profile/1046/Pack').json()['Items']
    assert 539 not in [item['Id'] for item in trial]
    assert max(item['Max'] for item in trial) < max(item['Max'] for item in body['Items'])
    page = call(emulator, 'GET', 'Management/Profile/1048/Pack', params={'PageSize': 4, 'PageNumber': 1}).json()
    assert [item['Id'] for item in page['Items']] == [538, 539] and page['Skipped'] == 4


@pytest.mark.parametrize('profile', ['9999', 'abc'])
def test_packs_of_unknown_profile_403(emulator, profile):
    assert_mailup_error(call(emulator, 'GET', 'Management/Profile/%s/Pack' % profile), 403,
                        'You cannot access the provided profile.')


# Accounts


def test_account_status_example(emulator):
    response = call(emulator, 'GET', 'Account/23053/Status')
    assert response.status_code == 200
    assert response.json() == {
        'Code': 0, 'Description': 'Enabled',
        'ActivePacks': [{'CurrentQuantity': 0, 'Id': i, 'Quantity': 0} for i in range(534, 539)],
        'Credits': 300, 'IdAccount': 23053, 'IdProfile': 1048,
        'ValidFrom': '2015-10-14 22:00:00Z', 'ValidTo': '2016-10-14 22:00:00Z'}
    disabled = call(emulator, 'GET', 'Account/23054/Status', external='cust-23054').json()
    assert (disabled['Code'], disabled['Description'], disabled['IdProfile']) == (1, 'Disabled', 1046)
    other = call(emulator, 'GET', 'Account/23055/Status', external='cust-23055').json()
    assert other['IdProfile'] == 1047 and any(pack['Quantity'] > 0 for pack in other['ActivePacks'])


@pytest.mark.parametrize('method, resource', [
    ('GET', 'Account/23053/Status'), ('PUT', 'Account/23053?Enable=true'), ('DELETE', 'Account/23053'),
    ('PUT', 'Account/23053/Profile/1047'), ('POST', 'Account/23053/Pack/534'), ('POST', 'Account'),
    ('GET', 'Account/Activation/987/Status')])
@pytest.mark.parametrize('external', [None, ''])
def test_missing_external_user_id_400(emulator, method, resource, external):
    response = call(emulator, method, resource, external=external, json={'Quantity': 1, 'WorkMode': 'absolute'})
    assert_mailup_error(response, 400, 'Invalid ExternalUserId.')
    assert emulator.snapshot()['retailer']['accounts'][0]['IdAccount'] == 23053


def test_external_user_id_query_switch(emulator):
    resource = 'Account/23053/Status?ExternalUserId=cust-23053'
    assert_mailup_error(call(emulator, 'GET', resource, external=None), 400, 'Invalid ExternalUserId.')
    emulator.configure(external_user_id_in_query=True)
    assert call(emulator, 'GET', resource, external=None).status_code == 200


def test_external_user_id_strict_switch(emulator):
    assert call(emulator, 'GET', 'Account/23053/Status', external='anything').status_code == 200
    emulator.configure(external_user_id_strict=True)
    assert_mailup_error(call(emulator, 'GET', 'Account/23053/Status', external='anything'), 400, 'Invalid ExternalUserId.')
    assert call(emulator, 'GET', 'Account/23053/Status', external='cust-23053').status_code == 200


def test_enable_disable(emulator):
    response = call(emulator, 'PUT', 'Account/23053', params={'Enable': 'false'})
    assert response.status_code == 200
    assert response.json() == {'Code': 1, 'Description': 'Deactivated', 'ValidFrom': '2015-10-14 22:00:00Z',
                               'ValidTo': '2016-10-14 22:00:00Z'}
    assert call(emulator, 'GET', 'Account/23053/Status').json()['Code'] == 1
    response = call(emulator, 'PUT', 'Account/23053', params={'Enable': 'true'})
    assert response.status_code == 200 and response.json()['Code'] == 0 and response.json()['Description'] == 'Active'
    bare = call(emulator, 'PUT', 'Account/23053')
    assert bare.status_code == 200 and bare.json()['Code'] == 1
    assert_mailup_error(call(emulator, 'PUT', 'Account/23053', params={'Enable': 'maybe'}), 400)


def test_delete_then_404(emulator):
    assert call(emulator, 'DELETE', 'Account/23053').status_code == 200
    assert_mailup_error(call(emulator, 'GET', 'Account/23053/Status'), 404)
    assert_mailup_error(call(emulator, 'DELETE', 'Account/23053'), 404)
    assert_mailup_error(call(emulator, 'GET', 'Account/99999/Status'), 404)
    assert 23053 not in [a['IdAccount'] for a in emulator.snapshot()['retailer']['accounts']]


def test_profile_change_async(emulator):
    token = login(emulator)['access_token']
    first = call(emulator, 'PUT', 'Account/23053/Profile/1047', token=token)
    assert first.status_code == 202
    assert emulator.snapshot()['retailer']['accounts'][0]['IdProfile'] == 1048
    done = call(emulator, 'PUT', 'Account/23053/Profile/1047', token=token)
    assert done.status_code == 200
    assert call(emulator, 'GET', 'Account/23053/Status', token=token).json()['IdProfile'] == 1047
    # Already on the profile: 200 at once.
    assert call(emulator, 'PUT', 'Account/23053/Profile/1047', token=token).status_code == 200


def test_profile_change_with_delay_and_201(emulator):
    emulator.configure(profile_change_delay=0.3, profile_change_progress_status=201)
    token = login(emulator)['access_token']
    statuses = [call(emulator, 'PUT', 'Account/23053/Profile/1046', token=token).status_code for _index in range(3)]
    assert statuses == [201, 201, 201]
    time.sleep(0.35)
    assert call(emulator, 'PUT', 'Account/23053/Profile/1046', token=token).status_code == 200
    status = call(emulator, 'GET', 'Account/23053/Status', token=token).json()
    assert status['IdProfile'] == 1046 and [p['Id'] for p in status['ActivePacks']] == [534, 535, 537]


def test_profile_change_failure(emulator):
    emulator.configure(profile_change_outcome='fail')
    token = login(emulator)['access_token']
    assert call(emulator, 'PUT', 'Account/23053/Profile/1047', token=token).status_code == 202
    assert_mailup_error(call(emulator, 'PUT', 'Account/23053/Profile/1047', token=token), 500)
    assert emulator.snapshot()['retailer']['accounts'][0]['IdProfile'] == 1048


def test_profile_change_unknown_profile_403(emulator):
    assert_mailup_error(call(emulator, 'PUT', 'Account/23053/Profile/4242'), 403, 'You cannot access the provided profile.')


def pack_post(emulator, pack, body, account='23053', external='cust-23053'):
    return call(emulator, 'POST', 'Account/%s/Pack/%s' % (account, pack), external=external, json=body)


def test_add_pack_absolute_and_incremental(emulator):
    response = pack_post(emulator, 534, {'Quantity': 4, 'WorkMode': 'absolute'})
    assert response.status_code == 200 and response.json() == {'Code': 0, 'Description': 'Ok'}
    response = pack_post(emulator, 534, {'Quantity': -1, 'WorkMode': 'incremental'})
    assert response.status_code == 200
    packs = {p['Id']: p for p in call(emulator, 'GET', 'Account/23053/Status').json()['ActivePacks']}
    assert packs[534] == {'CurrentQuantity': 3, 'Id': 534, 'Quantity': 3}
    assert pack_post(emulator, 539, {'Quantity': 2, 'WorkMode': 'Absolute'}).status_code == 200
    packs = {p['Id']: p for p in call(emulator, 'GET', 'Account/23053/Status').json()['ActivePacks']}
    assert packs[539]['Quantity'] == 2


@pytest.mark.parametrize('pack, body, code, description', [
    (534, {'Quantity': 51, 'WorkMode': 'absolute'}, 1, 'Quantity limits exceeded'),
    (534, {'Quantity': -1, 'WorkMode': 'incremental'}, 1, 'Quantity limits exceeded'),
    (999, {'Quantity': 1, 'WorkMode': 'absolute'}, 2, 'Profile rules error'),
    (534, {'Quantity': -2, 'WorkMode': 'absolute'}, 3, 'Invalid quantity'),
    (534, {'Quantity': 1.5, 'WorkMode': 'absolute'}, 3, 'Invalid quantity'),
    (534, {'Quantity': '2', 'WorkMode': 'incremental'}, 3, 'Invalid quantity'),
    (534, {'Quantity': 1, 'WorkMode': 'replace'}, 4, 'Invalid workmode'),
    (534, {'Quantity': 1}, 4, 'Invalid workmode'),
])
def test_add_pack_rejections_403(emulator, pack, body, code, description):
    before = emulator.snapshot()
    response = pack_post(emulator, pack, body)
    assert response.status_code == 403
    assert response.json() == {'Code': code, 'Description': description}
    assert emulator.snapshot() == before


def test_add_pack_not_in_profile_code_2(emulator):
    # 536 (SMS) is not part of the Trial profile of account 23054.
    response = pack_post(emulator, 536, {'Quantity': 1, 'WorkMode': 'absolute'}, account='23054', external='cust-23054')
    assert response.status_code == 403 and response.json() == {'Code': 2, 'Description': 'Profile rules error'}


def test_pack_propagation_delay(emulator):
    emulator.configure(pack_propagation_delay=0.2)
    assert pack_post(emulator, 535, {'Quantity': 2, 'WorkMode': 'absolute'}).status_code == 200
    packs = {p['Id']: p for p in call(emulator, 'GET', 'Account/23053/Status').json()['ActivePacks']}
    assert (packs[535]['Quantity'], packs[535]['CurrentQuantity']) == (2, 0)
    time.sleep(0.25)
    packs = {p['Id']: p for p in call(emulator, 'GET', 'Account/23053/Status').json()['ActivePacks']}
    assert (packs[535]['Quantity'], packs[535]['CurrentQuantity']) == (2, 2)


def test_account_creation(emulator):
    emulator.configure(activation_delay=0.2)
    token = login(emulator)['access_token']
    created = call(emulator, 'POST', 'Account', token=token, external='cust-new', json={'IdProfile': 1047, 'Language': 'EN'})
    assert created.status_code == 200
    activation = created.json()['IdActivation']
    status = call(emulator, 'GET', 'Account/Activation/%d/Status' % activation, token=token, external='cust-new')
    assert status.status_code == 202 and status.json() == {'Code': 1, 'Description': 'Processing', 'IdAccount': 0}
    time.sleep(0.25)
    status = call(emulator, 'GET', 'Account/Activation/%d/Status' % activation, token=token, external='cust-new')
    assert status.status_code == 200 and status.json()['Code'] == 0 and status.json()['Description'] == 'Ok'
    account_id = status.json()['IdAccount']
    assert account_id > 23055
    again = call(emulator, 'GET', 'Account/Activation/%d/Status' % activation, token=token, external='cust-new')
    assert again.json()['IdAccount'] == account_id
    emulator.configure(external_user_id_strict=True)
    account = call(emulator, 'GET', 'Account/%d/Status' % account_id, token=token, external='cust-new').json()
    assert account['IdProfile'] == 1047 and account['Code'] == 0
    assert_mailup_error(call(emulator, 'GET', 'Account/%d/Status' % account_id, token=token, external='cust-23053'), 400)


def test_account_creation_201_and_errors(emulator):
    emulator.configure(activation_delay=5, activation_progress_status=201)
    activation = call(emulator, 'POST', 'Account', external='cust-x', json={'IdProfile': 1046}).json()['IdActivation']
    assert call(emulator, 'GET', 'Account/Activation/%d/Status' % activation, external='cust-x').status_code == 201
    assert_mailup_error(call(emulator, 'GET', 'Account/Activation/abc/Status'), 400, 'Invalid activation.')
    unknown = call(emulator, 'GET', 'Account/Activation/5/Status')
    assert unknown.status_code == 403 and unknown.json()['Code'] == -1
    assert_mailup_error(call(emulator, 'POST', 'Account', json={'IdProfile': 4242}), 403)


def test_rate_limit_switch(emulator):
    token = login(emulator)['access_token']
    statuses = [call(emulator, 'GET', 'Management/Profile', token=token).status_code for _index in range(7)]
    assert statuses == [200] * 7
    emulator.configure(rate_limit=True, rate_limit_per_second=3)
    responses = [call(emulator, 'GET', 'Management/Profile', token=token) for _index in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    body = assert_mailup_error(responses[-1], 429)
    assert body['ErrorName'] is None and 'Max:3 calls per second' in body['ErrorDescription']
    assert int(responses[-1].headers['Retry-After']) >= 1
    # Another resource path has its own budget.
    assert call(emulator, 'GET', 'Management/Profile/1048/Pack', token=token).status_code == 200
