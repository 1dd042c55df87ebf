# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Partner API lists the whole estate in one answer: a list read takes a larger size cap than any other answer."""

import pytest

from ansible_collections.channel.partner.plugins.module_utils._exchange import MAX_ANSWER_BYTES, MAX_LIST_ANSWER_BYTES
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from emulator_fixture import PARTNER_LOGIN
from hostile_vendor import HostileVendor, envelope, live_service
from scripted_server import Answer

# An estate whose list is larger than the general cap: about 320 bytes a service, as the emulator's records are.
ESTATE = [live_service(id=1000000 + number, whmcs_service_id=str(number), note='x' * 150) for number in range(20000)]


@pytest.fixture
def vendor():
    server = HostileVendor(('GET', r'^/live_services(\?|$)', Answer.json(200, envelope(ESTATE))),
                           ('GET', r'^/clients(\?|$)', Answer.json(200, envelope([{'id': 1, 'note': 'x' * (MAX_ANSWER_BYTES + 1)}]))),
                           ('GET', r'^/live_services/1000001$', Answer.json(200, envelope(live_service(id=1000001, note='x' * (MAX_ANSWER_BYTES + 1))))))
    server.start()
    yield server
    server.stop()


def api_of(vendor):
    return PartnerApi(vendor.url, PARTNER_LOGIN['partner_id'], PARTNER_LOGIN['api_key'], timeout=20)


def test_the_estate_list_is_read_beyond_the_general_cap(vendor):
    body = Answer.json(200, envelope(ESTATE)).body
    assert MAX_ANSWER_BYTES < len(body) < MAX_LIST_ANSWER_BYTES

    services = api_of(vendor).live_services()

    assert [service['id'] for service in services] == [service['id'] for service in ESTATE]
    assert vendor.sent() == [('GET', '/live_services')]


def test_one_record_keeps_the_general_cap(vendor):
    with pytest.raises(ApiError) as caught:
        api_of(vendor).live_service(1000001)
    assert 'the answer is larger than 4 MiB; it was not read further' in str(caught.value)
    assert vendor.sent() == [('GET', '/live_services/1000001')]


def test_the_client_list_takes_the_list_cap_too(vendor):
    clients = api_of(vendor).clients()
    assert [client['id'] for client in clients] == [1]
