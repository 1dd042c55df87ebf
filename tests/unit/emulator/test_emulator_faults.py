"""Fault injection, the request log, the HTTP control endpoints and the CLI of the emulator."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN

AUTH = (PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key'])
SERVICE = '/API/v1.1/Rest/RetailerService.svc/'
CLIENT_FORM = dict(RETAILER_LOGIN, grant_type='password')
EMULATOR_DIR = Path(__file__).resolve().parents[2] / 'emulator'


def live_service(emulator, timeout=10):
    return requests.get(emulator.partner_url + '/live_services/1234931', auth=AUTH, timeout=timeout)


def regrade(emulator, name='Outmail1000'):
    return requests.patch(emulator.partner_url + '/live_services/1234931', json={'tariff_service_name': name},
                          auth=AUTH, timeout=10)


def tariff(emulator):
    return emulator.snapshot()['live_services'][0]['tariff_service_name']


def profiles(emulator):
    token = requests.post(emulator.url + '/Authorization/OAuth/Token', data=CLIENT_FORM, timeout=10).json()['access_token']
    return requests.get(emulator.url + SERVICE + 'Management/Profile', headers={'Authorization': 'Bearer ' + token}, timeout=10)


def test_latency_fault(emulator):
    emulator.add_fault('latency', route=r'/live_services/\d+$', seconds=0.3, count=1)
    start = time.monotonic()
    assert live_service(emulator).status_code == 200
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    assert live_service(emulator).status_code == 200
    assert time.monotonic() - start < 0.3


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_status_fault_partner_envelope(emulator, status):
    emulator.add_fault('status', route='/live_services/', method='PATCH', status=status, retry_after=2, count=1)
    response = regrade(emulator)
    assert response.status_code == status
    assert set(response.json()['error']) == {'name', 'url', 'message'}
    assert response.headers['Retry-After'] == '2'
    assert tariff(emulator) == 'Outmail500'
    assert regrade(emulator).status_code == 200


def test_status_fault_mailup_body(emulator):
    emulator.add_fault('status', route='Management', status=429)
    response = profiles(emulator)
    assert response.status_code == 429 and response.headers['Retry-After'] == '1'
    assert response.json()['ErrorCode'] == '429' and response.json()['ErrorStack'] is None
    emulator.clear_faults()
    assert profiles(emulator).status_code == 200


def test_fault_filters_and_unknown_kind(emulator):
    emulator.add_fault('status', route='/live_services/', method='PATCH', status=503)
    assert live_service(emulator).status_code == 200
    with pytest.raises(ValueError):
        emulator.add_fault('explode')
    with pytest.raises(ValueError):
        emulator.add_fault('status', status=404)


def test_probability_fault_is_reproducible(emulator):
    def pattern():
        emulator.clear_faults()
        emulator.add_fault('status', route='/live_services/', status=500, probability=0.5, seed=7)
        return [live_service(emulator).status_code for _index in range(12)]
    first = pattern()
    assert set(first) == {200, 500}
    assert pattern() == first


def test_drop_before_not_applied(emulator):
    emulator.add_fault('drop_before', route='/live_services/', method='PATCH', count=1)
    with pytest.raises(requests.ConnectionError):
        regrade(emulator)
    assert tariff(emulator) == 'Outmail500'
    assert emulator.snapshot()['partner']['partner_credits'] == 100
    assert emulator.requests(method='PATCH')[-1]['status'] is None
    assert regrade(emulator).status_code == 200


def test_drop_after_applied(emulator):
    emulator.add_fault('drop_after', route='/live_services/', method='PATCH', count=1)
    with pytest.raises(requests.ConnectionError):
        regrade(emulator)
    assert tariff(emulator) == 'Outmail1000'
    assert emulator.snapshot()['partner']['partner_credits'] == 98
    assert emulator.requests(method='PATCH')[-1]['status'] is None


def test_html_fault(emulator):
    emulator.add_fault('html', count=1)
    response = live_service(emulator)
    assert response.status_code == 502
    assert response.headers['Content-Type'].startswith('text/html') and '<html>' in response.text
    emulator.add_fault('html', route='Management', status=503, count=1)
    assert profiles(emulator).status_code == 503


def test_hang_fault_times_out_and_does_not_block(emulator):
    emulator.add_fault('hang', route='/live_services/1234931', seconds=5)
    start = time.monotonic()
    with pytest.raises(requests.Timeout):
        live_service(emulator, timeout=0.3)
    # Other requests are served while a handler thread hangs.
    assert requests.get(emulator.partner_url + '/clients/self', auth=AUTH, timeout=2).status_code == 200
    emulator.clear_faults()
    assert time.monotonic() - start < 3
    assert tariff(emulator) == 'Outmail500'


def test_request_log(emulator):
    live_service(emulator)
    regrade(emulator)
    profiles(emulator)
    requests.get(emulator.url + '/_emulator/config', timeout=10)
    log = emulator.requests()
    assert [(e['api'], e['method']) for e in log] == [
        ('partner', 'GET'), ('partner', 'PATCH'), ('oauth', 'POST'), ('retailer', 'GET')]
    assert all(set(e) == {'method', 'path', 'query', 'status', 'time', 'api', 'label'} for e in log)
    assert all(e['label'] is None for e in log)
    assert log[0]['path'] == '/api-v1/live_services/1234931' and log[0]['status'] == 200
    assert log[3]['path'] == SERVICE + 'Management/Profile'
    assert [e['method'] for e in emulator.writes()] == ['PATCH']
    assert len(emulator.requests(api='retailer')) == 1 and len(emulator.requests(method='patch')) == 1
    requests.get(emulator.partner_url + '/live_services', params={'search': "('id':'1')"}, auth=AUTH, timeout=10)
    assert emulator.requests()[-1]['query'] == {'search': "('id':'1')"}
    requests.get(emulator.partner_url + '/live_services/1', timeout=10)
    assert emulator.requests()[-1]['status'] == 401
    emulator.clear_requests()
    assert emulator.requests() == []


def test_threads_share_one_consistent_state(emulator):
    emulator.configure(regrade_cost_model='full')
    results = []

    def worker(name):
        results.append(regrade(emulator, name).status_code)
    threads = [threading.Thread(target=worker, args=(n,)) for n in ('Outmail1000', 'Outmail5000', 'Outmail100') * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = emulator.snapshot()
    spent = 100 - state['partner']['partner_credits']
    assert spent >= 0 and len(results) == 12


def test_http_control_endpoints(emulator):
    base = emulator.url + '/_emulator'
    assert requests.get(base + '/config', timeout=10).json()['paging_mode'] == 'parameters'
    response = requests.patch(base + '/config', json={'paging_mode': 'total', 'token_lifetime': 10}, timeout=10)
    assert response.status_code == 200 and response.json()['paging_mode'] == 'total'
    assert requests.patch(base + '/config', json={'no_such_switch': 1}, timeout=10).status_code == 400
    assert requests.patch(base + '/config', json={'paging_mode': 'sometimes'}, timeout=10).status_code == 400
    fault = requests.post(base + '/faults', json={'kind': 'status', 'status': 503, 'route': 'clients', 'count': 1}, timeout=10)
    assert fault.status_code == 200 and fault.json()['kind'] == 'status'
    assert len(requests.get(base + '/faults', timeout=10).json()) == 1
    assert requests.post(base + '/faults', json={'kind': 'bogus'}, timeout=10).status_code == 400
    assert requests.get(emulator.partner_url + '/clients/self', auth=AUTH, timeout=10).status_code == 503
    assert requests.get(base + '/faults', timeout=10).json() == []
    requests.post(base + '/faults', json={'kind': 'status', 'status': 500}, timeout=10)
    assert requests.delete(base + '/faults', timeout=10).status_code == 200
    assert requests.get(emulator.partner_url + '/clients/self', auth=AUTH, timeout=10).status_code == 200
    regrade(emulator)
    log = requests.get(base + '/requests', params={'method': 'PATCH'}, timeout=10).json()
    assert len(log) == 1 and log[0]['api'] == 'partner'
    assert len(requests.get(base + '/requests', params={'api': 'partner'}, timeout=10).json()) == 3
    assert requests.get(base + '/state', timeout=10).json()['partner']['partner_credits'] == 98
    token = requests.post(emulator.url + '/Authorization/OAuth/Token', data=CLIENT_FORM, timeout=10).json()['access_token']
    assert requests.post(base + '/tokens/expire', timeout=10).status_code == 200
    expired = requests.get(emulator.url + SERVICE + 'Management/Profile', headers={'Authorization': 'Bearer ' + token}, timeout=10)
    assert expired.status_code == 401
    assert requests.delete(base + '/requests', timeout=10).status_code == 200
    assert requests.get(base + '/requests', timeout=10).json() == []
    assert requests.post(base + '/reset', json={'fixture': 'many_profiles'}, timeout=10).status_code == 200
    assert len(requests.get(base + '/state', timeout=10).json()['retailer']['profiles']) == 47
    assert requests.get(base + '/config', timeout=10).json()['paging_mode'] == 'parameters'
    assert requests.post(base + '/reset', timeout=10).status_code == 200
    assert len(emulator.snapshot()['retailer']['profiles']) == 3
    assert requests.get(base + '/nothing', timeout=10).status_code == 404


def test_configure_rejects_unknown_switch(emulator):
    with pytest.raises(ValueError):
        emulator.configure(no_such_switch=True)
    with pytest.raises(ValueError):
        emulator.configure(rate_limit='yes')


def test_reset_restores_everything(emulator):
    emulator.configure(regrade_cost_model='full')
    emulator.add_fault('latency', seconds=0.01)
    regrade(emulator)
    emulator.reset()
    assert tariff(emulator) == 'Outmail500' and emulator.requests() == []
    assert emulator.faults() == [] and emulator.config()['regrade_cost_model'] == 'difference'


@pytest.mark.parametrize('entry', [[str(EMULATOR_DIR)], ['-m', 'emulator']])
def test_cli(tmp_path, entry):
    port_file = tmp_path / 'url'
    env = dict(os.environ, PYTHONPATH=str(EMULATOR_DIR.parent))
    command = [sys.executable] + entry + ['--port', '0', '--port-file', str(port_file), '--config', '{"paging_mode": "total"}']
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        try:
            line = process.stdout.readline().strip()
            assert line.startswith('EMULATOR_URL=http://127.0.0.1:')
            url = line.split('=', 1)[1]
            for _index in range(50):
                if port_file.exists():
                    break
                time.sleep(0.05)
            assert port_file.read_text().strip() == url
            token = requests.post(url + '/Authorization/OAuth/Token', data=CLIENT_FORM, timeout=10).json()['access_token']
            response = requests.get(url + SERVICE + 'Management/Profile', params={'PageSize': 2},
                                    headers={'Authorization': 'Bearer ' + token}, timeout=10)
            assert response.status_code == 200 and response.json()['TotalElementsCount'] == 3
            assert requests.get(url + '/_emulator/config', timeout=10).json()['paging_mode'] == 'total'
        finally:
            process.terminate()
            process.wait(10)
    assert process.returncode == 0
    assert not port_file.exists()


def test_a_label_tags_the_requests_logged_after_it(emulator):
    assert requests.post(emulator.url + '/_emulator/label', json={'label': 'task one'}, timeout=10).json() == {'label': 'task one'}
    live_service(emulator)
    emulator.label_requests('task two')
    regrade(emulator)
    assert requests.post(emulator.url + '/_emulator/label', json={'label': 7}, timeout=10).status_code == 400
    assert [(entry['method'], entry['label']) for entry in emulator.requests()] == [('GET', 'task one'), ('PATCH', 'task two')]
    emulator.clear_requests()
    live_service(emulator)
    assert emulator.requests()[0]['label'] is None
