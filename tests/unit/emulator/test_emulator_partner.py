"""The Partner API of the emulator, over real HTTP."""

import pytest
import requests

from emulator_fixture import PARTNER_LOGIN

AUTH = (PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key'])


def get(emulator, path, **kwargs):
    kwargs.setdefault('auth', AUTH)
    return requests.get(emulator.partner_url + path, timeout=10, **kwargs)


def patch(emulator, path, body, **kwargs):
    kwargs.setdefault('auth', AUTH)
    return requests.patch(emulator.partner_url + path, json=body, timeout=10, **kwargs)


def assert_error(response, status, message=None, path=None):
    assert response.status_code == status
    error = response.json()['error']
    assert set(error) == {'name', 'url', 'message'}
    if message is not None:
        assert error['message'] == message
    if path is not None:
        assert error['url'] == path
    return error


@pytest.mark.parametrize('auth', [None, (AUTH[0], 'wrong'), ('999', AUTH[1])])
def test_bad_credentials_answer_401_with_envelope(emulator, auth):
    response = get(emulator, '/live_services/1234931', auth=auth)
    error = assert_error(response, 401, path='/api-v1/live_services/1234931')
    assert error['name'] == 'Unauthorized'
    assert response.headers['WWW-Authenticate'] == 'Basic realm="api"'


def test_get_live_service(emulator):
    response = get(emulator, '/live_services/1234931')
    assert response.status_code == 200
    body = response.json()
    assert body['meta']['success'] is True
    data = body['data']
    assert data['id'] == 1234931 and data['client_id'] == 9987600 and data['product'] == 'outmail'
    assert data['tariff_service_name'] == 'Outmail500'
    assert 'Outmail1000' in data['regrade_servicenames'] and 'Outmail500' not in data['regrade_servicenames']
    assert isinstance(data['regrade_servicenames'], list)
    assert data['suspended'] is False and data['whmcs_service_id'] == '501'


def test_regrade_servicenames_csv_switch(emulator):
    emulator.configure(regrade_servicenames_format='csv')
    data = get(emulator, '/live_services/1234931').json()['data']
    assert isinstance(data['regrade_servicenames'], str)
    assert 'Outmail1000' in data['regrade_servicenames'].split(',')


def test_unknown_live_service_404(emulator):
    assert_error(get(emulator, '/live_services/999'), 404, path='/api-v1/live_services/999')


def test_list_live_services_and_search(emulator):
    body = get(emulator, '/live_services').json()
    assert body['meta']['count'] == len(body['data']) >= 9
    products = {item['product'] for item in body['data']}
    assert products == {'outmail', 'profilter', 'fakemx', 'backupmx', 'masterdns', 'backupdns'}
    whmcs = [item['whmcs_service_id'] for item in body['data']]
    assert len(whmcs) == len(set(whmcs))
    found = get(emulator, '/live_services', params={'search': "('client_id':'9987601','product':'outmail')"}).json()
    assert found['meta']['count'] == 2
    assert {item['client_id'] for item in found['data']} == {9987601}
    one = get(emulator, '/live_services', params={'search': "('whmcs_service_id':'501')"}).json()['data']
    assert [item['id'] for item in one] == [1234931]


@pytest.mark.parametrize('search, expected', [
    ("('id >':'1234937')", {1234938, 1234939}),
    ("('id >=':'1234938')", {1234938, 1234939}),
    ("('id <':'1234932')", {1234931}),
    ("('id <=':1234932,'product':'outmail')", {1234931}),
    ("('id >':'1234931','id <':'1234934','product !=':'profilter')", {1234933}),
    ("('tariff_service_name LIKE':'outmail1%')", {1234933, 1234934}),
    ("('id =':'1234935')", {1234935}),
])
def test_search_operators(emulator, search, expected):
    response = get(emulator, '/live_services', params={'search': search})
    assert response.status_code == 200
    assert {item['id'] for item in response.json()['data']} == expected


@pytest.mark.parametrize('search', ["('client_id':'9987600'", "client_id:1", "('id ~':'1')", "('nosuchfield':'1')"])
def test_malformed_search_400(emulator, search):
    assert_error(get(emulator, '/live_services', params={'search': search}), 400)


def test_fields_restrict_items(emulator):
    data = get(emulator, '/live_services', params={'fields': '!(id,product)'}).json()['data']
    assert all(set(item) == {'id', 'product'} for item in data)
    assert_error(get(emulator, '/live_services', params={'fields': '!(id'}), 400)


def test_service_names_and_balance(emulator):
    body = get(emulator, '/live_services/service_names').json()
    assert body['meta']['success'] is True and body['meta']['partner_credits'] == 100
    names = {item['service_name']: item for item in body['data']}
    assert names['Outmail1000'] == {'service_name': 'Outmail1000', 'product': 'outmail', 'credits': 10}
    assert {names[n]['credits'] for n in ('Outmail100', 'Outmail500', 'Outmail5000')} == {5, 8, 30}
    per_product = {}
    for item in body['data']:
        per_product[item['product']] = per_product.get(item['product'], 0) + 1
    assert len(per_product) == 6 and all(2 <= count <= 5 for count in per_product.values())


def test_clients_self_and_clients(emulator):
    body = get(emulator, '/clients/self').json()
    assert body['meta']['success'] is True
    assert body['data']['partner_credits'] == 100 and body['data']['id'] == 100200
    assert 'api_key' not in body['data']
    clients = get(emulator, '/clients', params={'search': "('external_userid':'123456')"}).json()['data']
    assert [client['id'] for client in clients] == [9987600]
    assert get(emulator, '/clients/9987601').json()['data']['surname'] == 'Doe'
    assert_error(get(emulator, '/clients/1'), 404)


@pytest.mark.parametrize('collection, product', [
    ('outmails', 'outmail'), ('profilters', 'profilter'), ('fakemxs', 'fakemx'),
    ('backupmxs', 'backupmx'), ('masterdns', 'masterdns'), ('backupdns', 'backupdns')])
def test_product_lists(emulator, collection, product):
    body = get(emulator, '/' + collection).json()
    assert body['meta']['success'] is True and body['meta']['count'] == len(body['data']) >= 1
    services = {s['id']: s for s in get(emulator, '/live_services').json()['data']}
    for item in body['data']:
        assert {'id', 'live_service_id', 'client_id', 'service_name', 'whmcs_service_id'} <= set(item)
        service = services[item['live_service_id']]
        assert service['product'] == product and service['tariff_service_name'] == item['service_name']
    first = body['data'][0]
    assert get(emulator, '/%s/%s' % (collection, first['id'])).json()['data'] == first


def test_regrade_difference_model(emulator):
    response = patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Outmail1000'})
    assert response.status_code == 200
    assert response.json()['meta']['success'] is True
    data = response.json()['data']
    assert data['tariff_service_name'] == 'Outmail1000' and 'Outmail500' in data['regrade_servicenames']
    assert emulator.snapshot()['partner']['partner_credits'] == 98
    # A downgrade costs nothing under the difference model.
    assert patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Outmail100'}).status_code == 200
    assert get(emulator, '/clients/self').json()['data']['partner_credits'] == 98


def test_regrade_full_model(emulator):
    emulator.configure(regrade_cost_model='full')
    assert patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Outmail1000'}).status_code == 200
    assert emulator.snapshot()['partner']['partner_credits'] == 90


def test_regrade_insufficient_credits_405_changes_nothing(emulator):
    before = emulator.snapshot()
    response = patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Outmail25000'})
    assert_error(response, 405, 'Insufficient partner credits', '/api-v1/live_services/1234931')
    assert emulator.snapshot() == before
    assert before['partner']['partner_credits'] == 100


def test_unsupported_method_405_has_other_message(emulator):
    response = requests.put(emulator.partner_url + '/live_services/1234931', json={}, auth=AUTH, timeout=10)
    error = assert_error(response, 405)
    assert error['message'] != 'Insufficient partner credits'
    assert 'PATCH' in response.headers['Allow']


def test_regrade_target_not_allowed_400(emulator):
    before = emulator.snapshot()
    assert_error(patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Profilter50'}), 400)
    assert_error(patch(emulator, '/live_services/1234931', {'tariff_service_name': 'NoSuchTariff'}), 400)
    assert_error(patch(emulator, '/live_services/999', {'tariff_service_name': 'Outmail1000'}), 404)
    assert emulator.snapshot() == before


def test_regrade_to_current_switch(emulator):
    response = patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Outmail500'})
    assert response.status_code == 200 and response.json()['data']['tariff_service_name'] == 'Outmail500'
    assert emulator.snapshot()['partner']['partner_credits'] == 100
    emulator.configure(regrade_to_current='error')
    assert_error(patch(emulator, '/live_services/1234931', {'tariff_service_name': 'Outmail500'}), 400)


def test_form_bodies_switch(emulator):
    url = emulator.partner_url + '/live_services/1234931'
    response = requests.patch(url, data={'tariff_service_name': 'Outmail1000'}, auth=AUTH, timeout=10)
    assert response.status_code == 200 and response.json()['data']['tariff_service_name'] == 'Outmail1000'
    emulator.configure(partner_form_bodies=False)
    response = requests.patch(url, data={'tariff_service_name': 'Outmail5000'}, auth=AUTH, timeout=10)
    assert_error(response, 400)
    assert emulator.snapshot()['live_services'][0]['tariff_service_name'] == 'Outmail1000'


def test_flat_error_envelope_switch(emulator):
    emulator.configure(partner_error_envelope='flat')
    response = get(emulator, '/live_services/999')
    assert response.status_code == 404
    assert set(response.json()) == {'name', 'url', 'message'}
    assert response.json()['url'] == '/api-v1/live_services/999'


def test_suspend_and_unsuspend(emulator):
    emulator.configure(live_service_suspension='live_service_patch')
    response = patch(emulator, '/live_services/1234931', {'suspended': True})
    assert response.status_code == 200 and response.json()['data']['suspended'] is True
    assert patch(emulator, '/live_services/1234931', {'suspended': False}).json()['data']['suspended'] is False
    assert_error(patch(emulator, '/live_services/1234939', {'suspended': False}), 403)


def test_unknown_route_404(emulator):
    assert_error(get(emulator, '/nothing_here'), 404)


def send(emulator, method, path, body=None):
    return requests.request(method, emulator.partner_url + path, json=body, auth=(PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key']),
                            timeout=5)


def test_client_create_edit_and_delete_follow_the_kb(emulator):
    created = send(emulator, 'POST', '/clients', {'external_userid': 'x-1', 'email': 'x@example.org'})
    assert created.status_code == 200
    client = created.json()['data']
    assert (client['username'], client['active'], client['verified']) == ('x@example.org', 1, 0)
    assert_error(send(emulator, 'POST', '/clients', {'external_userid': 'x-2'}), 400, 'email is required')
    assert_error(send(emulator, 'PATCH', '/clients/%s' % client['id'], {'colour': 'red'}), 400, 'Unknown client field(s): colour')
    assert send(emulator, 'PATCH', '/clients/%s' % client['id'], {'surname': 'X'}).json()['data']['surname'] == 'X'
    # KB 399: the client is anonymised and its services suspended, not deleted.
    deleted = send(emulator, 'DELETE', '/clients/9987600')
    assert deleted.status_code == 200 and deleted.json()['data']['email'] is None
    services = [s for s in emulator.snapshot()['live_services'] if s['client_id'] == 9987600]
    assert services and all(s['suspended'] for s in services)
    assert get(emulator, '/clients/9987600').json()['data']['external_userid'] is None
    emulator.configure(deleted_client_read='not_found')
    assert_error(get(emulator, '/clients/9987600'), 404)


def test_client_suspension_leaves_services_suspended_when_lifted(emulator):
    assert_error(send(emulator, 'PATCH', '/clients/9987601', {'active': 0}), 400, 'active cannot be set here: use /clients/9987601/enabled')
    assert send(emulator, 'PATCH', '/clients/9987601/enabled', {'enable': 0}).json()['data']['active'] == 0
    assert send(emulator, 'PATCH', '/clients/9987601/enabled', {'enable': 1}).json()['data']['active'] == 1
    # KB 401: unsuspending the client does not unsuspend its services.
    assert all(s['suspended'] for s in emulator.snapshot()['live_services'] if s['client_id'] == 9987601)
    emulator.configure(client_enable='client_patch')
    assert_error(send(emulator, 'PATCH', '/clients/9987601/enabled', {'enable': 0}), 404)
    assert send(emulator, 'PATCH', '/clients/9987601', {'active': 0}).json()['data']['active'] == 0


def test_service_suspension_resource_and_the_system_rule(emulator):
    assert send(emulator, 'PATCH', '/live_services/1234931/suspension', {'suspend': 1}).json()['data']['suspended'] is True
    assert_error(send(emulator, 'PATCH', '/live_services/1234931/suspension', {'suspend': True}), 400)
    assert_error(send(emulator, 'PATCH', '/live_services/1234931', {'suspended': False}), 400,
                 'suspended cannot be set here: use /live_services/1234931/suspension')
    assert_error(send(emulator, 'PATCH', '/live_services/1234939/suspension', {'suspend': 0}), 403)
    emulator.configure(live_service_suspension='live_service_patch')
    assert_error(send(emulator, 'PATCH', '/live_services/1234931/suspension', {'suspend': 0}), 404)


def test_product_create_charges_the_package_and_terminate_removes_the_service(emulator):
    created = send(emulator, 'POST', '/outmails', {'client_id': 9987601, 'service_name': 'Outmail100', 'whmcs_service_id': 'n-1'})
    assert created.status_code == 200
    service_id = created.json()['data']['live_service_id']
    assert get(emulator, '/live_services/%s' % service_id).json()['data']['tariff_service_name'] == 'Outmail100'
    assert emulator.snapshot()['partner']['partner_credits'] == 95
    assert_error(send(emulator, 'POST', '/outmails', {'client_id': 9987601, 'service_name': 'Outmail25000'}), 405)
    assert_error(send(emulator, 'POST', '/outmails', {'client_id': 9987601, 'service_name': 'FakeMX1'}), 400, 'FakeMX1 is not a outmail package')
    # Under the partner's own id (KB 407).
    assert send(emulator, 'POST', '/fakemxs', {'client_id': 100200, 'service_name': 'FakeMX1'}).status_code == 200
    emulator.configure(create_service_field='tariff_service_name')
    assert_error(send(emulator, 'POST', '/outmails', {'client_id': 9987601, 'service_name': 'Outmail100'}), 400,
                 'tariff_service_name is required')
    assert send(emulator, 'DELETE', '/live_services/%s' % service_id).json()['data'] == {'id': service_id, 'terminated': True}
    assert_error(get(emulator, '/live_services/%s' % service_id), 404)
