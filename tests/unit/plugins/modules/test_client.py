# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.client, run in-process against the emulator over real HTTP: check -> apply -> again for every
change, the request floor, the KB's rules for suspension and deletion, and every lookup the vendor leaves open."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN
from hostile_vendor import HostileVendor, envelope
from modrun import check_apply_again as shared_check_apply_again, run_module
from scripted_server import Answer

NEW = {'external_userid': 'cust-9001', 'email': 'ada@example.org', 'title': 'Ms', 'firstname': 'Ada', 'surname': 'Lovelace'}


def connection(emu, options):
    return dict({'api_url': emu.partner_url}, **PARTNER_LOGIN, **options)


def client(emu, check_mode=False, diff=False, **options):
    return run_module('client', connection(emu, options), check_mode=check_mode, diff=diff)


def stored(emu, client_id):
    return [entry for entry in emu.snapshot()['clients'] if entry['id'] == client_id][0]


def services_of(emu, client_id):
    return dict((service['id'], service['suspended']) for service in emu.snapshot()['live_services'] if service['client_id'] == client_id)


def check_apply_again(emu, **options):
    return shared_check_apply_again(emu, 'client', connection(emu, options))[0]


def test_a_new_customer_is_created_once_and_found_by_external_userid(emulator):
    real = check_apply_again(emulator, **NEW)
    assert real['changed'] is True and real['plan']['action'] == 'create'
    assert real['plan']['before'] == {'state': 'absent'}
    # The key finds the client; the fields are what the create sets.
    assert real['plan']['after'] == {'state': 'present', 'email': 'ada@example.org', 'title': 'Ms', 'firstname': 'Ada', 'surname': 'Lovelace'}
    created = [entry for entry in emulator.snapshot()['clients'] if entry['external_userid'] == 'cust-9001']
    assert len(created) == 1 and created[0]['email'] == 'ada@example.org' and created[0]['active'] == 1
    assert real['client']['id'] == created[0]['id'] and real['client']['enabled'] is True


def test_a_no_op_costs_one_search_and_a_create_one_post(emulator):
    client(emulator, **NEW)
    creates = [(r['method'], r['path']) for r in emulator.requests(api='partner')]
    assert creates == [('GET', '/api-v1/clients'), ('POST', '/api-v1/clients')]
    emulator.clear_requests()
    client(emulator, **NEW)
    assert [(r['method'], r['path'], r['query']) for r in emulator.requests(api='partner')] == [
        ('GET', '/api-v1/clients', {'search': "('external_userid':'cust-9001')"})]


def test_only_the_fields_given_are_changed(emulator):
    real = check_apply_again(emulator, external_userid='123456', surname='Bloggs-Smith')
    assert real['plan']['before'] == {'state': 'present', 'surname': 'Bloggs'}
    assert real['plan']['after'] == {'state': 'present', 'surname': 'Bloggs-Smith'}
    entry = stored(emulator, 9987600)
    assert (entry['surname'], entry['firstname'], entry['email']) == ('Bloggs-Smith', 'Fred', 'fred@example.com')


def test_suspending_a_client_suspends_its_services_and_unsuspending_leaves_them_suspended(emulator):
    assert not any(services_of(emulator, 9987600).values())
    check_apply_again(emulator, client_id=9987600, enabled=False)
    assert stored(emulator, 9987600)['active'] == 0
    assert all(services_of(emulator, 9987600).values())
    real = check_apply_again(emulator, client_id=9987600, enabled=True)
    assert stored(emulator, 9987600)['active'] == 1
    # KB 401: the services stay suspended, and the result says which.
    assert sorted(real['services_left_suspended']) == sorted(services_of(emulator, 9987600)) and all(services_of(emulator, 9987600).values())


@pytest.mark.parametrize('mechanism, path', [('enabled_resource', '/api-v1/clients/9987601/enabled'),
                                             ('client_patch', '/api-v1/clients/9987601')])
