# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the inventory plugin refuses: bad options before any request (naming the option and what it takes), and a
vendor's refusal, broken or hostile answer as a clear error; never a partial inventory, never the key."""

import sys

import pytest

from emulator_fixture import PARTNER_LOGIN, partner_calls
from hostile_vendor import HostileVendor, echo, envelope, live_service
from inventory_parse import PLUGIN, failure, ids_of, parse, plugin, source
from scripted_server import Answer

API_KEY = PARTNER_LOGIN['api_key']


# Bad options: refused before any request, naming the option and what it takes

@pytest.mark.parametrize('options, words', [
    ({'products': ['outmail', 'mail']}, "products[1] must be one of outmail, profilter, fakemx, backupmx, masterdns, backupdns, not 'mail'"),
    ({'client_ids': ['abc']}, "client_ids[0] must be a My-Engine client id, a whole number greater than 0, not 'abc'"),
    ({'client_ids': [0]}, 'client_ids[0] must be a My-Engine client id, a whole number greater than 0, not 0'),
    ({'client_ids': [True]}, 'client_ids[0] must be a My-Engine client id'),
    ({'tariff_service_names': ['  ']}, 'tariff_service_names[0] must name a package, for example Outmail1000'),
    ({'timeout': 0}, 'timeout must be a number of seconds greater than 0'),
    ({'ca_path': '/no/such/bundle.pem'}, 'ca_path names /no/such/bundle.pem, which does not exist'),
    ({'partner_id': ''}, 'partner_id must not be empty; nothing was sent'),
    ({'api_url': 'https://user:%s@example.com/api-v1' % API_KEY}, 'api_url must not carry credentials'),
    ({'api_url': 'http://partner.example.com/api-v1'}, 'uses plain http:// to a host that is not loopback'),
    ({'api_url': 'ftp://example.com'}, 'is not an http:// or https:// URL'),
    ({'api_key': [API_KEY]}, 'api_key must be a text, the Partner API key, not a list'),
    ({'api_key': {'key': API_KEY}}, 'api_key must be a text, the Partner API key, not a mapping'),
    ({'timeout': [API_KEY]}, 'timeout'),
])
def test_a_bad_option_is_refused_before_any_request(partner_environment, tmp_path, options, words):
    message = failure(source(tmp_path, **options))

    assert words in message
    assert API_KEY not in message
    assert partner_environment.requests() == []


@pytest.mark.parametrize('variable, option', [('MYENGINE_API_KEY', 'api_key'), ('MYENGINE_PARTNER_ID', 'partner_id')])
def test_a_missing_credential_names_its_option_and_its_environment_variable(partner_environment, tmp_path, monkeypatch, variable, option):
    monkeypatch.delenv(variable)

    message = failure(source(tmp_path))

    assert '%s must be set, in the inventory source or in the %s environment variable' % (option, variable) in message
    assert partner_environment.requests() == []


def test_the_connection_options_of_the_source_win_over_the_environment(partner_environment, tmp_path, monkeypatch):
    monkeypatch.setenv('MYENGINE_API_URL', 'https://partner.example.invalid/api-v1')

    inventory = parse(source(tmp_path, api_url=partner_environment.partner_url, products=['fakemx']))

    assert ids_of(inventory) == [1234935]


def test_without_requests_the_error_says_so_and_nothing_is_sent(partner_environment, tmp_path, monkeypatch):
    plugin_module = sys.modules[type(plugin()).__module__]
    monkeypatch.setattr(plugin_module, 'HAS_REQUESTS', False)

    message = failure(source(tmp_path))

    assert 'requests' in message and 'Failed to import the required Python library' in message
    assert partner_environment.requests() == []


# What the vendor answers wrongly ends in a clear error, never a partial inventory and never the key

def test_a_refused_login_is_the_vendors_message(partner_environment, tmp_path, monkeypatch):
    monkeypatch.setenv('MYENGINE_API_KEY', 'not-the-key-1234567890')

    message = failure(source(tmp_path))

    assert message == ('%s: reading the live services failed: GET %s/live_services failed: HTTP 401 Unauthorized: '
                       'Invalid partner credentials' % (PLUGIN, partner_environment.partner_url))


def test_a_failed_client_read_names_include_clients(partner_environment, tmp_path):
    partner_environment.add_fault('status', route='/clients', status=500)

    message = failure(source(tmp_path, include_clients=True))

    assert 'reading the clients failed (include_clients is on)' in message and 'HTTP 500' in message
    assert partner_calls(partner_environment)[0] == ('GET', '/live_services')


def test_an_html_error_page_is_retried_then_reported(partner_environment, tmp_path):
    partner_environment.add_fault('html', route='/live_services', status=502)

    message = failure(source(tmp_path))

    assert 'HTTP 502' in message and '(after 4 attempts)' in message
    assert partner_calls(partner_environment) == [('GET', '/live_services')] * 4


@pytest.mark.parametrize('answer, words', [
    (Answer.json(200, envelope([live_service(), live_service()])), 'the vendor listed live service 1 twice'),
    (Answer.json(200, envelope([live_service(id='x')])), 'the answer is not of the shape the API documents (data[0].id'),
    (Answer.json(200, envelope({'id': 1})), 'the answer is not of the shape the API documents (data should be a list'),
    (Answer.json(200, {'services': []}), 'no "data" in a success envelope'),
    (Answer(200, b'<html>maintenance</html>', content_type='text/html'), 'GET '),
    (echo(401, 'headers'), 'HTTP 401'),
])
def test_a_broken_or_hostile_answer_ends_in_a_clear_error(tmp_path, answer, words):
    with HostileVendor(('GET', r'^/live_services(\?|$)', answer)) as vendor:
        message = failure(source(tmp_path, **vendor.partner_args()))

    assert words in message
    assert message.startswith(PLUGIN + ': ')
    assert API_KEY not in message
    assert [request.method for request in vendor.received] == ['GET'] * len(vendor.received)


def test_a_source_that_fails_adds_no_host(partner_environment, tmp_path):
    from ansible.errors import AnsibleError
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader

    inventory = InventoryData()
    # The third service is the second outMail one: with the names of the first two made, the third fails.
    with pytest.raises(AnsibleError, match='both outmail'):
        plugin().parse(inventory, DataLoader(), str(source(tmp_path, hostname='{{ live_service_product }}')))

    assert inventory.hosts == {}
    assert partner_calls(partner_environment) == [('GET', '/live_services')]
