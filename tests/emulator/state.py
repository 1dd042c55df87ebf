"""State store of the emulator: the fixture data, the switches and the runtime bookkeeping.

Every mutation of the vendor state happens under ``Store.lock`` so that the threaded
server never exposes half-applied changes (a regrade debits credits and changes the
tariff in one step).
"""

import copy
import json
import os
import threading
import time

FIXTURES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')

# name -> (default, allowed values or a type); the order is the order of the README table.
SWITCHES = {
    'partner_error_envelope': ('nested', ('nested', 'flat', 'cake')),
    'regrade_servicenames_format': ('array', ('array', 'csv')),
    'regrade_servicenames_field': ('regrade_servicenames', ('regrade_servicenames', 'regarde_servicenames')),
    'price_list_balance': ('meta', ('meta', 'absent')),
    'regrade_answer': ('record', ('record', 'meta_only')),
    'search_filter': ('honoured', ('honoured', 'ignored')),
    'client_enable': ('enabled_resource', ('enabled_resource', 'client_patch')),
    'deleted_client_read': ('anonymised', ('anonymised', 'not_found')),
    'live_service_suspension': ('suspension_resource', ('suspension_resource', 'live_service_patch')),
    'create_service_field': ('service_name', ('service_name', 'tariff_service_name')),
    'regrade_cost_model': ('difference', ('difference', 'full')),
    'regrade_to_current': ('ok', ('ok', 'error')),
    'partner_form_bodies': (True, bool),
    'token_lifetime': (3600, 'number'),
    'external_user_id_in_query': (False, bool),
    'external_user_id_header': (True, bool),
    'external_user_id_strict': (False, bool),
    'paging_mode': ('parameters', ('parameters', 'total')),
    'paging_parameters': ('PageSize', ('PageSize', 'pageSize')),
    'invalid_token_status': (401, (401, 400)),
    'missing_account_status': (404, (404, 403)),
    'profile_change_delay': (0.0, 'number'),
    'profile_change_progress_status': (202, (202, 201)),
    'profile_change_outcome': ('ok', ('ok', 'fail')),
    'pack_propagation_delay': (0.0, 'number'),
    'rate_limit': (False, bool),
    'rate_limit_per_second': (5, 'number'),
    'rate_limit_scope': ('path', ('path', 'token')),
    'retry_after': (True, bool),
    'activation_delay': (0.0, 'number'),
    'activation_progress_status': (202, (202, 201)),
    'activation_outcome': ('ok', ('ok', 'error', 'finalize_error')),
    'create_account_answer': ('object', ('object', 'number')),
    'account_lookup': ('account_list', ('account_list', 'none')),
    'login_list_form': ('paginated', ('paginated', 'array')),
    'latency': (0.0, 'number'),
}


def default_config():
    return dict((name, spec[0]) for name, spec in SWITCHES.items())


def validate_switches(switches):
    """Return the switches checked against SWITCHES; raise ValueError on anything unknown or out of range."""
    checked = {}
    for name, value in switches.items():
        if name not in SWITCHES:
            raise ValueError('unknown emulator switch: %r' % (name,))
        allowed = SWITCHES[name][1]
        if allowed is bool:
            if not isinstance(value, bool):
                raise ValueError('switch %s must be true or false, not %r' % (name, value))
        elif allowed == 'number':
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError('switch %s must be a non-negative number, not %r' % (name, value))
        elif value not in allowed:
            raise ValueError('switch %s must be one of %s, not %r' % (name, ', '.join(repr(a) for a in allowed), value))
        checked[name] = value
    return checked


def fixture_path(fixture):
    """A fixture is a file name in fixtures/ without .json, or a path to a JSON file."""
    if os.sep in fixture or fixture.endswith('.json'):
        return fixture
    return os.path.join(FIXTURES_DIR, fixture + '.json')


def load_fixture(fixture):
    with open(fixture_path(fixture), encoding='utf-8') as handle:
        return json.load(handle)


class RecordIndex:
    """The records of one list of the state by one field, so that a request finds its record without reading the list.

    An estate of 10,000 live services would otherwise cost a scan of 10,000 records for every PATCH, under the store
    lock that every request waits for. The index is built again whenever the list is another one (a reset or a load) or
    has another length (a record added or removed); the first record with a value wins, as a scan from the start would.
    """

    def __init__(self, field):
        self.field = field
        self.records = None
        self.length = -1
        self.by_value = {}

    def find(self, records, value):
        if records is not self.records or len(records) != self.length:
            self.by_value = {}
            for record in records:
                self.by_value.setdefault(str(record.get(self.field)), record)
            self.records, self.length = records, len(records)
        return self.by_value.get(str(value))


class Store:
    """The vendor state plus what a real service keeps outside its database (tokens, jobs)."""

    def __init__(self, fixture, config=None):
        self.lock = threading.RLock()
        self.fixture = fixture
        self.base_config = default_config()
        self.base_config.update(validate_switches(config or {}))
        self.data = {}
        self.config = {}
        self.access_tokens = {}
        self.refresh_tokens = {}
        self.profile_jobs = {}
        self.activations = {}
        self.pending_packs = {}
        self.rate_windows = {}
        self.next_token = 1
        self.indexes = {'live_services': RecordIndex('id'), 'accounts': RecordIndex('IdAccount'),
                        'tariffs': RecordIndex('service_name')}
        self.reset()

    def reset(self, fixture=None):
        with self.lock:
            self.data = load_fixture(fixture or self.fixture)
            self.config = dict(self.base_config)
            self.access_tokens = {}
            self.refresh_tokens = {}
            self.profile_jobs = {}
            self.activations = {}
            self.pending_packs = {}
            self.rate_windows = {}
            self.next_token = 1

    def configure(self, **switches):
        checked = validate_switches(switches)
        with self.lock:
            self.config.update(checked)

    def snapshot(self):
        with self.lock:
            self.settle_packs()
            return copy.deepcopy(self.data)

    def load(self, data):
        """Replace the vendor state with ``data`` (in the shape of a fixture or a snapshot); switches, tokens and jobs stay."""
        if not isinstance(data, dict) or not {'partner', 'live_services', 'tariffs', 'retailer'} <= set(data):
            raise ValueError('the state must be an object with partner, live_services, tariffs and retailer, as a snapshot is')
        with self.lock:
            self.data = copy.deepcopy(data)

    # Retailer helpers shared by the OAuth and resource handlers.

    def account(self, account_id):
        return self.indexes['accounts'].find(self.data['retailer']['accounts'], account_id)

    # Partner helpers.

    def live_service(self, service_id):
        """The live service with that id, or None."""
        return self.indexes['live_services'].find(self.data['live_services'], service_id)

    def tariff(self, service_name):
        return self.indexes['tariffs'].find(self.data['tariffs'], service_name)

    def profile(self, profile_id):
        for profile in self.data['retailer']['profiles']:
            if str(profile['Id']) == str(profile_id):
                return profile
        return None

    def settle_packs(self):
        """Catch CurrentQuantity up with Quantity for pack changes whose propagation delay has passed."""
        now = time.monotonic()
        for key, ready_at in list(self.pending_packs.items()):
            if ready_at > now:
                continue
            del self.pending_packs[key]
            account = self.account(key[0])
            if account is None:
                continue
            for pack in account['ActivePacks']:
                if pack['Id'] == key[1]:
                    pack['CurrentQuantity'] = pack['Quantity']