def test_suspension_works_with_either_mechanism(emulator, mechanism, path):
    emulator.configure(client_enable=mechanism)
    check_apply_again(emulator, client_id=9987601, enabled=False)
    assert stored(emulator, 9987601)['active'] == 0
    assert [w['path'] for w in emulator.writes()] == []
    emulator.configure(client_enable=mechanism)
    client(emulator, client_id=9987601, enabled=True)
    assert emulator.writes()[-1]['path'] == path and stored(emulator, 9987601)['active'] == 1


@pytest.mark.parametrize('deleted_read', ['anonymised', 'not_found'])
def test_absent_anonymises_the_client_and_suspends_its_services(emulator, deleted_read):
    emulator.configure(deleted_client_read=deleted_read)
    real = check_apply_again(emulator, client_id=9987601, state='absent')
    assert real['plan']['action'] == 'delete' and real['client'] is None
    entry = stored(emulator, 9987601)
    assert entry['external_userid'] is None and entry['email'] is None and entry['active'] == 0
    # KB 399: the services are suspended, not deleted.
    assert services_of(emulator, 9987601) and all(services_of(emulator, 9987601).values())
    emulator.clear_requests()
    by_key = client(emulator, external_userid='123457', state='absent')
    assert by_key['changed'] is False and emulator.writes() == []


def test_a_client_is_created_only_from_external_userid_and_email(emulator):
    by_id = client(emulator, client_id=9999999, email='x@example.org')
    assert by_id['failed'] is True and 'client 9999999 does not exist' in by_id['msg'] and 'client_id finds an existing client only' in by_id['msg']
    no_email = client(emulator, external_userid='cust-9002')
    assert no_email['failed'] is True and 'created from external_userid and email' in no_email['msg']
    assert emulator.writes() == []


def test_two_clients_with_one_external_userid_are_not_guessed_between(emulator):
    with emulator.edit_state() as state:
        state['clients'].append(dict(state['clients'][0], id=9987650))
    result = client(emulator, external_userid='123456', surname='X')
    assert result['failed'] is True and '2 clients have external_userid 123456 (ids 9987600, 9987650)' in result['msg']
    assert emulator.writes() == []


def test_a_server_that_ignores_the_search_still_finds_the_right_client(emulator):
    emulator.configure(search_filter='ignored')
    real = check_apply_again(emulator, external_userid='123457', title='Dr')
    assert real['client']['id'] == 9987601 and stored(emulator, 9987601)['title'] == 'Dr'
    assert stored(emulator, 9987600)['title'] == 'Mr'


def test_a_lost_create_answer_is_settled_by_a_lookup_and_not_sent_again(emulator):
    emulator.add_fault('drop_after', route='/api-v1/clients', method='POST')
    result = client(emulator, **NEW)
    assert result.get('failed') is not True, result.get('msg')
    assert [w['method'] for w in emulator.writes()] == ['POST']
    assert len([entry for entry in emulator.snapshot()['clients'] if entry['external_userid'] == 'cust-9001']) == 1
    assert any('counts as applied' in str(warning) and 'not sent again' in str(warning) for warning in result['warnings'])


def test_bad_input_is_refused_before_any_request(emulator):
    for options, words in [({}, 'one of client_id and external_userid is required'),
                           ({'external_userid': '  '}, 'external_userid must name'),
                           ({'client_id': -4}, 'client_id'),
                           ({'external_userid': 'a', 'state': 'gone'}, 'state')]:
        result = client(emulator, **options)
        assert result['failed'] is True and words in result['msg'], (options, result['msg'])
    assert emulator.requests() == []


