"""What the emulator's default fixture holds, for tests: logins, accounts, prices, start states.

Tests take these from here rather than spelling them out, so that one place (the fixture)
says what the emulator accepts, as tests/secret_scan.py does for the secrets it hunts.
"""

import json
from pathlib import Path

from emulator.common import PARTNER_PREFIX

FIXTURE = Path(__file__).resolve().parent / 'emulator' / 'fixtures' / 'default.json'


def default_state():
    """A fresh copy of the default fixture."""
    with FIXTURE.open(encoding='utf-8') as handle:
        return json.load(handle)


_STATE = default_state()

PARTNER_LOGIN = {'partner_id': _STATE['partner']['partner_id'], 'api_key': _STATE['partner']['api_key']}
RETAILER_LOGIN = {
    'client_id': _STATE['retailer']['oauth_clients'][0]['client_id'],
    'client_secret': _STATE['retailer']['oauth_clients'][0]['client_secret'],
    'username': _STATE['retailer']['users'][0]['username'],
    'password': _STATE['retailer']['users'][0]['password'],
}
# IdAccount -> ExternalUserId of the fixture's customer accounts.
ACCOUNTS = dict((entry['IdAccount'], entry['ExternalUserId']) for entry in _STATE['retailer']['accounts'])
# service_name -> tariff (with its price in credits) of the partner's price list.
TARIFFS = dict((tariff['service_name'], tariff) for tariff in _STATE['tariffs'])


def retailer_account_args(emu, account_id, **options):
    """Module arguments for an account of the fixture; an unknown account gets an ExternalUserId that matches nothing."""
    args = dict(RETAILER_LOGIN, api_url=emu.retailer_url, account_id=account_id, external_user_id=ACCOUNTS.get(account_id, 'x'))
    args.update(options)
    return args


def set_partner_state(emu, tariffs=None, credits=None):
    """Put some live services on other packages and/or change the balance, through the emulator's state interface."""
    with emu.edit_state() as state:
        for service in state['live_services']:
            if tariffs and service['id'] in tariffs:
                service['tariff_service_name'] = tariffs[service['id']]
        if credits is not None:
            state['partner']['partner_credits'] = credits


def load_partner_state(emu, balance=None, tariffs=None):
    """Reset the emulator to the default fixture with another balance and/or other packages on some services."""
    emu.reset()
    set_partner_state(emu, tariffs=tariffs, credits=balance)


def regrade_cost(start, wanted, model):
    """What the emulator charges for a regrade under its ``regrade_cost_model`` switch."""
    if start == wanted:
        return 0
    if model == 'full':
        return TARIFFS[wanted]['credits']
    return max(0, TARIFFS[wanted]['credits'] - TARIFFS[start]['credits'])


def partner_calls(emu):
    """(method, path) of the Partner API requests in the emulator's log."""
    return [(entry['method'], entry['path'][len(PARTNER_PREFIX):]) for entry in emu.requests(api='partner')]


def account_in(state, account_id):
    """The account of a snapshot (or of the state in an ``edit_state()`` block), or None when it has none with that id."""
    for entry in state['retailer']['accounts']:
        if entry['IdAccount'] == account_id:
            return entry
    return None


def profile_in(state, profile_id):
    """The profile of a snapshot (or of the state in an ``edit_state()`` block)."""
    return [profile for profile in state['retailer']['profiles'] if profile['Id'] == profile_id][0]


def stored_account(emu, account_id):
    """The account as the emulator holds it now (a copy), or None when it has none with that id."""
    return account_in(emu.snapshot(), account_id)
