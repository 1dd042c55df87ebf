# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module through every fault of api-spec.md section 1.3, on every route it uses.

Each case runs a module in-process against the emulator with one fault on one route,
either once (the client's retry rules should carry the task through) or on every
request (the task must fail). Either way the task must end in one of two honest ways:

- it converged: the emulator's state is exactly the wanted state, and it said so;
- it failed with a message that says what was done and what was not: the state is
  untouched and the message says nothing changed (or that it cannot tell), or the
  state moved and the message reports the writes that were made.

Besides: nothing is left hanging past the client's timeout, no write is ever sent twice unless
the vendor refused it outright (429, or its own 503), an incremental pack change is never
applied twice, an info module never writes, and following the advice of the message without
the fault reaches the wanted state.
"""

import re
import time

import pytest

from ansible_collections.channel.partner.plugins.module_utils._http import HttpClient
from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from modrun import run_module

PARTNER = PARTNER_LOGIN
RETAILER = RETAILER_LOGIN
# Short, so that a hang costs little; far above what the local emulator needs to answer.
TIMEOUT = 1.0
HANG_SECONDS = 10
RETRY_AFTER = 1
LATENCY = 0.2
# Loose: four attempts at TIMEOUT, three Retry-After waits, polling and slack. A task that
# waited for the hang itself (10 s per attempt) would be far beyond it.
ELAPSED_LIMIT = 4 * TIMEOUT + 3 * RETRY_AFTER + 15

FAULTS = {
    'latency': {'kind': 'latency', 'seconds': LATENCY},
    '429': {'kind': 'status', 'status': 429, 'retry_after': RETRY_AFTER},
    '500': {'kind': 'status', 'status': 500},
    '502': {'kind': 'status', 'status': 502},
    '503': {'kind': 'status', 'status': 503},
    '504': {'kind': 'status', 'status': 504},
    'drop_before': {'kind': 'drop_before'},
    'drop_after': {'kind': 'drop_after'},
    'html': {'kind': 'html'},
    'hang': {'kind': 'hang', 'seconds': HANG_SECONDS},
}

SERVICE = '/API/v1.1/Rest/RetailerService.svc'
ROUTES = {
    'service': (r'/api-v1/live_services/\d+$', 'GET'),
    'service_list': (r'/api-v1/live_services$', 'GET'),
    'price_list': (r'/api-v1/live_services/service_names$', 'GET'),
    'regrade': (r'/api-v1/live_services/\d+$', 'PATCH'),
    'token': (r'/Authorization/OAuth/Token$', 'POST'),
    'profiles': (SERVICE + r'/Management/Profile$', 'GET'),
    'profile_packs': (SERVICE + r'/Management/Profile/\d+/Pack$', 'GET'),
    'account_status': (SERVICE + r'/Account/\d+/Status$', 'GET'),
    'enable': (SERVICE + r'/Account/\d+$', 'PUT'),
    'delete': (SERVICE + r'/Account/\d+$', 'DELETE'),
    'profile_change': (SERVICE + r'/Account/\d+/Profile/\d+$', 'PUT'),
    'pack_write': (SERVICE + r'/Account/\d+/Pack/\d+$', 'POST'),
}

# A failed write task must say what happened to the state.
NOTHING_DONE = re.compile(r'nothing was (changed|added|sent|written)|was not applied|not applied|no change was made', re.I)
UNSURE = re.compile(r'may (or may not )?have been applied|may still complete|whether it was applied is unknown|'
                    r'check the account', re.I)
SOMETHING_DONE = re.compile(r'Done before the failure: (?!none)|counts as applied', re.I)
WRITE_ROUTES = ('regrade', 'enable', 'delete', 'profile_change', 'pack_write')


def _stored_account(snapshot, account_id):
    for entry in snapshot['retailer']['accounts']:
        if entry['IdAccount'] == account_id:
            return entry
    return None


def _pack_quantity(snapshot, account_id, pack_id):
    for pack in (_stored_account(snapshot, account_id) or {}).get('ActivePacks', []):
        if pack['Id'] == pack_id:
            return pack['Quantity']
    return 0


def _regrade_state(snapshot):
    service = [entry for entry in snapshot['live_services'] if entry['id'] == 1234931][0]
    return service['tariff_service_name'], snapshot['partner']['partner_credits']


def _account_state(snapshot):
    entry = _stored_account(snapshot, 23054)
    return None if entry is None else (entry['Code'], entry['IdProfile'])


class Scenario:
    """A task with a known start and wanted state, and the routes it sends requests to."""

    def __init__(self, name, module, connection, args, routes, observe=None, wanted=None, always_routes=(),
                 repeatable=True):
        self.name, self.module, self.connection, self.args = name, module, connection, args
        self.routes, self.always_routes = routes, always_routes
        self.observe, self.wanted, self.repeatable = observe, wanted, repeatable

    @property
    def writes(self):
        return self.observe is not None

    def arguments(self, emu):
        url = emu.partner_url if self.connection is PARTNER else emu.retailer_url
        return dict(self.connection, api_url=url, timeout=TIMEOUT, **self.args)


SCENARIOS = [
    Scenario('regrade', 'live_service_regrade', PARTNER, {'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
             ['service', 'price_list', 'regrade'], _regrade_state, ('Outmail1000', 98), always_routes=['regrade']),
    Scenario('service_info', 'live_service_info', PARTNER, {'product': 'outmail', 'client_id': 9987601},
             ['service_list', 'price_list'], always_routes=['service_list']),
    Scenario('profile_info', 'retailer_profile_info', RETAILER, {'name': 'Economy', 'include_packs': True},
             ['token', 'profiles', 'profile_packs'], always_routes=['profiles']),
    Scenario('account_update', 'retailer_account', RETAILER,
             {'account_id': 23054, 'external_user_id': 'cust-23054', 'state': 'enabled', 'profile': 'Economy',
              'poll_interval': 0.05, 'wait_timeout': 20},
             ['account_status', 'profiles', 'enable', 'profile_change'], _account_state, (0, 1047),
             always_routes=['account_status', 'profile_change']),
    Scenario('account_delete', 'retailer_account', RETAILER,
             {'account_id': 23054, 'external_user_id': 'cust-23054', 'state': 'absent'},
             ['delete'], _account_state, None, always_routes=['delete']),
    Scenario('pack_set', 'retailer_pack', RETAILER,
             {'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'quantity': 5},
             ['account_status', 'profile_packs', 'pack_write'],
             lambda snapshot: _pack_quantity(snapshot, 23055, 534), 5, always_routes=['pack_write']),
    Scenario('pack_increment', 'retailer_pack', RETAILER,
             {'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 535, 'increment': 1},
             ['account_status', 'pack_write'], lambda snapshot: _pack_quantity(snapshot, 23055, 535), 2,
             always_routes=['pack_write'], repeatable=False),
]


def _cases():
    for scenario in SCENARIOS:
        for times in ('once', 'always'):
            for route in (scenario.routes if times == 'once' else scenario.always_routes):
                for fault in FAULTS:
                    yield pytest.param(scenario, route, fault, times, id='%s-%s-%s-%s' % (scenario.name, route, fault, times))


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    # The retry rules run unchanged; only the waits between attempts are shortened (a
    # Retry-After from the server is still honoured in full).
    monkeypatch.setattr(HttpClient, 'BACKOFF_BASE', 0.02)
    monkeypatch.setattr(HttpClient, 'BACKOFF_MAX', 0.1)


def _run_with_fault(emu, scenario, route, fault, times):
    pattern, method = ROUTES[route]
    options = dict(FAULTS[fault])
    if times == 'always' and fault == '429':
        # Waiting is proven by the single 429; a persistent one only has to end in a failure.
        options['retry_after'] = 0
    emu.add_fault(route=pattern, method=method, count=1 if times == 'once' else None, **options)
    started = time.monotonic()
    result = run_module(scenario.module, scenario.arguments(emu))
    elapsed = time.monotonic() - started
    # A fault fires on the first matching request, so a request on the route proves it fired.
    fired = len([entry for entry in emu.requests() if entry['method'] == method and re.search(pattern, entry['path'])])
    emu.clear_faults()
    return result, elapsed, fired


def _check_write_outcome(scenario, result, start, end, writes_sent):
    message = result.get('msg', '')
    if not result.get('failed'):
        assert end == scenario.wanted, 'reported success but the state is %r, not %r' % (end, scenario.wanted)
        assert result['changed'] is True
        return
    assert end in (start, scenario.wanted) or result.get('writes_done'), 'failed half-way without saying so: %r' % (end,)
    if not writes_sent:
        # No write left this host, so the module can know (and must say) that nothing changed.
        assert NOTHING_DONE.search(message) and not UNSURE.search(message), \
            'no write was sent, but the message does not say that nothing changed: %s' % message
    elif end == start:
        assert NOTHING_DONE.search(message) or UNSURE.search(message), \
            'the state is unchanged but the message does not say so: %s' % message
    else:
        assert SOMETHING_DONE.search(message) or UNSURE.search(message) or result.get('writes_done'), \
            'the state changed but the message does not say what was done: %s' % message


def _retries_recover(scenario, route, fault):
    """Whether the client's rules must carry the task through one fault."""
    if route == 'profile_change' and fault == '500':
        # MailUp's only signal of a failed profile-change job is a 500 to the same PUT.
        return False
    # A request the vendor refused outright (429, its own 503) may always go again, and so may a read.
    if fault in ('latency', '429', '503') or route not in WRITE_ROUTES:
        return True
    # A write whose answer is lost or garbled is never sent again: only a read-back that shows an absolute write
    # applied carries the task (a profile change is applied only by a later PUT, so it cannot show it yet).
    return fault == 'drop_after' and scenario.repeatable and route != 'profile_change'


@pytest.mark.parametrize('scenario, route, fault, times', list(_cases()))
def test_fault(emulator, scenario, route, fault, times):
    baseline = None
    if not scenario.writes:
        # What an info module reports without a fault is what it must report with one, or fail.
        baseline = run_module(scenario.module, scenario.arguments(emulator))
        assert 'failed' not in baseline, baseline
    before = emulator.snapshot()
    start = scenario.observe(before) if scenario.writes else None
    emulator.clear_requests()

    result, elapsed, fired = _run_with_fault(emulator, scenario, route, fault, times)
    assert fired >= 1, 'the fault never fired: the route %s is not used by this task' % route
    assert elapsed < ELAPSED_LIMIT, 'the task took %.1f s: it waited for a hung request' % elapsed
    if fault == '429' and times == 'once':
        assert elapsed >= RETRY_AFTER * 0.9, 'the Retry-After of %s s was not honoured' % RETRY_AFTER
    after = emulator.snapshot()

    if times == 'once' and _retries_recover(scenario, route, fault):
        assert not result.get('failed'), result

    if not scenario.writes:
        assert emulator.writes() == [], 'an info module sent a write'
        assert after == before
        if result.get('failed'):
            assert re.search(r'\b(GET|POST) \S+ failed', result['msg']), result['msg']
        else:
            assert result == baseline
        return

    end = scenario.observe(after)
    _check_write_outcome(scenario, result, start, end, emulator.writes())
    arguments = scenario.arguments(emulator)
    if not scenario.repeatable:
        # An incremental change lands at most once, whatever the fault; the message advises the absolute total,
        # never the increment again.
        assert end in (start, start + scenario.args['increment']), 'the increment was applied more than once: %r' % end
        if not result.get('failed'):
            return
        if result.get('applied') is not False or result['writes_done']:
            # Something was or may have been applied: the message gives the total to set instead.
            total = 'pack_id: %s, quantity: %s' % (arguments['pack_id'], scenario.wanted)
            assert total in result['msg'], result['msg']
            arguments['quantity'] = scenario.wanted
            del arguments['increment']
    # Following the advice of the message (run again, or set the total) without the fault converges.
    again = run_module(scenario.module, arguments)
    assert not again.get('failed'), again
    assert scenario.observe(emulator.snapshot()) == scenario.wanted