KEYS = ['123456', '123457', 'cust-new-1']
SURNAMES = [None, 'Bloggs', 'Doe', 'Novak']


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(KEYS),
    start_active=st.sampled_from([0, 1]),
    state=st.sampled_from(['present', 'absent']),
    enabled=st.sampled_from([None, True, False]),
    surname=st.sampled_from(SURNAMES),
    search_filter=st.sampled_from(['honoured', 'ignored']),
)
def test_property_client_converges_and_check_mode_predicts(emulator, key, start_active, state, enabled, surname, search_filter):
    """Whatever the start and the wish, the preview says what the real run does, the emulator then holds the wish, and a rerun
    writes nothing."""
    emulator.reset()
    emulator.configure(search_filter=search_filter)
    with emulator.edit_state() as start:
        for entry in start['clients']:
            entry['active'] = start_active
    options = {'external_userid': key, 'state': state, 'email': '%s@example.org' % key}
    if enabled is not None:
        options['enabled'] = enabled
    if surname is not None:
        options['surname'] = surname
    real, writes = shared_check_apply_again(emulator, 'client', connection(emulator, options))
    assert real['changed'] == bool(writes) == (real['plan']['before'] != real['plan']['after'])
    held = [entry for entry in emulator.snapshot()['clients'] if entry['external_userid'] == key]
    if state == 'absent':
        assert held == [] and real['client'] is None
    else:
        assert len(held) == 1 and held[0]['email'] == '%s@example.org' % key
        assert surname is None or held[0]['surname'] == surname
        assert enabled is None or held[0]['active'] == int(enabled)
        assert real['client']['id'] == held[0]['id'] and real['client']['enabled'] == bool(held[0]['active'])


def _first_then(first, later):
    """A route answer: ``first`` for the first request, ``later`` for every one after it."""
    return lambda _request, count: first if count == 0 else later


PROXY_ERROR = Answer(502, b'<html><body>Bad gateway</body></html>', content_type='text/html')
FRED = {'id': 9987600, 'external_userid': '123456', 'email': 'fred@example.com', 'active': 0}


def test_a_create_whose_answer_and_read_back_both_fail_is_unknown_not_nothing_changed():
    # The lookup before the write finds nobody; the create's answer is a proxy's 502 (it may have been applied); every
    # read after it fails as well.
    with HostileVendor(('GET', r'^/clients(\?|$)', _first_then(Answer.json(200, envelope([])), PROXY_ERROR)),
                       ('POST', r'^/clients$', PROXY_ERROR)) as vendor:
        result = run_module('client', vendor.partner_args(external_userid='123456', email='fred@example.com'))
    assert result['failed'] is True and result['applied'] is None and result['changed'] is True, result
    assert 'whether it was applied is unknown: the read-back failed' in result['msg'] and 'It was not sent again' in result['msg']
    assert 'Nothing was changed' not in result['msg']
    assert result['writes_unknown'] == ['create the client external_userid=123456']
    # A plain rerun could make a second client if the lost create arrives later: the advice says to look first.
    assert 'running the task again is safe' not in result['msg']
    assert 'look the client up first (channel.partner.client_info with its external_userid)' in result['msg']
    assert [sent for sent in vendor.sent() if sent[0] == 'POST'] == [('POST', '/clients')]


def test_a_lost_create_answer_read_back_as_two_clients_is_unknown():
    twins = [dict(FRED, active=1), dict(FRED, id=9987650, active=1)]
    with HostileVendor(('GET', r'^/clients(\?|$)', _first_then(Answer.json(200, envelope([])), Answer.json(200, envelope(twins)))),
                       ('POST', r'^/clients$', PROXY_ERROR)) as vendor:
        result = run_module('client', vendor.partner_args(external_userid='123456', email='fred@example.com'))
    assert result['failed'] is True and result['applied'] is None, result
    assert '2 clients have external_userid 123456 (ids 9987600, 9987650), so it cannot tell which one this task made' in result['msg']
    assert 'Nothing was changed' not in result['msg']


def test_an_unsuspend_whose_services_cannot_be_read_is_done_and_says_so():
    with HostileVendor(('GET', r'^/clients/9987600$', Answer.json(200, envelope(FRED))),
                       ('PATCH', r'^/clients/9987600/enabled$', Answer.json(200, envelope(dict(FRED, active=1)))),
                       ('GET', r'^/live_services(\?|$)', PROXY_ERROR)) as vendor:
        result = run_module('client', vendor.partner_args(client_id=9987600, enabled=True))
    assert result.get('failed') is not True and result['changed'] is True, result
    assert result['client']['enabled'] is True and 'services_left_suspended' not in result
    assert any('unsuspended, but reading its services failed' in str(warning) and 'KB 401' in str(warning)
               for warning in result['warnings'])
