"""The emulator at the scale of a benchmark: the latency switch, and lookups by id that do not read the whole estate."""

import pytest
import requests

from emulator.server import Application
from emulator.state import RecordIndex
from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN

AUTH = (PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key'])
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'


def recorded_sleeps(emulator, monkeypatch):
    """The emulator's sleeps, recorded instead of slept: what a request waited is read, not timed."""
    slept = []
    monkeypatch.setattr(emulator.app.faults, 'sleep', slept.append)
    return slept


def token(emulator):
    return requests.post(emulator.token_url, data=dict(RETAILER_LOGIN, grant_type='password'), timeout=10).json()['access_token']


def test_the_latency_switch_holds_every_vendor_request_and_no_control_call(emulator, monkeypatch):
    slept = recorded_sleeps(emulator, monkeypatch)
    emulator.configure(latency=0.05)
    assert requests.get(emulator.partner_url + '/live_services/1234931', auth=AUTH, timeout=10).status_code == 200
    bearer = token(emulator)
    status = requests.get(emulator.url + SERVICE + 'Account/23053/Status', timeout=10,
                          headers={'Authorization': 'Bearer ' + bearer, 'ExternalUserId': 'cust-23053'})
    assert status.status_code == 200
    assert requests.get(emulator.url + '/_emulator/config', timeout=10).json()['latency'] == 0.05
    # The partner GET, the token POST and the retailer GET; the control call did not wait.
    assert slept == [0.05, 0.05, 0.05]
    assert [entry['status'] for entry in emulator.requests()] == [200, 200, 200]


def test_the_latency_switch_adds_to_a_latency_fault(emulator, monkeypatch):
    slept = recorded_sleeps(emulator, monkeypatch)
    emulator.configure(latency=0.05)
    emulator.add_fault('latency', route='/live_services/', seconds=0.25, count=1)
    for _request in range(2):
        requests.get(emulator.partner_url + '/live_services/1234931', auth=AUTH, timeout=10)
    assert slept == [pytest.approx(0.3), 0.05]


def test_no_latency_by_default(emulator, monkeypatch):
    slept = recorded_sleeps(emulator, monkeypatch)
    assert emulator.config()['latency'] == 0.0
    requests.get(emulator.partner_url + '/live_services/1234931', auth=AUTH, timeout=10)
    assert slept == []


@pytest.mark.parametrize('value', [-0.1, 'slow', True, None])
def test_a_latency_that_is_no_number_of_seconds_is_refused(emulator, value):
    with pytest.raises(ValueError, match='latency'):
        emulator.configure(latency=value)
    assert emulator.config()['latency'] == 0.0


def test_a_latency_given_to_the_constructor_survives_a_reset():
    application = Application('default', {'latency': 0.05})
    application.store.configure(latency=0.5)
    application.reset()
    assert application.store.config['latency'] == 0.05


class CountedList(list):
    """A list of the state that counts how often it is read from end to end."""

    reads = 0

    def __iter__(self):
        CountedList.reads += 1
        return super().__iter__()


def test_reads_and_patches_by_id_do_not_read_the_whole_estate(emulator):
    store = emulator.app.store
    with emulator.edit_state() as state:
        template = state['live_services'][0]
        state['live_services'] += [dict(template, id=5000000 + number, record_id=800000 + number) for number in range(2000)]
    with store.lock:
        store.data['live_services'] = CountedList(store.data['live_services'])
    CountedList.reads = 0
    for number in range(0, 2000, 40):
        path = emulator.partner_url + '/live_services/%d' % (5000000 + number)
        assert requests.get(path, auth=AUTH, timeout=10).json()['data']['id'] == 5000000 + number
        answer = requests.patch(path, json={'tariff_service_name': 'Outmail1000'}, auth=AUTH, timeout=10)
        assert answer.json()['data']['tariff_service_name'] == 'Outmail1000'
    # One read of the list built the index; a scan per request would have read it a hundred times.
    assert CountedList.reads == 1
    services = dict((service['id'], service) for service in emulator.snapshot()['live_services'])
    assert all(services[5000000 + number]['tariff_service_name'] == 'Outmail1000' for number in range(0, 2000, 40))
    assert services[5000001]['tariff_service_name'] == template['tariff_service_name']


def test_the_index_follows_services_terminated_created_and_loaded(emulator):
    path = emulator.partner_url + '/live_services/1234935'
    assert requests.get(path, auth=AUTH, timeout=10).status_code == 200
    assert requests.delete(path, auth=AUTH, timeout=10).status_code == 200
    assert requests.get(path, auth=AUTH, timeout=10).status_code == 404
    created = requests.post(emulator.partner_url + '/outmails', json={'client_id': 9987600, 'service_name': 'Outmail100'},
                            auth=AUTH, timeout=10).json()['data']['live_service_id']
    assert requests.get(emulator.partner_url + '/live_services/%d' % created, auth=AUTH, timeout=10).status_code == 200
    with emulator.edit_state() as state:
        [service for service in state['live_services'] if service['id'] == 1234931][0]['id'] = 1234999
    assert requests.get(emulator.partner_url + '/live_services/1234931', auth=AUTH, timeout=10).status_code == 404
    assert requests.get(emulator.partner_url + '/live_services/1234999', auth=AUTH, timeout=10).json()['data']['id'] == 1234999


def test_the_account_index_follows_accounts_deleted_and_loaded(emulator):
    headers = {'Authorization': 'Bearer ' + token(emulator), 'ExternalUserId': 'cust-23054'}
    status = emulator.url + SERVICE + 'Account/23054/Status'
    assert requests.get(status, headers=headers, timeout=10).status_code == 200
    assert requests.delete(emulator.url + SERVICE + 'Account/23054', headers=headers, timeout=10).status_code == 200
    assert requests.get(status, headers=headers, timeout=10).status_code == 404
    with emulator.edit_state() as state:
        state['retailer']['accounts'].append(dict(state['retailer']['accounts'][0], IdAccount=23054, ExternalUserId='cust-23054'))
    assert requests.get(status, headers=headers, timeout=10).json()['IdAccount'] == 23054


def test_the_first_record_with_a_value_wins_as_a_scan_would():
    records = [{'id': 1, 'name': 'first'}, {'id': 1, 'name': 'second'}, {'id': '2', 'name': 'text id'}]
    index = RecordIndex('id')
    assert index.find(records, 1)['name'] == 'first'
    assert index.find(records, '1')['name'] == 'first' and index.find(records, 2)['name'] == 'text id'
    assert index.find(records, 3) is None
    records.insert(0, {'id': 1, 'name': 'new first'})
    assert index.find(records, 1)['name'] == 'new first'
