# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PartnerApi against the emulator."""

import json

import pytest

from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._partner_api import InsufficientCredits, PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_model import live_service_record, rison_object
from ansible_collections.channel.partner.plugins.module_utils._regrade_plan import regrade_cost
from emulator_fixture import PARTNER_LOGIN

PARTNER_ID = PARTNER_LOGIN['partner_id']
API_KEY = PARTNER_LOGIN['api_key']
SERVICE = 1234931


def no_sleep(_seconds):
    pass


def make_api(emulator, api_key=API_KEY, **options):
    return PartnerApi(emulator.partner_url, PARTNER_ID, api_key, timeout=5, sleep=no_sleep, **options)


def assert_no_secret(error, secrets=(API_KEY,)):
    for text in (str(error), repr(error), json.dumps(error.to_dict(), default=str)):
        for secret in secrets:
            assert secret not in text


def test_live_service_is_normalized(emulator):
    service = make_api(emulator).live_service(SERVICE)
    assert service == {
        'id': SERVICE, 'client_id': service['client_id'], 'product': 'outmail', 'tariff_service_name': 'Outmail500',
        'regrade_servicenames': service['regrade_servicenames'], 'suspended': False,
        'whmcs_service_id': service['whmcs_service_id'],
        # Fields the modules do not manage are passed on as the vendor sent them.
        'suspend_reason': None, 'created': service['created'],
    }
    assert isinstance(service['client_id'], int)
    assert 'Outmail1000' in service['regrade_servicenames']
    assert 'Outmail500' not in service['regrade_servicenames']
    assert service['whmcs_service_id'] is None or isinstance(service['whmcs_service_id'], str)


def test_csv_regrade_servicenames_become_a_list(emulator):
    listed = make_api(emulator).live_service(SERVICE)['regrade_servicenames']
    emulator.configure(regrade_servicenames_format='csv')
    assert make_api(emulator).live_service(SERVICE)['regrade_servicenames'] == listed


def test_normalize_tolerates_variants():
    service = live_service_record({'id': '7', 'client_id': '9', 'product': 'outmail', 'tariff_service_name': 'A',
                                   'regrade_servicenames': ' B, C ,,A', 'suspended': '0', 'whmcs_service_id': 12})
    assert service == {'id': 7, 'client_id': 9, 'product': 'outmail', 'tariff_service_name': 'A',
                       'regrade_servicenames': ['B', 'C'], 'suspended': False, 'whmcs_service_id': '12'}
    assert live_service_record({'id': 1, 'suspended': True, 'regrade_servicenames': None})['regrade_servicenames'] == []


@pytest.mark.parametrize('envelope', ['nested', 'flat'])
def test_unknown_live_service_in_both_error_envelopes(emulator, envelope):
    emulator.configure(partner_error_envelope=envelope)
    # Reading a service the vendor does not know is a plain answer; writing to it is an error with the vendor's words.
    assert make_api(emulator).live_service(999) is None
    with pytest.raises(ApiError) as caught:
        make_api(emulator).regrade(999, 'Outmail1000')
    error = caught.value
    assert error.status == 404
    assert error.vendor_message and '999' in error.vendor_message
    assert error.vendor_code == 'Not Found'
    assert str(error) == 'PATCH %s/live_services/999 failed: HTTP 404 Not Found: %s' % (emulator.partner_url, error.vendor_message)
    assert_no_secret(error)


def test_wrong_api_key_never_shows_a_key(emulator):
    with pytest.raises(ApiError) as caught:
        make_api(emulator, api_key='wrong-key-abc123').live_service(SERVICE)
    assert caught.value.status == 401
    assert_no_secret(caught.value, (API_KEY, 'wrong-key-abc123'))


def test_live_services_search_is_rison(emulator):
    services = make_api(emulator).live_services(product='outmail', client_id=9987600)
    assert [service['id'] for service in services] == [SERVICE]
    query = emulator.requests(api='partner')[-1]['query']
    assert query == {'search': "('client_id':'9987600','product':'outmail')"}
    assert len(make_api(emulator).live_services()) > 1


def test_rison_escaping():
    assert rison_object({"it's": 'a!b'}) == "('it!'s':'a!!b')"


def test_service_catalogue_and_balance(emulator):
    api = make_api(emulator)
    catalogue = api.service_catalogue()
    assert catalogue['balance'] == 100
    assert catalogue['services']['Outmail1000'] == {'service_name': 'Outmail1000', 'product': 'outmail', 'credits': 10}
    assert api.request_count == 1
    assert api.credit_balance() == 100
    assert regrade_cost(catalogue, 'Outmail500', 'Outmail1000') == 2
    assert regrade_cost(catalogue, 'Outmail1000', 'Outmail500') == 0
    assert regrade_cost(catalogue, 'Outmail500', 'Outmail1000', model='full') == 10
    assert regrade_cost(catalogue, 'Outmail500', 'Outmail500', model='full') == 0
    with pytest.raises(ValueError):
        regrade_cost(catalogue, 'Outmail500', 'Outmail1000', model='half')


