# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk write forms with several writes in flight (option concurrency), in-process against the emulator.

Faults are injected on chosen items of the list while the others are in flight: a refusal, an answer that comes
after the client's timeout, a 429, a write held up a little. What the run must show, asserted on the emulator's
state and request log: the first items start together; after the first failure no new write starts; the writes in
flight finish with their real outcome; the rest are not attempted; the result lists the items in the order given;
following the advice converges with no write applied twice and no credit charged twice.

The held-up answers only order events (a write still in flight when another fails); nothing asserts on time.
"""

import re
import time

import pytest
import yaml

from emulator_fixture import PARTNER_LOGIN, partner_calls, retailer_account_args, set_partner_state, stored_account
from modrun import run_module

# Extra outMail services on Outmail500, for lists longer than the fixture's; Outmail500 -> Outmail1000 costs 2 credits.
FIRST_EXTRA = 3100001
START, TARGET, COST = 'Outmail500', 'Outmail1000', 2
# BackupMX10 -> BackupMX50 costs 16 credits.
EXPENSIVE = 1234936
# Past the client's timeout (TIMEOUT), and long after the rest of the run is over.
TIMEOUT = 1.5
LATE = 4.0
# Long enough that a write is still in flight when a faster one has failed, well within TIMEOUT.
HELD = 0.5


def add_services(emu, count):
    """``count`` more outMail services on Outmail500 (ids from FIRST_EXTRA); their ids."""
    ids = list(range(FIRST_EXTRA, FIRST_EXTRA + count))
    with emu.edit_state() as state:
        template = next(service for service in state['live_services'] if service['id'] == 1234931)
        for offset, service_id in enumerate(ids):
            state['live_services'].append(dict(template, id=service_id, whmcs_service_id=str(880000 + offset), record_id=880000 + offset))
    return ids


def regrade(emu, services, check_mode=False, **options):
    args = dict(PARTNER_LOGIN, api_url=emu.partner_url, services=services, timeout=TIMEOUT, **options)
    return run_module('live_service_regrade', args, check_mode=check_mode)


def wanted(service_ids, expensive_at=None):
    items = [{'live_service_id': service_id, 'tariff_service_name': TARGET} for service_id in service_ids]
    if expensive_at is not None:
        items.insert(expensive_at, {'live_service_id': EXPENSIVE, 'tariff_service_name': 'BackupMX50'})
    return items


def tariffs(emu):
    return dict((service['id'], service['tariff_service_name']) for service in emu.snapshot()['live_services'])


def balance(emu):
    return emu.snapshot()['partner']['partner_credits']


def statuses(emu, path_end, method='PATCH'):
    """The answers the vendor gave to the requests whose path ends so, in arrival order."""
    return [entry['status'] for entry in emu.requests(method=method) if entry['path'].endswith(path_end)]


def wait_until_answered(emu, seconds=LATE + 5):
    """Until no request is still held by the emulator (the late answer has been applied)."""
    deadline = time.monotonic() + seconds
    while any(entry['status'] is None for entry in emu.requests()) and time.monotonic() < deadline:
        time.sleep(0.05)


def regraded(service_id):
    return 'regraded live service %s from %s to %s' % (service_id, START, TARGET)


def to_regrade(service_id):
    return 'regrade live service %s from %s to %s' % (service_id, START, TARGET)


def test_faults_mid_run_each_item_has_its_real_outcome_and_a_rerun_converges_charging_once(emulator):
    extra = add_services(emulator, 9)
    # 15 credits: every cheap regrade fits, the expensive one (16) never does, whatever the order of arrival.
    set_partner_state(emulator, credits=15)
    services = wanted(extra, expensive_at=3)
    # The first four start together. Item 0 meets a 429 (retried once), item 1 is answered only after the client's
    # timeout and applied then, item 2 is held up a little, item 3 is refused for credits at once.
    emulator.add_fault('status', route='/live_services/%d$' % extra[0], method='PATCH', status=429, retry_after=1, count=1)
    emulator.add_fault('late_apply', route='/live_services/%d$' % extra[1], method='PATCH', seconds=LATE, count=1)
    emulator.add_fault('latency', route='/live_services/%d$' % extra[2], method='PATCH', seconds=HELD, count=1)

    result = regrade(emulator, services, concurrency=4, credit_check=False)

    assert result['failed'] is True and result['changed'] is True and result['applied'] is None
    # In the order of the list, whatever order the writes finished in.
    assert [plan['resource'] for plan in result['plans']] == ['live_service/%d' % item['live_service_id'] for item in services]
    assert [plan['outcome'] for plan in result['plans']] == ['done', 'unknown', 'done', 'failed'] + ['not_attempted'] * 6
    assert result['writes_done'] == [regraded(extra[0]), regraded(extra[2])]
    assert result['writes_unknown'] == [to_regrade(extra[1])]
    message = result['msg']
    # The first failure in list order leads; the refusal that came earlier in time is named too.
    assert message.startswith('could not %s: ' % to_regrade(extra[1]))
    assert ('whether it was applied is unknown: a read-back shows tariff_service_name=Outmail500, as before the write: not applied so '
            'far, but the vendor may still apply it. It was not sent again.') in message
    assert ('Also in flight at the same time, and failed: could not regrade live service %d from BackupMX10 to BackupMX50: ' % EXPENSIVE
            in message)
    assert 'insufficient partner credits: regrading live service %d to BackupMX50 costs 16 credits, balance is' % EXPENSIVE in message
    assert 'Done before the failure or while it was in flight: %s; %s.' % (regraded(extra[0]), regraded(extra[2])) in message
    assert 'Not attempted: %s.' % '; '.join(to_regrade(service_id) for service_id in extra[3:]) in message
    assert 'it may be applied later (it would %s)' % to_regrade(extra[1]) in message
    # What the vendor charged, read once after the last write in flight: the two regrades that were applied.
    assert (result['credits_charged'], result['credits_balance_after']) == (2 * COST, 15 - 2 * COST)

    # The log: the 429 was retried (one write applied), the late one and the refused one were sent once, nothing after.
    assert statuses(emulator, '/%d' % extra[0]) == [429, 200]
    assert statuses(emulator, '/%d' % extra[1]) in ([None], [200])
    assert statuses(emulator, '/%d' % extra[2]) == [200] and statuses(emulator, '/%d' % EXPENSIVE) == [405]
    assert all(statuses(emulator, '/%d' % service_id) == [] for service_id in extra[3:])
    # The unknown write was read back once.
    assert statuses(emulator, '/%d' % extra[1], method='GET') == [200]

    # The late write lands; the partner adds credits; the same task again converges, sending only what still differs.
    wait_until_answered(emulator)
    assert tariffs(emulator)[extra[1]] == TARGET and balance(emulator) == 15 - 3 * COST
    set_partner_state(emulator, credits=100)
    emulator.clear_requests()
    again = regrade(emulator, services, concurrency=4)
    assert again.get('failed') is not True, again.get('msg')
    sent = sorted(path for method, path in partner_calls(emulator) if method == 'PATCH')
    assert sent == sorted(['/live_services/%d' % EXPENSIVE] + ['/live_services/%d' % service_id for service_id in extra[3:]])
    state = tariffs(emulator)
    assert all(state[item['live_service_id']] == item['tariff_service_name'] for item in services)
    # Every regrade charged once: 16 for the expensive one, 2 for each of the six left.
    assert balance(emulator) == 100 - 16 - 6 * COST == again['credits_balance_after']
    assert again['credits_charged'] == 16 + 6 * COST == again['credits_cost']

    emulator.clear_requests()
    third = regrade(emulator, services, concurrency=4)
    assert third['changed'] is False and emulator.writes() == []


def test_the_credit_check_covers_the_whole_list_before_the_first_write(emulator):
    extra = add_services(emulator, 12)
    # Eleven regrades fit, the twelfth does not: nothing is sent, however many could go at once.
    set_partner_state(emulator, credits=11 * COST)
    result = regrade(emulator, wanted(extra), concurrency=8)
    assert result['failed'] is True and 'insufficient partner credits' in result['msg'] and 'Nothing was changed' in result['msg']
    assert result['credits_cost'] == 12 * COST and result['credits_balance_before'] == 11 * COST
    assert [plan['outcome'] for plan in result['plans']] == ['not_attempted'] * 12
    assert emulator.writes() == [] and balance(emulator) == 11 * COST


def test_check_mode_predicts_what_the_concurrent_run_does(emulator):
    extra = add_services(emulator, 10)
    services = wanted(extra, expensive_at=5)
    predicted = regrade(emulator, services, check_mode=True, concurrency=6)
    assert emulator.writes() == []
    real = regrade(emulator, services, concurrency=6)
    assert real.get('failed') is not True, real.get('msg')
    for key in ('changed', 'live_services', 'credits_cost', 'credits_balance_before', 'credits_balance_after_predicted'):
        assert predicted[key] == real[key], key
    assert predicted['plans'] == [dict((key, value) for key, value in plan.items() if key not in ('balance_observed', 'credits_charged'))
                                  for plan in real['plans']]
    assert balance(emulator) == 100 - 16 - 10 * COST and real['credits_charged'] == real['credits_cost']
    assert sorted(entry['path'] for entry in emulator.writes()) == sorted('/api-v1/live_services/%d' % item['live_service_id']
                                                                          for item in services)


def test_a_lost_answer_settled_by_its_read_back_lets_the_run_go_on_and_warns_in_list_order(emulator):
    extra = add_services(emulator, 6)
    # Two writes applied whose answers are lost: each read-back shows the package wanted, so each counts as applied.
    for service_id in (extra[1], extra[4]):
        emulator.add_fault('drop_after', route='/live_services/%d$' % service_id, method='PATCH', count=1)
    result = regrade(emulator, wanted(extra), concurrency=3)
    assert result.get('failed') is not True, result.get('msg')
    assert [plan['resource'] for plan in result['plans']] == ['live_service/%d' % service_id for service_id in extra]
    # A warning is a text or (newer ansible-core) a structure holding it.
    lost = [str(warning) for warning in result.get('warnings', []) if 'was lost' in str(warning)]
    assert [re.search(r'live service (\d+)', warning).group(1) for warning in lost] == [str(extra[1]), str(extra[4])]
    assert all(statuses(emulator, '/%d' % service_id) in ([200], [None]) for service_id in extra)
    assert balance(emulator) == 100 - 6 * COST == result['credits_balance_after']


def test_the_lifecycle_list_with_concurrency_stops_new_writes_after_a_failure(emulator):
    extra = add_services(emulator, 8)
    services = [{'live_service_id': service_id, 'state': 'suspended'} for service_id in extra]
    emulator.add_fault('latency', route='/live_services/%d/suspension$' % extra[0], method='PATCH', seconds=HELD, count=1)
    emulator.add_fault('status', route='/live_services/%d/suspension$' % extra[1], method='PATCH', status=500, count=1)
    args = dict(PARTNER_LOGIN, api_url=emulator.partner_url, services=services, timeout=TIMEOUT, concurrency=2)
    result = run_module('live_service', args)
    assert result['failed'] is True and result['applied'] is None
    assert [plan['outcome'] for plan in result['plans']] == ['done', 'unknown'] + ['not_attempted'] * 6
    assert result['writes_done'] == ['suspended the live service %d' % extra[0]]
    suspended = dict((service['id'], service['suspended']) for service in emulator.snapshot()['live_services'])
    assert [suspended[service_id] for service_id in extra] == [True, False] + [False] * 6
    assert all(statuses(emulator, '/%d/suspension' % service_id) == [] for service_id in extra[2:])
    emulator.clear_faults()
    emulator.clear_requests()
    again = run_module('live_service', args)
    assert again.get('failed') is not True, again.get('msg')
    assert sorted(entry['path'] for entry in emulator.writes()) == sorted('/api-v1/live_services/%d/suspension' % service_id
                                                                          for service_id in extra[1:])


# Packs: MailUp, paced.

ACCOUNT = 23055


def packs_run(emu, packs, **options):
    return run_module('retailer_pack', retailer_account_args(emu, ACCOUNT, packs=packs, timeout=TIMEOUT, **options))


def quantities(emu):
    return dict((pack['Id'], pack['Quantity']) for pack in stored_account(emu, ACCOUNT)['ActivePacks'])


def advised_totals(message):
    match = re.search(r'\((packs: \[[^\]]*\])\)', message)
    assert match, 'the message advises no totals: %s' % message
    return yaml.safe_load('{%s}' % match.group(1))['packs']


def test_pack_faults_mid_run_and_the_advice_reaches_the_totals_with_each_increment_applied_once(emulator):
    # Account 23055 starts with 534=3, 535=1, 536=2, 537=0, 538=0.
    packs = [{'pack_id': 534, 'quantity': 6}, {'pack_id': 536, 'quantity': 4}, {'pack_id': 537, 'increment': 2},
             {'pack_id': 535, 'quantity': 2}, {'pack_id': 538, 'quantity': 1}]
    emulator.add_fault('status', route='Account/23055/Pack/534$', method='POST', status=429, retry_after=1, count=1)
    emulator.add_fault('status', route='Account/23055/Pack/536$', method='POST', status=500, count=1)
    emulator.add_fault('latency', route='Account/23055/Pack/537$', method='POST', seconds=HELD, count=1)
    result = packs_run(emulator, packs, concurrency=3)
    assert result['failed'] is True and result['applied'] is None
    assert [plan['outcome'] for plan in result['plans']] == ['done', 'unknown', 'done', 'not_attempted', 'not_attempted']
    assert quantities(emulator) == {534: 6, 535: 1, 536: 2, 537: 2, 538: 0}
    assert statuses(emulator, '/Pack/534', 'POST') == [429, 200] and statuses(emulator, '/Pack/536', 'POST') == [500]
    assert statuses(emulator, '/Pack/537', 'POST') == [200]
    assert statuses(emulator, '/Pack/535', 'POST') == [] and statuses(emulator, '/Pack/538', 'POST') == []
    message = result['msg']
    assert 'running the task again as it is would add 2 to pack 537 once more' in message
    totals = advised_totals(message)
    assert totals == [{'pack_id': 534, 'quantity': 6}, {'pack_id': 536, 'quantity': 4}, {'pack_id': 537, 'quantity': 2},
                      {'pack_id': 535, 'quantity': 2}, {'pack_id': 538, 'quantity': 1}]
    follow = packs_run(emulator, totals, concurrency=3)
    assert follow.get('failed') is not True, follow.get('msg')
    assert quantities(emulator) == {534: 6, 535: 2, 536: 4, 537: 2, 538: 1}
    # The increment arrived once; the totals sent only what still differed.
    assert statuses(emulator, '/Pack/537', 'POST') == [200]


@pytest.mark.parametrize('vendor_scope, client_scope, limited', [
    # The emulator counts each resource path, as the client paces by default: no 429.
    ('path', 'resource', False),
    # The emulator counts the whole token: with the matching option no 429 either.
    ('token', 'token', False),
    # The mismatch: 429s, each retried, none of them a second write.
    ('token', 'resource', True),
])
def test_paced_increments_in_flight_together_are_each_applied_once(emulator, vendor_scope, client_scope, limited):
    emulator.configure(rate_limit=True, rate_limit_per_second=5, rate_limit_scope=vendor_scope)
    packs = [{'pack_id': pack_id, 'increment': 1} for pack_id in (534, 535, 536, 537, 538)]
    before = quantities(emulator)
    result = packs_run(emulator, packs, rate_limit_scope=client_scope)
    assert result.get('failed') is not True, result.get('msg')
    # An increment applied twice would show here.
    assert quantities(emulator) == dict((pack_id, quantity + 1) for pack_id, quantity in before.items())
    for pack_id in (534, 535, 536, 537, 538):
        assert statuses(emulator, '/Pack/%d' % pack_id, 'POST').count(200) == 1
    answered = [entry['status'] for entry in emulator.requests(api='retailer')]
    assert (429 in answered) is limited
