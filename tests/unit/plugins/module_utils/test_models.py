# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two model files, the only places that spell the vendors' field names: what they read and what they write."""

import pytest

from ansible_collections.channel.partner.plugins.module_utils import _partner_model as partner
from ansible_collections.channel.partner.plugins.module_utils import _retailer_model as retailer
from ansible_collections.channel.partner.plugins.module_utils._argspec import list_problems, positive_integer, problems, repeated, \
    single_form, text
from ansible_collections.channel.partner.plugins.module_utils._values import ShapeError


def test_live_service_search_uses_the_vendor_names_and_leaves_out_unset_filters():
    assert partner.live_service_search(product='outmail', client_id=9987600, whmcs_service_id=None) == \
        "('client_id':'9987600','product':'outmail')"
    assert partner.live_service_search(product=None) is None


@pytest.mark.parametrize('body, payload', [
    ({'meta': {'success': True}, 'data': {'id': 1}}, ({'id': 1}, {'success': True})),
    ({'data': []}, ([], {})),
])
def test_success_envelope(body, payload):
    assert partner.success_payload(body) == payload


@pytest.mark.parametrize('body, words', [
    ({'meta': {'success': False}, 'data': None}, 'meta.success false'),
    ({'meta': {'success': True}}, 'the body is an object with meta'),
    ([1, 2], 'the body is a JSON list'),
    ('text', 'the body is a JSON str'),
])
def test_what_is_not_a_success_envelope_is_a_shape_error(body, words):
    with pytest.raises(ShapeError) as caught:
        partner.success_payload(body)
    assert words in str(caught.value)


@pytest.mark.parametrize('body, found', [
    ({'error': {'name': 'Not Found', 'url': '/x', 'message': 'gone'}}, ('Not Found', 'gone')),
    ({'name': 'Not Found', 'url': '/x', 'message': 'gone'}, ('Not Found', 'gone')),
    ({'something': 'else'}, (None, None)),
    ('text', (None, None)),
])
def test_partner_error_envelopes(body, found):
    assert partner.error_of(body) == found


def test_price_list_and_balance():
    prices = partner.price_list([{'service_name': 'A', 'product': 'outmail', 'credits': 3}], {'partner_credits': 40})
    assert prices == {'balance': 40, 'services': {'A': {'service_name': 'A', 'product': 'outmail', 'credits': 3}}}
    assert partner.balance_of_partner({'partner_credits': 7}) == 7
    assert partner.regrade_body('A') == {'tariff_service_name': 'A'}


def test_account_status_reads_code_profile_and_packs():
    status = retailer.AccountStatus({'Code': 0, 'Description': 'Enabled', 'IdAccount': '23053', 'IdProfile': '1048',
                                     'ActivePacks': [{'Id': 534, 'Quantity': 2, 'CurrentQuantity': 1}]})
    assert (status.account_id, status.state, status.profile_id) == (23053, 'enabled', 1048)
    # The requested total counts, not what has propagated so far.
    assert (status.quantity(534), status.quantity('534'), status.quantity(535), status.lists(534), status.lists(535)) == \
        (2, 2, 0, True, False)
    assert retailer.AccountStatus({'Code': 1}).state == 'disabled' and retailer.AccountStatus({}).state == 'disabled'
    assert retailer.summary_of(None) == {'state': 'absent', 'profile_id': None}


def test_a_prediction_changes_only_what_it_predicts():
    vendor = {'Code': 0, 'Description': 'Enabled', 'IdProfile': 1046, 'Credits': 5, 'Extra': 'kept'}
    status = retailer.AccountStatus(vendor)
    assert status.predicted().as_result() == vendor
    predicted = status.predicted(state='disabled', profile_id=1047, totals=[(534, 3)]).as_result()
    assert predicted == {'Code': 1, 'Description': 'Disabled', 'IdProfile': 1047, 'Credits': 5, 'Extra': 'kept',
                         'ActivePacks': [{'Id': 534, 'Quantity': 3, 'CurrentQuantity': 3}]}
    assert 'ActivePacks' not in vendor


@pytest.mark.parametrize('body, page', [
    ({'IsPaginated': True, 'Items': [{'Id': 1}, {'Id': 2}], 'TotalElementsCount': 5}, ([{'Id': 1}, {'Id': 2}], 5, True)),
    ({'IsPaginated': False, 'Items': [{'Id': 1}], 'TotalElementsCount': '1'}, ([{'Id': 1}], 1, False)),
    ({'Items': None}, ([], None, True)),
    ([{'Id': 1}], ([{'Id': 1}], 1, False)),
])
def test_paging_envelope(body, page):
    assert retailer.page_of(body) == page


@pytest.mark.parametrize('body, words', [
    ({'Items': 'abc', 'TotalElementsCount': 1}, 'Items should be a list'),
    ({'Items': [], 'TotalElementsCount': 'abc'}, 'TotalElementsCount should be a number'),
    ({'Items': [], 'TotalElementsCount': -1}, 'TotalElementsCount should not be negative'),
    ({'Items': [3], 'TotalElementsCount': 1}, 'Items[0] should be an object'),
    ('a page', 'the list answer should be an object'),
    ([1], 'the list[0] should be an object'),
])
def test_what_is_not_a_page_is_a_shape_error(body, words):
    with pytest.raises(ShapeError) as caught:
        retailer.page_of(body)
    assert words in str(caught.value)


