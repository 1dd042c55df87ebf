# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.live_service, run in-process against the emulator over real HTTP: create, suspend, resume, terminate,
one and many, with check -> apply -> again, the request floor and the KB's rule on services the system suspended."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN
from hostile_vendor import HostileVendor, envelope
from modrun import check_apply_again as shared_check_apply_again, run_module
from scripted_server import Answer

NEW_OUTMAIL = {'client_id': 9987600, 'product': 'outmail', 'whmcs_service_id': '7781', 'tariff_service_name': 'Outmail1000'}


def service(emu, check_mode=False, diff=False, **options):
    return run_module('live_service', dict({'api_url': emu.partner_url}, **PARTNER_LOGIN, **options), check_mode=check_mode, diff=diff)


def service_with(emu, options):
    return run_module('live_service', dict({'api_url': emu.partner_url}, **PARTNER_LOGIN, **options))


def on_package(tariff):
    return dict(NEW_OUTMAIL, tariff_service_name=tariff)


def stored(emu, service_id):
    found = [entry for entry in emu.snapshot()['live_services'] if entry['id'] == service_id]
    return found[0] if found else None


def calls(emu):
    return [(entry['method'], entry['path'][len('/api-v1'):]) for entry in emu.requests(api='partner')]


def check_apply_again(emu, **options):
    return shared_check_apply_again(emu, 'live_service', dict({'api_url': emu.partner_url}, **PARTNER_LOGIN, **options))[0]


def test_a_missing_outmail_is_created_once_charged_and_found_again(emulator):
    before = emulator.snapshot()['partner']['partner_credits']
    real = check_apply_again(emulator, **NEW_OUTMAIL)
    created = real['live_service']
    assert real['plan']['action'] == 'create' and real['credits_cost'] == 10
    assert stored(emulator, created['id'])['tariff_service_name'] == 'Outmail1000' and created['whmcs_service_id'] == '7781'
    assert emulator.snapshot()['partner']['partner_credits'] == before - 10
    # The rerun found it by client, product and whmcs id with one read.
    assert calls(emulator) == [('GET', '/live_services')]


def test_a_create_costs_the_price_list_the_post_and_one_read(emulator):
    service(emulator, **NEW_OUTMAIL)
    assert calls(emulator) == [('GET', '/live_services'), ('GET', '/live_services/service_names'), ('POST', '/outmails'),
                               ('GET', '/live_services/%s' % max(entry['id'] for entry in emulator.snapshot()['live_services']))]


@pytest.mark.parametrize('field', ['service_name', 'tariff_service_name'])
def test_the_package_is_understood_under_either_name(emulator, field):
    emulator.configure(create_service_field=field)
    real = service(emulator, **NEW_OUTMAIL)
    assert real['changed'] is True and real['live_service']['tariff_service_name'] == 'Outmail1000'


def test_a_create_with_too_few_credits_or_a_foreign_package_is_refused_before_any_write(emulator):
    short = service_with(emulator, on_package('Outmail25000'))
    assert short['failed'] is True and 'costs 125 credits, the balance is 100' in short['msg']
    foreign = service_with(emulator, on_package('FakeMX10'))
    assert foreign['failed'] is True and 'FakeMX10 is not a outmail package' in foreign['msg'] and 'Outmail1000' in foreign['msg']
    missing = service_with(emulator, on_package(None))
    assert missing['failed'] is True and 'tariff_service_name is not given' in missing['msg']
    assert emulator.writes() == []


@pytest.mark.parametrize('mechanism, path', [('suspension_resource', '/live_services/1234931/suspension'),
                                             ('live_service_patch', '/live_services/1234931')])
def test_suspend_and_resume_with_either_mechanism(emulator, mechanism, path):
    emulator.configure(live_service_suspension=mechanism)
    check_apply_again(emulator, live_service_id=1234931, state='suspended')
    assert stored(emulator, 1234931)['suspended'] is True
    emulator.clear_requests()
    resumed = service(emulator, live_service_id=1234931, state='active')
    assert resumed['changed'] is True and resumed['live_service']['suspended'] is False
    assert stored(emulator, 1234931)['suspended'] is False
    assert emulator.writes()[-1]['path'] == '/api-v1' + path


