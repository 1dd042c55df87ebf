# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The switch matrix: every module and every kind of write converges under every emulator switch setting.

Each setting is one way the vendors' pages leave a behaviour open (tests/emulator/README.md
names the source of each). Under each one, a fixed set of scenarios covering every module
and every write runs in-process against the emulator: the task succeeds, the emulator's state
is what was asked for, and a second run changes nothing and sends no write. A setting that
needs the user to say something (where the ExternalUserId goes) carries the module options
that say it, as a user who ran the contract check would set them.
"""

import pytest

from emulator_fixture import PARTNER_LOGIN, retailer_account_args, stored_account
from modrun import module_names, run_module

# (id, emulator switches, options for the partner modules, options for the retailer modules)
SETTINGS = [
    ('defaults', {}, {}, {}),
    ('flat partner errors', {'partner_error_envelope': 'flat'}, {}, {}),
    ('CakePHP partner errors', {'partner_error_envelope': 'cake'}, {}, {}),
    ('targets as a comma-separated string', {'regrade_servicenames_format': 'csv'}, {}, {}),
    ('targets spelled regarde_servicenames', {'regrade_servicenames_field': 'regarde_servicenames'}, {}, {}),
    ('no balance in the price list', {'price_list_balance': 'absent'}, {}, {}),
    ('regrade answered without a record', {'regrade_answer': 'meta_only'}, {}, {}),
    ('search ignored', {'search_filter': 'ignored'}, {}, {}),
    ('full-price regrades', {'regrade_cost_model': 'full'}, {'cost_model': 'full'}, {}),
    ('regrade to the current package refused', {'regrade_to_current': 'error'}, {}, {}),
    ('no form bodies', {'partner_form_bodies': False}, {}, {}),
    ('ExternalUserId in the query only', {'external_user_id_header': False, 'external_user_id_in_query': True}, {},
     {'external_user_id_location': 'query'}),
    ('ExternalUserId in both places', {'external_user_id_in_query': True}, {}, {'external_user_id_location': 'both'}),
    ('ExternalUserId bound to the account', {'external_user_id_strict': True}, {}, {}),
    ('pages only when asked for', {'paging_mode': 'total'}, {}, {}),
    ('camelCase paging parameters', {'paging_parameters': 'pageSize'}, {}, {}),
    ('profile change in progress as 201', {'profile_change_progress_status': 201}, {}, {}),
    ('slow profile change', {'profile_change_delay': 0.3}, {}, {}),
    ('packs propagating slowly', {'pack_propagation_delay': 0.5}, {}, {}),
    ('invalid tokens answered 400', {'invalid_token_status': 400}, {}, {}),
    ('missing accounts answered 403', {'missing_account_status': 403}, {}, {}),
    ('rate limit on, 429 without Retry-After', {'rate_limit': True, 'retry_after': False}, {}, {}),
    ('rate limit counted per token, not per resource', {'rate_limit': True, 'rate_limit_scope': 'token'}, {}, {'rate_limit_scope': 'token'}),
    ('short-lived tokens', {'token_lifetime': 1}, {}, {}),
    ('clients suspended through their active field', {'client_enable': 'client_patch'}, {}, {}),
    ('deleted clients answered 404', {'deleted_client_read': 'not_found'}, {}, {}),
    ('services suspended through their suspended field', {'live_service_suspension': 'live_service_patch'}, {}, {}),
    ('the package of a create named tariff_service_name', {'create_service_field': 'tariff_service_name'}, {}, {}),
    ('logins as a plain array', {'login_list_form': 'array'}, {}, {}),
    ('slow account activation', {'activation_delay': 0.3}, {}, {}),
    ('account activation in progress as 201', {'activation_delay': 0.2, 'activation_progress_status': 201}, {}, {}),
    ('a create answered with a bare activation id', {'create_account_answer': 'number'}, {}, {}),
]


# Switches no row sets, and why.
NOT_IN_THE_MATRIX = {
    'rate_limit_per_second': 'a limit the rate_limit row keeps at its default (5, the vendor\'s)',
    'profile_change_outcome': 'fail makes every profile change fail: the tests of retailer_account assert the clear failure',
    'activation_outcome': 'error and finalize_error make every create fail or end unfinished: test_retailer_account_create '
                          'asserts what the module says of each',
    'account_lookup': 'none leaves a create to create_without_lookup and the rerun to the account_id it returns, as '
                      'test_retailer_account_create asserts',
    'latency': 'the answer time of a benchmark, not a variant of the vendor: test_emulator_scale asserts that every request waits it',
}


def partner(emu, overrides, **options):
    args = dict(PARTNER_LOGIN, api_url=emu.partner_url, timeout=5)
    args.update(overrides, **options)
    return args


def retailer(emu, overrides, account_id, **options):
    args = retailer_account_args(emu, account_id, timeout=5)
    args.update(overrides, **options)
    return args


def tariff(emu, service_id):
    return [service for service in emu.snapshot()['live_services'] if service['id'] == service_id][0]['tariff_service_name']


def client_of(emu, client_id):
    return [client for client in emu.snapshot()['clients'] if client['id'] == client_id][0]


def service_of(emu, service_id):
    found = [service for service in emu.snapshot()['live_services'] if service['id'] == service_id]
    return found[0] if found else None


def account_ids(emu):
    return [account['IdAccount'] for account in emu.snapshot()['retailer']['accounts']]


def quantities(emu, account_id):
    return dict((pack['Id'], pack['Quantity']) for pack in stored_account(emu, account_id)['ActivePacks'])


def converge(module, args, check_state):
    """Run twice: the first run succeeds and leaves ``check_state`` true; the second changes nothing and writes nothing."""
    emu = args.pop('_emulator')
    first = run_module(module, args)
    assert first.get('failed') is not True, first.get('msg')
    assert check_state(), (module, first)
    emu.clear_requests()
    second = run_module(module, args)
    assert second.get('failed') is not True, second.get('msg')
    assert second['changed'] is False and emu.writes() == [], (module, second)
    return first


def scenarios(emu, partner_options, retailer_options):
    """(module, arguments, a check of the emulator's state) covering every module and every write."""
    def p(**options):
        return dict(partner(emu, partner_options, **options), _emulator=emu)

    def plain(**options):
        # The lifecycle modules take no option that says how the vendor charges.
        return dict(partner(emu, {}, **options), _emulator=emu)

    def r(account_id, **options):
        return dict(retailer(emu, retailer_options, account_id, **options), _emulator=emu)

    def new(external_user_id, **options):
        args = r(None, external_user_id=external_user_id, state='present', poll_interval=0.1, **options)
        del args['account_id']
        return args

    def accounts_of(external_user_id):
        return [(a['IdProfile'], a['Code']) for a in emu.snapshot()['retailer']['accounts'] if a.get('ExternalUserId') == external_user_id]

    return [
        ('live_service_info', p(live_service_id=1234931), lambda: True),
        ('live_service_info', p(product='outmail', client_id=9987601), lambda: True),
        ('live_service_regrade', p(live_service_id=1234931, tariff_service_name='Outmail1000'),
         lambda: tariff(emu, 1234931) == 'Outmail1000'),
        ('live_service_regrade', p(product='outmail', whmcs_service_id='503', tariff_service_name='Outmail500'),
         lambda: tariff(emu, 1234933) == 'Outmail500'),
        ('live_service_regrade', p(services=[{'live_service_id': 1234932, 'tariff_service_name': 'Profilter100'},
                                             {'live_service_id': 1234935, 'tariff_service_name': 'FakeMX10'}]),
         lambda: (tariff(emu, 1234932), tariff(emu, 1234935)) == ('Profilter100', 'FakeMX10')),
        ('retailer_profile_info', dict(retailer(emu, retailer_options, 0, include_packs=True), _emulator=emu), lambda: True),
        ('retailer_account_info', r(23055), lambda: True),
        ('retailer_account_login_info', r(23055, login_url=True), lambda: True),
        ('retailer_account', r(23055, state='disabled', poll_interval=0.1), lambda: stored_account(emu, 23055)['Code'] == 1),
        ('retailer_account', r(23054, state='enabled', profile='Economy', poll_interval=0.1, packs=[{'pack_name': 'SMS 100', 'quantity': 2}]),
         lambda: (stored_account(emu, 23054)['Code'], stored_account(emu, 23054)['IdProfile'], quantities(emu, 23054)[536]) ==
         (0, 1047, 2)),
        ('retailer_pack', r(23055, pack_id=534, quantity=6), lambda: quantities(emu, 23055)[534] == 6),
        ('retailer_pack', r(23055, packs=[{'pack_name': 'SMS 100', 'quantity': 4}, {'pack_id': 538, 'quantity': 1}]),
         lambda: (quantities(emu, 23055)[536], quantities(emu, 23055)[538]) == (4, 1)),
        ('retailer_account', r(23053, state='absent'), lambda: 23053 not in account_ids(emu)),
        ('retailer_account', new('cust-matrix-1', profile='Trial', email='new@example.org', packs=[{'pack_id': 534, 'quantity': 1}]),
         lambda: accounts_of('cust-matrix-1') == [(1046, 0)]),
        ('client', plain(external_userid='cust-7001', email='new@example.org', surname='New'),
         lambda: [c['email'] for c in emu.snapshot()['clients'] if c['external_userid'] == 'cust-7001'] == ['new@example.org']),
        ('client', plain(external_userid='123456', title='Dr'), lambda: client_of(emu, 9987600)['title'] == 'Dr'),
        ('client', plain(client_id=9987603, enabled=False), lambda: client_of(emu, 9987603)['active'] == 0),
        ('client', plain(client_id=9987603, enabled=True), lambda: client_of(emu, 9987603)['active'] == 1),
        ('client', plain(client_id=9987602, state='absent'), lambda: client_of(emu, 9987602)['external_userid'] is None),
        ('client_info', plain(external_userid='123457'), lambda: True),
        ('live_service', plain(client_id=9987601, product='fakemx', whmcs_service_id='w-1', tariff_service_name='FakeMX10'),
         lambda: [s['tariff_service_name'] for s in emu.snapshot()['live_services'] if s['whmcs_service_id'] == 'w-1'] == ['FakeMX10']),
        ('live_service', plain(live_service_id=1234931, state='suspended'), lambda: service_of(emu, 1234931)['suspended'] is True),
        ('live_service', plain(live_service_id=1234931, state='active'), lambda: service_of(emu, 1234931)['suspended'] is False),
        ('live_service', plain(services=[{'live_service_id': 1234932, 'state': 'suspended'}, {'live_service_id': 1234935, 'state': 'absent'}]),
         lambda: service_of(emu, 1234932)['suspended'] is True and service_of(emu, 1234935) is None),
        # Read-only: the second run of converge() asserts that they write nothing. They take no options that say how
        # the vendor behaves: finding that out is their job.
        ('partner_api_contract', dict(partner(emu, {}), _emulator=emu), lambda: True),
        ('retailer_api_contract', dict(retailer(emu, {}, 23055), _emulator=emu), lambda: True),
    ]


def test_the_scenarios_cover_every_module_and_the_settings_every_switch(emulator):
    covered = set(module for module, _args, _check in scenarios(emulator, {}, {}))
    assert covered == set(module_names())
    switched = set(name for setting in SETTINGS for name in setting[1])
    assert switched == set(emulator.config()) - set(NOT_IN_THE_MATRIX)


@pytest.mark.parametrize('switches, partner_options, retailer_options', [setting[1:] for setting in SETTINGS],
                         ids=[setting[0] for setting in SETTINGS])
def test_every_module_converges_under_every_switch_setting(emulator, switches, partner_options, retailer_options):
    emulator.configure(**switches)
    for module, args, check_state in scenarios(emulator, partner_options, retailer_options):
        if module == 'retailer_profile_info':
            for name in ('account_id', 'external_user_id', 'external_user_id_location'):
                args.pop(name, None)
        first = converge(module, args, check_state)
        if module.endswith('_contract'):
            # Every setting of the matrix is a variant the collection handles.
            assert first['unhandled'] == [], first['behaviours']
    assert emulator.snapshot()['partner']['partner_credits'] >= 0
