# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lost answer never becomes a second write, and the advice after a failure is safe to follow.

Each case creates a condition the world creates and the fault suite does not: a write the vendor
applies after the client gave up, a write applied and then answered by a proxy's 503 or by a
success the client does not expect, a list that fails part-way, two writers at once, a redirect
to another origin, an answer that contradicts the request. Every test asserts on the emulator's
state and request log: how often each write arrived and was applied (once or not at all, never
twice), what the result says (applied, unknown), and the state after following the advice of the
message exactly as written: what the user asked for, with no double increment, no revert and no
second charge.
"""

import re
import time

import pytest
import yaml

from emulator_fixture import ACCOUNTS, PARTNER_LOGIN, retailer_account_args, stored_account
from modrun import ModuleProcess, run_module
from scripted_server import ScriptedServer

SERVICE = 1234931
TIMEOUT = 1
# Past the client's timeout, short enough for a test.
HOLD = 2.5


def pack_args(emu, account_id=23055, **options):
    return retailer_account_args(emu, account_id, timeout=TIMEOUT, **options)


def regrade_args(emu, **options):
    return dict(PARTNER_LOGIN, api_url=emu.partner_url, timeout=TIMEOUT, **options)


def quantity(emu, pack_id, account_id=23055):
    return dict((pack['Id'], pack['Quantity']) for pack in stored_account(emu, account_id)['ActivePacks']).get(pack_id, 0)


def service_state(emu, service_id=SERVICE):
    state = emu.snapshot()
    service = [entry for entry in state['live_services'] if entry['id'] == service_id][0]
    return service['tariff_service_name'], state['partner']['partner_credits']


def arrived(emu, method, path_end):
    """The requests of the log with this method whose path ends so (each one arrived at the vendor)."""
    return [entry for entry in emu.requests(method=method) if entry['path'].endswith(path_end)]


def wait_until_answered(emu, seconds=HOLD + 3):
    """Wait until no request is still held by the emulator (a late apply has landed)."""
    deadline = time.monotonic() + seconds
    while any(entry['status'] is None for entry in emu.requests()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)


def advised_totals(message):
    """The totals the message advises, as a user would paste them into the task (YAML)."""
    match = re.search(r'\((packs: \[[^\]]*\]|pack_id: \d+, quantity: \d+)\)', message)
    assert match, 'the message advises no totals: %s' % message
    return yaml.safe_load('{%s}' % match.group(1))


# Increments


def test_an_increment_applied_after_the_timeout_is_never_called_not_applied_and_the_advice_reaches_the_total(emulator):
    emulator.add_fault('late_apply', route='Account/23055/Pack/537$', method='POST', count=1, seconds=HOLD)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=1))
    message = result['msg']
    assert result['failed'] is True and result['applied'] is None and result['changed'] is True
    assert 'no complete answer within 1.0 seconds' in message
    assert 'a read-back shows quantity=0, as before the write: not applied so far, but the vendor may still apply it' in message
    assert 'it may be applied later (it would add 1 to pack 537' in message
    assert advised_totals(message) == {'pack_id': 537, 'quantity': 1}
    # The advice, at once: the total, sent as an absolute write while the increment is still held.
    assert run_module('retailer_pack', pack_args(emulator, pack_id=537, quantity=1))['changed'] is True
    wait_until_answered(emulator)
    # The held increment landed after that: one pack too many, as the message warned ...
    assert quantity(emulator, 537) == 2
    # ... and the total, run again later as the advice says, corrects it.
    assert run_module('retailer_pack', pack_args(emulator, pack_id=537, quantity=1))['changed'] is True
    assert quantity(emulator, 537) == 1
    assert len(arrived(emulator, 'POST', '/Pack/537')) == 3


def test_following_the_advice_after_a_late_increment_landed_sends_nothing(emulator):
    emulator.add_fault('late_apply', route='Account/23055/Pack/537$', method='POST', count=1, seconds=HOLD)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=1))
    wait_until_answered(emulator)
    emulator.clear_requests()
    follow = run_module('retailer_pack', pack_args(emulator, **advised_totals(result['msg'])))
    assert follow['changed'] is False and emulator.writes() == []
    assert quantity(emulator, 537) == 1


def test_a_list_with_a_late_increment_stops_and_its_advice_is_the_totals(emulator):
    emulator.add_fault('late_apply', route='Account/23055/Pack/537$', method='POST', count=1, seconds=HOLD)
    packs = [{'pack_id': 534, 'increment': 2}, {'pack_id': 537, 'increment': 1}, {'pack_id': 536, 'quantity': 4}]
    # One write at a time (concurrency 1): what comes after the failure is never started.
    result = run_module('retailer_pack', pack_args(emulator, packs=packs, concurrency=1))
    message = result['msg']
    assert result['failed'] is True and result['changed'] is True
    assert [plan['outcome'] for plan in result['plans']] == ['done', 'unknown', 'not_attempted']
    assert 'running the task again as it is would add 2 to pack 534 and add 1 to pack 537 once more' in message
    totals = advised_totals(message)['packs']
    assert totals == [{'pack_id': 534, 'quantity': 5}, {'pack_id': 537, 'quantity': 1}, {'pack_id': 536, 'quantity': 4}]
    wait_until_answered(emulator)
    run_module('retailer_pack', pack_args(emulator, packs=totals))
    assert [quantity(emulator, pack_id) for pack_id in (534, 537, 536)] == [5, 1, 4]
    # Each increment arrived once; the second run sent only the total that still differed.
    assert [len(arrived(emulator, 'POST', '/Pack/%d' % pack_id)) for pack_id in (534, 537, 536)] == [1, 1, 1]


@pytest.mark.parametrize('status', [503, 502, 500, 504, 201, 204, 200])
def test_an_increment_applied_and_answered_by_a_proxy_or_an_unexpected_success_is_sent_once(emulator, status):
    # Envoy answers 503 on an upstream reset after the vendor applied the request; a confused server answers 201, 204 or
    # a 200 that is not JSON. None of them says whether it was applied.
    emulator.add_fault('applied_answer', route='Account/23055/Pack/537$', method='POST', count=1, status=status)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=1))
    assert result['failed'] is True and result['applied'] is None
    assert 'a read-back shows quantity=1, as if it was applied once, but another writer could have made the same change' in result['msg']
    assert 'It was not sent again.' in result['msg']
    assert len(arrived(emulator, 'POST', '/Pack/537')) == 1 and quantity(emulator, 537) == 1
    emulator.clear_requests()
    follow = run_module('retailer_pack', pack_args(emulator, **advised_totals(result['msg'])))
    assert follow['changed'] is False and emulator.writes() == [] and quantity(emulator, 537) == 1


def test_a_list_that_fails_part_way_gives_the_totals_not_run_again(emulator):
    start = dict((pack_id, quantity(emulator, pack_id)) for pack_id in (534, 535, 537))
    emulator.add_fault('status', route='Account/23055/Pack/535$', method='POST', count=1, status=500)
    packs = [{'pack_id': 537, 'increment': 1}, {'pack_id': 535, 'increment': 2}, {'pack_id': 534, 'quantity': 6}]
    # One write at a time (concurrency 1): what comes after the failure is never started.
    result = run_module('retailer_pack', pack_args(emulator, packs=packs, concurrency=1))
    message = result['msg']
    assert result['writes_done'] == ['added 1 to pack 537 Extra storage 1 GB of the account 23055 (0 -> 1)']
    assert result['writes_unknown'] == ['add 2 to pack 535 Extra 10,000 emails of the account 23055 (1 -> 3)']
    assert 'run the task again' not in message
    assert 'running the task again as it is would add 1 to pack 537 and add 2 to pack 535 once more' in message
    totals = advised_totals(message)['packs']
    assert totals == [{'pack_id': 537, 'quantity': start[537] + 1}, {'pack_id': 535, 'quantity': start[535] + 2},
                      {'pack_id': 534, 'quantity': 6}]
    run_module('retailer_pack', pack_args(emulator, packs=totals))
    assert [quantity(emulator, pack_id) for pack_id in (537, 535, 534)] == [start[537] + 1, start[535] + 2, 6]
    assert len(arrived(emulator, 'POST', '/Pack/537')) == 1


def test_two_writers_at_once_an_increment_never_applied_is_not_reported_as_applied(emulator, tmp_path):
    start = quantity(emulator, 537)
    # Writer A's POST is held and then dropped without being applied; writer B adds its own pack meanwhile.
    emulator.add_fault('hang', route='Account/23055/Pack/537$', method='POST', count=1, seconds=TIMEOUT + 2)
    first = ModuleProcess('retailer_pack', dict(pack_args(emulator, pack_id=537, increment=1), timeout=2), tmp_path)
    deadline = time.monotonic() + 20
    while not arrived(emulator, 'POST', '/Pack/537') and time.monotonic() < deadline:
        time.sleep(0.02)
    second = run_module('retailer_pack', pack_args(emulator, pack_id=537, increment=1))
    assert 'failed' not in second and second['changed'] is True
    result = first.result()
    # A sees exactly what its own increment would have made, and still does not claim it.
    assert result['failed'] is True and result['applied'] is None
    assert 'a read-back shows quantity=%d, as if it was applied once, but another writer could have made the same change' \
        % (start + 1) in result['msg']
    assert quantity(emulator, 537) == start + 1
    assert [entry['status'] for entry in arrived(emulator, 'POST', '/Pack/537')] == [None, 200]


# Absolute writes: a late one never reverts a later change


@pytest.mark.parametrize('regrade_to_current', ['ok', 'error'])
def test_a_late_regrade_is_not_sent_again_and_following_the_advice_charges_once(emulator, regrade_to_current):
    emulator.configure(regrade_to_current=regrade_to_current)
    emulator.add_fault('late_apply', route='/live_services/%d$' % SERVICE, method='PATCH', count=1, seconds=HOLD)
    result = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000'))
    message = result['msg']
    assert result['failed'] is True and result['applied'] is None
    assert 'a read-back shows tariff_service_name=Outmail500, as before the write: not applied so far' in message
    assert 'it may be applied later (it would regrade live service 1234931 from Outmail500 to Outmail1000)' in message
    assert 'check before changing this again to something else' in message
    assert message.endswith('running the task again is safe: it reads the state again and writes only what still differs.')
    assert len(arrived(emulator, 'PATCH', '/live_services/%d' % SERVICE)) == 1
    # The advice, as written: run the task again (a second regrade to the same package cannot charge twice) ...
    again = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000'))
    assert 'failed' not in again
    # ... and check before moving the service on: once the late request has landed, it changes nothing.
    wait_until_answered(emulator)
    assert service_state(emulator) == ('Outmail1000', 98)
    moved = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail5000'))
    assert 'failed' not in moved
    time.sleep(0.3)
    # 22 credits for the 22-credit path 500 -> 1000 -> 5000, and nothing moved it back.
    assert service_state(emulator) == ('Outmail5000', 78)


def test_a_late_absolute_pack_total_is_not_sent_again(emulator):
    emulator.add_fault('late_apply', route='Account/23055/Pack/534$', method='POST', count=1, seconds=HOLD)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=7))
    assert result['failed'] is True and result['applied'] is None and 'running the task again is safe' in result['msg']
    assert len(arrived(emulator, 'POST', '/Pack/534')) == 1
    assert 'failed' not in run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=7))
    wait_until_answered(emulator)
    assert quantity(emulator, 534) == 7
    assert 'failed' not in run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=2))
    time.sleep(0.3)
    assert quantity(emulator, 534) == 2


def test_a_late_disable_is_not_sent_again(emulator):
    emulator.add_fault('late_apply', route='Account/23055$', method='PUT', count=1, seconds=HOLD)
    args = retailer_account_args(emulator, 23055, state='disabled', timeout=TIMEOUT)
    result = run_module('retailer_account', args)
    assert result['failed'] is True and result['applied'] is None
    assert 'a read-back shows state=enabled, as before the write: not applied so far' in result['msg']
    assert len(arrived(emulator, 'PUT', '/Account/23055')) == 1
    assert 'failed' not in run_module('retailer_account', args)
    wait_until_answered(emulator)
    assert stored_account(emulator, 23055)['Code'] == 1
    enable = run_module('retailer_account', dict(args, state='enabled'))
    assert 'failed' not in enable
    time.sleep(0.3)
    assert stored_account(emulator, 23055)['Code'] == 0


def test_an_absolute_write_whose_answer_was_lost_counts_as_applied_only_when_the_read_back_shows_it(emulator):
    emulator.add_fault('drop_after', route='/live_services/%d$' % SERVICE, method='PATCH', count=1)
    result = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000'))
    assert 'failed' not in result and result['changed'] is True
    assert any('counts as applied' in str(warning) and 'not sent again' in str(warning) for warning in result['warnings'])
    assert len(arrived(emulator, 'PATCH', '/live_services/%d' % SERVICE)) == 1
    assert service_state(emulator) == ('Outmail1000', 98)


def test_two_writers_at_once_on_a_service_another_writers_change_is_not_taken_as_this_one(emulator, tmp_path):
    emulator.add_fault('hang', route='/live_services/%d$' % SERVICE, method='PATCH', count=1, seconds=TIMEOUT + 2)
    first = ModuleProcess('live_service_regrade', dict(regrade_args(emulator, live_service_id=SERVICE,
                                                                    tariff_service_name='Outmail1000'), timeout=2), tmp_path)
    deadline = time.monotonic() + 20
    while not arrived(emulator, 'PATCH', '/live_services/%d' % SERVICE) and time.monotonic() < deadline:
        time.sleep(0.02)
    second = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail5000'))
    assert 'failed' not in second
    result = first.result()
    assert result['failed'] is True and result['applied'] is None
    assert ('a read-back shows tariff_service_name=Outmail5000: neither the state before (tariff_service_name=Outmail500) nor the '
            'one wanted (tariff_service_name=Outmail1000), so another writer may be at work') in result['msg']
    assert service_state(emulator) == ('Outmail5000', 78)


# Redirects


@pytest.mark.parametrize('status', [307, 308])
def test_a_redirect_from_the_token_endpoint_never_takes_the_credentials_elsewhere(emulator, status):
    with ScriptedServer() as elsewhere:
        emulator.add_fault('redirect', route='/Authorization/OAuth/Token', status=status, location=elsewhere.url)
        result = run_module('retailer_account_info', dict(retailer_account_args(emulator, 23055), timeout=TIMEOUT))
        assert result['failed'] is True
        assert 'could not obtain an OAuth2 access token' in result['msg']
        assert 'a POST is never sent on to another address (its body and credentials with it), so it did not reach the vendor' \
            in result['msg']
        assert elsewhere.received == []
    assert [entry['status'] for entry in emulator.requests(api='oauth')] == [status]


@pytest.mark.parametrize('location', ['scripted', 'http://partner.example.invalid', 'same origin'])
def test_a_redirected_write_did_not_reach_the_vendor_and_says_so(emulator, location):
    with ScriptedServer() as elsewhere:
        target = {'scripted': elsewhere.url, 'same origin': emulator.url}.get(location, location)
        emulator.add_fault('redirect', route='/live_services/%d$' % SERVICE, method='PATCH', status=307, location=target, count=1)
        result = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000'))
        assert result['failed'] is True and result['applied'] is False and result['changed'] is False
        assert 'a PATCH is never sent on to another address (its body and credentials with it), so it did not reach the vendor' \
            in result['msg']
        assert 'Nothing was changed.' in result['msg']
        assert elsewhere.received == []
    assert service_state(emulator) == ('Outmail500', 100)
    assert len(arrived(emulator, 'PATCH', '/live_services/%d' % SERVICE)) == 1


def test_a_read_follows_a_redirect_within_its_origin_only(emulator):
    with ScriptedServer() as elsewhere:
        emulator.add_fault('redirect', route='/live_services/%d$' % SERVICE, method='GET', status=302, location=elsewhere.url, count=1)
        refused = run_module('live_service_info', regrade_args(emulator, live_service_id=SERVICE))
        assert refused['failed'] is True and 'redirect to another origin' in refused['msg'] and elsewhere.received == []
    emulator.add_fault('redirect', route='/live_services/%d$' % SERVICE, method='GET', status=301, location=emulator.url, count=1)
    followed = run_module('live_service_info', regrade_args(emulator, live_service_id=SERVICE))
    assert 'failed' not in followed and followed['live_services'][0]['id'] == SERVICE
    assert [entry['status'] for entry in arrived(emulator, 'GET', '/live_services/%d' % SERVICE)][-2:] == [301, 200]


# Answers that contradict the request


def test_a_pack_answer_with_a_refusal_code_is_not_taken_as_success(emulator):
    emulator.add_fault('contradict', route='Account/23055/Pack/534$', method='POST', count=1)
    result = run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=6))
    assert result['failed'] is True and result['applied'] is None
    assert 'MailUp answered 200 but with the business code 1, which contradicts it' in result['msg']
    assert 'a read-back shows quantity=3, as before the write' in result['msg']
    assert len(arrived(emulator, 'POST', '/Pack/534')) == 1 and quantity(emulator, 534) == 3
    assert 'failed' not in run_module('retailer_pack', pack_args(emulator, pack_id=534, quantity=6))
    assert quantity(emulator, 534) == 6


def test_a_regrade_answer_showing_another_package_is_not_taken_as_success(emulator):
    emulator.add_fault('contradict', route='/live_services/%d$' % SERVICE, method='PATCH', count=1)
    result = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Outmail1000'))
    assert result['failed'] is True and result['applied'] is None
    assert 'the vendor answered the regrade to Outmail1000 with live service 1234931 on Outmail100, which contradicts it' in result['msg']
    assert 'a read-back shows tariff_service_name=Outmail500, as before the write' in result['msg']
    assert 'failed' not in run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE,
                                                                           tariff_service_name='Outmail1000'))
    assert service_state(emulator) == ('Outmail1000', 98)


def test_a_write_goes_only_to_the_service_asked_for(emulator):
    # Asked for 1234931, the vendor answers with 1234932's record: nothing may be written on the strength of it.
    emulator.add_fault('contradict', route='/live_services/%d$' % SERVICE, method='GET', count=1)
    result = run_module('live_service_regrade', regrade_args(emulator, live_service_id=SERVICE, tariff_service_name='Profilter100'))
    assert result['failed'] is True and 'the vendor answered with live service 1234932 when asked for 1234931' in result['msg']
    assert emulator.writes() == []
    assert service_state(emulator, 1234932)[0] == 'Profilter50'


def test_a_lookup_writes_only_to_a_service_that_matches_it(emulator, monkeypatch):
    # A server that ignores the search returns every service; the lookup keeps only the one that matches.
    from ansible_collections.channel.partner.plugins.module_utils import _partner_model
    monkeypatch.setattr(_partner_model, 'live_service_search', lambda **filters: None)
    result = run_module('live_service_regrade', regrade_args(emulator, product='profilter', whmcs_service_id='502',
                                                             tariff_service_name='Profilter100'))
    assert 'failed' not in result and result['live_service']['id'] == 1234932
    assert [entry['path'] for entry in emulator.writes()] == ['/api-v1/live_services/1234932']


def test_an_enable_answer_that_contradicts_the_request_is_not_taken_as_success(emulator):
    emulator.add_fault('contradict', route='Account/23054$', method='PUT', count=1)
    args = retailer_account_args(emulator, 23054, state='enabled', timeout=TIMEOUT)
    result = run_module('retailer_account', args)
    assert result['failed'] is True and result['applied'] is None
    assert 'which contradicts the request to enable it' in result['msg'] and 'a read-back shows state=disabled' in result['msg']
    assert 'failed' not in run_module('retailer_account', args)
    assert stored_account(emulator, 23054)['Code'] == 0


def test_a_profile_change_answered_done_but_not_applied_is_not_taken_as_success(emulator):
    emulator.add_fault('contradict', route='Account/23055/Profile/1048$', method='PUT', count=1)
    args = retailer_account_args(emulator, 23055, profile='Premium', timeout=TIMEOUT, poll_interval=0.05)
    result = run_module('retailer_account', args)
    assert result['failed'] is True and result['applied'] is None
    assert 'the vendor answered that it was done, but a read-back does not show it' in result['msg']
    assert 'a read-back shows profile_id=1047, as before the write' in result['msg']
    assert 'failed' not in run_module('retailer_account', args)
    assert stored_account(emulator, 23055)['IdProfile'] == 1048
    assert ACCOUNTS[23055] == 'cust-23055'