def test_a_service_the_system_suspended_is_never_resumed(emulator):
    result = service(emulator, live_service_id=1234939, state='active')
    assert result['failed'] is True and 'cannot resume a service the system suspended (KB 405)' in result['msg']
    assert result['refused'] == ['1234939 (suspended by the system, reason system)']
    assert result['plan']['suspended_by'] == 'system' and emulator.writes() == []
    # Wanting it suspended is already true; terminating it is allowed.
    assert service(emulator, live_service_id=1234939, state='suspended')['changed'] is False
    assert check_apply_again(emulator, live_service_id=1234939, state='absent')['plan']['action'] == 'terminate'


def test_terminate_removes_the_service_and_a_second_run_changes_nothing(emulator):
    real = check_apply_again(emulator, live_service_id=1234935, state='absent')
    assert real['live_service'] is None and stored(emulator, 1234935) is None


def test_the_bulk_form_reads_the_list_once_and_writes_only_the_changes(emulator):
    items = [{'live_service_id': 1234931, 'state': 'suspended'}, {'live_service_id': 1234932, 'state': 'active'},
             {'live_service_id': 1234938, 'state': 'active'}, {'live_service_id': 1234936, 'state': 'absent'},
             {'live_service_id': 1299999, 'state': 'absent'}]
    real = check_apply_again(emulator, services=items)
    assert [plan['action'] for plan in real['plans']] == ['update', 'none', 'update', 'terminate', 'none']
    assert (stored(emulator, 1234931)['suspended'], stored(emulator, 1234938)['suspended'], stored(emulator, 1234936)) == (True, False, None)
    assert calls(emulator) == [('GET', '/live_services')]


def test_the_bulk_form_refuses_every_impossible_item_before_the_first_write(emulator):
    result = service(emulator, services=[{'live_service_id': 1234931, 'state': 'suspended'}, {'live_service_id': 1234939, 'state': 'active'}])
    assert result['failed'] is True and '1234939' in result['msg'] and emulator.writes() == []
    assert [plan['outcome'] for plan in result['plans']] == ['not_attempted', 'not_attempted']
    missing = service(emulator, services=[{'live_service_id': 1299999, 'state': 'active'}])
    assert missing['failed'] is True and 'no live service 1299999' in missing['msg']


def test_a_failure_in_the_middle_says_what_was_done_what_is_unknown_and_what_was_not_attempted(emulator):
    emulator.add_fault('status', route='/api-v1/live_services/1234932/suspension', method='PATCH', status=500)
    # One write at a time (concurrency 1): what comes after the failure is never started.
    result = service(emulator, services=[{'live_service_id': 1234931, 'state': 'suspended'}, {'live_service_id': 1234932, 'state': 'suspended'},
                                         {'live_service_id': 1234933, 'state': 'suspended'}], concurrency=1)
    assert result['failed'] is True and result['changed'] is True
    assert result['writes_done'] == ['suspended the live service 1234931']
    assert result['writes_unknown'] == ['suspend the live service 1234932'] and result['applied'] is None
    assert 'It was not sent again' in result['msg'] and 'Not attempted: suspend the live service 1234933' in result['msg']
    assert [plan['outcome'] for plan in result['plans']] == ['done', 'unknown', 'not_attempted']
    assert [w['path'] for w in emulator.writes()].count('/api-v1/live_services/1234932/suspension') == 1
    assert stored(emulator, 1234933)['suspended'] is False


def test_a_lost_create_answer_is_settled_by_a_lookup_and_not_sent_again(emulator):
    emulator.add_fault('drop_after', route='/api-v1/outmails', method='POST')
    result = service(emulator, **NEW_OUTMAIL)
    assert result.get('failed') is not True, result.get('msg')
    assert [w['method'] for w in emulator.writes()] == ['POST']
    assert len([entry for entry in emulator.snapshot()['live_services'] if entry['whmcs_service_id'] == '7781']) == 1


def test_an_ambiguous_or_incomplete_name_is_refused(emulator):
    several = service(emulator, client_id=9987601, product='outmail')
    assert several['failed'] is True and 'client 9987601 has 2 outmail services (1234933, 1234934)' in several['msg']
    alone = service(emulator, product='outmail')
    assert alone['failed'] is True and 'by client_id (or client_external_userid) and product' in alone['msg']
    unknown = service(emulator, live_service_id=1299999)
    assert unknown['failed'] is True and 'the live service 1299999 does not exist' in unknown['msg']
    assert emulator.writes() == []