@pytest.mark.parametrize('read, value, words', [
    (retailer.AccountStatus, 'enabled', 'the account status should be an object'),
    (retailer.AccountStatus, {'Code': 'zero'}, 'Code should be a number'),
    (retailer.AccountStatus, {'Code': 0, 'IdProfile': 'abc'}, 'IdProfile should be a number'),
    (retailer.AccountStatus, {'Code': 0, 'ActivePacks': 'all'}, 'ActivePacks should be a list'),
    (retailer.AccountStatus, {'Code': 0, 'ActivePacks': [{'Id': 1, 'Quantity': 1.5}]}, 'ActivePacks[0].Quantity should be a whole number'),
    (retailer.ProfilePack, {'Id': 1, 'Min': 0}, 'pack.Max is missing'),
    (retailer.Profile, {'Id': True}, 'profile.Id should be a number'),
    (retailer.EnableAnswer, None, 'the answer should be an object'),
    (retailer.BusinessResult, {'Description': 'ok'}, 'Code is missing'),
    (partner.live_service_record, {'id': 1, 'regrade_servicenames': 5}, 'data.regrade_servicenames should be a list'),
    (partner.live_service_record, [], 'data should be an object'),
    (partner.live_service_record, {'id': None}, 'data.id is missing'),
    (partner.balance_of_partner, {'partner_credits': 'lots'}, 'data.partner_credits should be a number'),
    (partner.balance_of_partner, {'partner_credits': float('nan')}, 'data.partner_credits should be a number'),
])
def test_answers_of_another_shape_are_named_by_their_field(read, value, words):
    with pytest.raises(ShapeError) as caught:
        read(value)
    assert words in str(caught.value)


def test_numbers_the_vendor_quotes_are_read_as_numbers():
    assert partner.price_list([{'service_name': 'A', 'credits': '12'}], {'partner_credits': '40.5'}) == \
        {'balance': 40.5, 'services': {'A': {'service_name': 'A', 'product': None, 'credits': 12}}}
    assert retailer.AccountStatus({'Code': '0', 'IdProfile': '9', 'ActivePacks': [{'Id': '3', 'Quantity': '2'}]}).held() == [(3, 2)]


@pytest.mark.parametrize('body, found', [
    ({'ErrorCode': '401', 'ErrorDescription': 'expired', 'ErrorName': 'Unauthorized'}, ('401', 'expired')),
    ({'ErrorCode': '429', 'ErrorDescription': None, 'ErrorName': 'TooMany'}, ('429', 'TooMany')),
    ({'Code': 1, 'Description': 'Quantity limits exceeded'}, (1, 'Quantity limits exceeded')),
    ({'error': 'invalid_grant', 'error_description': 'bad password'}, ('invalid_grant', 'bad password')),
    ({'Message': 'plain'}, (None, 'plain')),
    (['not', 'an', 'object'], (None, None)),
])
def test_retailer_error_shapes(body, found):
    assert retailer.error_of(body) == found


def test_bodies_queries_and_summaries_in_the_vendors_spelling():
    assert retailer.pack_write_body(3, retailer.ABSOLUTE) == {'Quantity': 3, 'WorkMode': 'absolute'}
    assert retailer.enable_query(False) == {'Enable': 'false'}
    # Both spellings MailUp's pages use; a server ignores the one it does not know.
    assert retailer.page_query(50, 2) == {'PageSize': 50, 'PageNumber': 2, 'pageSize': 50, 'pageNumber': 2}
    pack = retailer.ProfilePack({'Id': '534', 'Name': 'Extra', 'Min': 0, 'Max': 10})
    assert retailer.pack_summary(534, pack, quantity=3) == {'Id': 534, 'Name': 'Extra', 'Min': 0, 'Max': 10, 'Quantity': 3}
    assert retailer.pack_summary(534, quantity_before=1) == {'Id': 534, 'Name': None, 'Min': None, 'Max': None, 'quantity_before': 1}
    assert retailer.business_result(1, 'Quantity limits exceeded', name='quantity_limits_exceeded') == \
        {'Code': 1, 'Description': 'Quantity limits exceeded', 'name': 'quantity_limits_exceeded'}
    assert retailer.tokens_of({'access_token': 'a', 'refresh_token': 'r'}) == ('a', 'r')
    assert retailer.tokens_of({'access_token': ''}) == (None, None)
    answer = retailer.EnableAnswer({'Code': 1, 'Description': 'Deactivated', 'ValidFrom': 'f', 'ValidTo': 't'})
    assert (answer.enabled, answer.validity) == (False, {'ValidFrom': 'f', 'ValidTo': 't'})


def test_option_rules_name_the_option_and_its_place_in_a_list():
    rules = {'count': positive_integer, 'name': text('a thing')}
    assert problems({'count': 0, 'name': ' ', 'other': -1}, rules) == ['count must be a positive integer, not 0', 'name must name a thing']
    assert problems({'count': None}, rules) == []
    assert list_problems('things', [{'count': 1}, {'count': -2}], rules) == ['things[1].count must be a positive integer, not -2']
    assert repeated('things', [7, 8, 7, 7], lambda key: 'thing %s' % key) == ['thing 7 is listed more than once (things[0], things[2], things[3])']
    item = {'count': dict(type='int', required=True)}
    assert single_form(item) == {'count': {'type': 'int'}} and item['count']['required'] is True