def test_regrade(emulator):
    api = make_api(emulator)
    service = api.regrade(SERVICE, 'Outmail1000')
    assert service['tariff_service_name'] == 'Outmail1000'
    assert api.live_service(SERVICE)['tariff_service_name'] == 'Outmail1000'
    assert api.credit_balance() == 98
    patches = emulator.requests(api='partner', method='PATCH')
    assert len(patches) == 1


def test_a_regrade_whose_answer_is_lost_is_sent_once_and_unknown(emulator):
    # Sent again, a PATCH held up somewhere could land after a later regrade and move the service back.
    emulator.add_fault('drop_after', route='/live_services/%d' % SERVICE, method='PATCH', count=1)
    api = make_api(emulator)
    with pytest.raises(ApiError) as caught:
        api.regrade(SERVICE, 'Outmail1000')
    assert caught.value.applied is None
    assert len(emulator.requests(api='partner', method='PATCH')) == 1
    assert api.credit_balance() == 98


@pytest.mark.parametrize('fault', [{'kind': 'contradict'}, {'kind': 'applied_answer', 'status': 200}])
def test_a_regrade_answer_that_is_not_the_regrade_asked_for_is_an_unknown_outcome(emulator, fault):
    emulator.add_fault(route='/live_services/%d' % SERVICE, method='PATCH', count=1, **fault)
    with pytest.raises(ApiError) as caught:
        make_api(emulator).regrade(SERVICE, 'Outmail1000')
    assert caught.value.applied is None and caught.value.status == 200
    assert len(emulator.requests(api='partner', method='PATCH')) == 1


def test_an_answer_about_another_service_is_refused(emulator):
    emulator.add_fault('contradict', route='/live_services/%d$' % SERVICE, method='GET', count=1)
    with pytest.raises(ApiError) as caught:
        make_api(emulator).live_service(SERVICE)
    assert 'the vendor answered with live service 1234932 when asked for 1234931' in str(caught.value)


def test_every_record_a_search_returns_is_checked(emulator, monkeypatch):
    from ansible_collections.channel.partner.plugins.module_utils import _partner_model
    # A server that ignores the filter returns every service: only the matching ones are kept.
    monkeypatch.setattr(_partner_model, 'live_service_search', lambda **filters: None)
    services = make_api(emulator).live_services(product='outmail', client_id=9987601)
    assert sorted(service['id'] for service in services) == [1234933, 1234934]
    assert emulator.requests(api='partner')[-1]['query'] == {}


def test_insufficient_credits_states_balance_and_cost(emulator):
    api = make_api(emulator)
    catalogue = api.service_catalogue()
    cost = regrade_cost(catalogue, 'Outmail500', 'Outmail25000')
    with pytest.raises(InsufficientCredits) as caught:
        api.regrade(SERVICE, 'Outmail25000', balance=catalogue['balance'], cost=cost)
    error = caught.value
    assert isinstance(error, ApiError)
    assert error.status == 405 and error.applied is False
    assert (error.balance, error.cost) == (100, 117)
    assert 'insufficient partner credits: regrading live service %d to Outmail25000 costs 117 credits, balance is 100' \
        % SERVICE in str(error)
    assert error.to_dict()['cost'] == 117
    assert_no_secret(error)
    assert api.live_service(SERVICE)['tariff_service_name'] == 'Outmail500'


def test_insufficient_credits_looks_up_the_balance(emulator):
    with pytest.raises(InsufficientCredits) as caught:
        make_api(emulator).regrade(SERVICE, 'Outmail25000')
    assert caught.value.balance == 100
    assert caught.value.cost is None
    assert 'insufficient partner credits' in str(caught.value) and 'balance is 100' in str(caught.value)


def test_regrade_to_a_name_not_offered(emulator):
    with pytest.raises(ApiError) as caught:
        make_api(emulator).regrade(SERVICE, 'Profilter10')
    assert caught.value.status == 400
    assert not isinstance(caught.value, InsufficientCredits)


def test_from_module_refuses_plain_http_to_a_remote_host():
    class FakeModule:
        params = {'api_url': 'http://portal.example.com/api-v1', 'partner_id': PARTNER_ID, 'api_key': API_KEY,
                  'timeout': 30, 'validate_certs': True, 'ca_path': None, 'allow_plain_http': False}

        def fail_json(self, **result):
            raise SystemExit(result)

    with pytest.raises(SystemExit) as caught:
        PartnerApi.from_module(FakeModule())
    assert 'allow_plain_http' in caught.value.args[0]['msg']
    FakeModule.params['allow_plain_http'] = True
    assert isinstance(PartnerApi.from_module(FakeModule()), PartnerApi)