STARTS = {'active': (False, None), 'suspended by the partner': (True, 'partner'), 'suspended by the system': (True, 'system')}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(st.tuples(st.sampled_from([1234931, 1234932, 1234933, 1234935, 1234936]), st.sampled_from(sorted(STARTS)),
                             st.sampled_from(['active', 'suspended', 'absent'])),
                   min_size=1, max_size=4, unique_by=lambda item: item[0]),
    bulk=st.booleans(),
    mechanism=st.sampled_from(['suspension_resource', 'live_service_patch']),
    concurrency=st.sampled_from([1, 2, 4, 8]),
)
def test_property_live_service_converges_refuses_the_impossible_and_check_mode_predicts(emulator, items, bulk, mechanism, concurrency):
    emulator.reset()
    emulator.configure(live_service_suspension=mechanism)
    with emulator.edit_state() as start:
        for service_id, begin, _wanted in items:
            entry = [service for service in start['live_services'] if service['id'] == service_id][0]
            entry['suspended'], entry['suspend_reason'] = STARTS[begin]
    if not bulk:
        items = items[:1]
    # The bulk form one write at a time or several in flight (where each thread may find out the vendor's suspension field
    # for itself); the single form has one write whatever the value.
    options = {'services': [{'live_service_id': service_id, 'state': wanted} for service_id, _begin, wanted in items]} if bulk else {
        'live_service_id': items[0][0], 'state': items[0][2]}
    options['concurrency'] = concurrency
    impossible = [service_id for service_id, begin, wanted in items if begin == 'suspended by the system' and wanted == 'active']
    emulator.clear_requests()
    preview = service(emulator, check_mode=True, diff=True, **options)
    real = service(emulator, diff=True, **options)
    if impossible:
        # Refused before any write, in the preview as in the real run, naming every service the system suspended.
        assert preview['failed'] is True and real['failed'] is True and emulator.writes() == []
        assert all(str(service_id) in real['msg'] for service_id in impossible)
        return
    assert preview.get('failed') is not True and real.get('failed') is not True, real.get('msg')
    assert (preview['changed'], preview.get('plan'), preview.get('plans'), preview['diff']) == (
        real['changed'], real.get('plan'), real.get('plans'), real['diff'])
    for service_id, _begin, wanted in items:
        held = stored(emulator, service_id)
        assert (held is None) if wanted == 'absent' else (held['suspended'] == (wanted == 'suspended'))
    changed = [item for item in items if (STARTS[item[1]][0] and 'suspended' or 'active') != item[2]]
    # Under live_service_patch each write is first offered to /suspension, which answers 404 and so did nothing.
    applied = [write for write in emulator.writes() if write['status'] == 200]
    assert len(applied) == len(changed) and real['changed'] == bool(changed)
    assert all(write['status'] == 404 and write['path'].endswith('/suspension') for write in emulator.writes() if write['status'] != 200)
    emulator.clear_requests()
    again = service(emulator, **options)
    assert again['changed'] is False and emulator.writes() == [], again


def test_a_create_whose_answer_and_read_back_both_fail_is_unknown_and_the_advice_never_makes_a_second_service():
    proxy_error = Answer(502, b'<html><body>Bad gateway</body></html>', content_type='text/html')
    # The lookup before the write finds no service; the create's answer is a proxy's 502; every read after it fails too.
    with HostileVendor(('GET', r'^/live_services(\?|$)', lambda _request, count: Answer.json(200, envelope([])) if count == 0 else proxy_error),
                       ('POST', r'^/outmails$', proxy_error)) as vendor:
        result = run_module('live_service', vendor.partner_args(client_id=5, product='outmail', whmcs_service_id='w-1',
                                                                tariff_service_name='Outmail1000'))
    assert result['failed'] is True and result['applied'] is None and result['changed'] is True, result
    assert 'whether it was applied is unknown: the read-back failed' in result['msg'] and 'Nothing was changed' not in result['msg']
    assert 'running the task again is safe' not in result['msg']
    assert 'look the service up first (channel.partner.live_service_info' in result['msg'] and 'charge) a second service' in result['msg']
    assert [sent for sent in vendor.sent() if sent[0] == 'POST'] == [('POST', '/outmails')]
