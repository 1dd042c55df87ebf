# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin's cache: a second parse sends no request, a flush reads again, the key holds no credential and
no other key reads the cache; proved on the emulator's request log."""

import json

from emulator_fixture import PARTNER_LOGIN, default_state, partner_calls
from inventory_parse import cached_source, failure, hosts_of, ids_of, parse, service_vars

API_KEY = PARTNER_LOGIN['api_key']
ACTIVE = sorted(service['id'] for service in default_state()['live_services'] if not service['suspended'])


def test_with_the_cache_a_second_parse_sends_no_request(partner_environment, tmp_path):
    path = cached_source(tmp_path)
    first = parse(path)
    assert partner_calls(partner_environment) == [('GET', '/live_services')]
    partner_environment.clear_requests()

    second = parse(path)

    assert partner_environment.requests() == []
    assert hosts_of(second) == hosts_of(first)
    assert service_vars(second, 'live_service_1234931') == service_vars(first, 'live_service_1234931')


def test_flushing_the_cache_reads_the_api_again_and_refreshes_the_cache(partner_environment, tmp_path):
    path = cached_source(tmp_path)
    parse(path)
    with partner_environment.edit_state() as state:
        state['live_services'][0]['tariff_service_name'] = 'Outmail1000'
    partner_environment.clear_requests()

    assert ids_of(parse(path), 'tariff_Outmail500') == [1234931]
    assert partner_environment.requests() == []

    assert ids_of(parse(path, cache=False), 'tariff_Outmail500') == []
    assert partner_calls(partner_environment) == [('GET', '/live_services')]
    partner_environment.clear_requests()
    assert ids_of(parse(path), 'tariff_Outmail1000') == [1234931, 1234934]
    assert partner_environment.requests() == []


def test_the_cache_key_hashes_the_credentials_and_no_other_key_reads_the_cache(partner_environment, tmp_path, monkeypatch):
    path = cached_source(tmp_path)
    parse(path)
    files = list((tmp_path / 'cache').iterdir())
    assert len(files) == 1
    assert API_KEY not in files[0].name and PARTNER_LOGIN['partner_id'] not in files[0].name
    assert API_KEY not in files[0].read_text()
    partner_environment.clear_requests()

    monkeypatch.setenv('MYENGINE_API_KEY', 'another-key-0000000000')
    message = failure(path)

    assert 'HTTP 401' in message
    assert partner_calls(partner_environment) == [('GET', '/live_services')]


def test_a_cache_entry_of_another_shape_is_read_again(partner_environment, tmp_path):
    path = cached_source(tmp_path)
    parse(path)
    cache_file = next((tmp_path / 'cache').iterdir())
    cache_file.write_text(json.dumps({'live_services': 'not a list'}))
    partner_environment.clear_requests()

    assert ids_of(parse(path)) == ACTIVE
    assert partner_calls(partner_environment) == [('GET', '/live_services')]
