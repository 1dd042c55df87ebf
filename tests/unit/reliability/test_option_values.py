# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad option values, for every module: a clear refusal naming the option before any request, never an exception.

Hypothesis gives one option of a module a value of another type, an empty or very long string,
text outside Latin-1, a negative, huge or non-finite number, while the other options stay valid.
The module runs in-process against a well-formed vendor on 127.0.0.1 (tests/hostile_vendor.py)
that counts what it receives. Whatever the value, the module prints one JSON result; a value the
rules below call wrong is refused with 0 requests and a message that names the option; any other
refusal before a request names an option too.
"""

import decimal
import math
import os
import threading

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hostile_vendor import ACCOUNT_ID, EXTERNAL_USER_ID, SERVICE_ID, HostileVendor
from modrun import captured_module_arguments, module_names, run_module

EXAMPLES = int(os.environ.get('CHANNEL_PARTNER_OPTION_EXAMPLES', '200'))

PARTNER_CONNECTION = {'api_url': 'str', 'partner_id': 'header', 'api_key': 'header', 'timeout': 'seconds', 'ca_path': 'path',
                      'validate_certs': 'bool', 'allow_plain_http': 'bool'}
RETAILER_CONNECTION = {'api_url': 'str', 'client_id': 'text', 'client_secret': 'text', 'username': 'text', 'password': 'text',
                       'rate_limit': 'rate', 'rate_limit_scope': 'choice', 'timeout': 'seconds', 'ca_path': 'path', 'validate_certs': 'bool',
                       'allow_plain_http': 'bool'}
ACCOUNT = {'account_id': 'id', 'external_user_id': 'header', 'external_user_id_location': 'choice'}

# module: (valid options, {option: kind}) where a kind says what the option must be.
MODULES = {
    'live_service_info': ({'live_service_id': SERVICE_ID}, dict(
        PARTNER_CONNECTION, live_service_id='id', client_id='id', whmcs_service_id='text', include_costs='bool',
        cost_model='choice', product='choice')),
    'live_service_regrade': ({'live_service_id': SERVICE_ID, 'tariff_service_name': 'Outmail500'}, dict(
        PARTNER_CONNECTION, live_service_id='id', tariff_service_name='text', credit_check='bool', cost_model='choice',
        services='list', product='choice', client_id='id', whmcs_service_id='text', concurrency='workers')),
    'retailer_profile_info': ({}, dict(RETAILER_CONNECTION, id='id', name='text', include_packs='bool')),
    'retailer_account_info': ({'account_id': ACCOUNT_ID, 'external_user_id': EXTERNAL_USER_ID}, dict(
        RETAILER_CONNECTION, accounts='list', concurrency='workers', **ACCOUNT)),
    'retailer_account_login_info': ({'account_id': ACCOUNT_ID, 'external_user_id': EXTERNAL_USER_ID}, dict(
        RETAILER_CONNECTION, login_url='bool', login_id='id', **ACCOUNT)),
    'retailer_account': ({'account_id': ACCOUNT_ID, 'external_user_id': EXTERNAL_USER_ID}, dict(
        RETAILER_CONNECTION, state='choice', profile='text', wait='bool', wait_timeout='wait', poll_interval='seconds',
        accept_pack_loss='bool', packs='list', create_without_lookup='bool', enabled='bool', email='text', company='text', contact_name='text',
        phone='text', language='text', **ACCOUNT)),
    'client': ({'external_userid': '123456'}, dict(
        PARTNER_CONNECTION, client_id='id', external_userid='text', state='choice', enabled='bool', email='text', username='text',
        title='text', firstname='text', surname='text')),
    'client_info': ({}, dict(PARTNER_CONNECTION, client_id='id', external_userid='text', search='dict')),
    'live_service': ({'live_service_id': SERVICE_ID, 'state': 'suspended'}, dict(
        PARTNER_CONNECTION, live_service_id='id', client_id='id', product='choice', whmcs_service_id='text', tariff_service_name='text',
        state='choice', services='list', client_external_userid='text', concurrency='workers')),
    'partner_api_contract': ({}, dict(PARTNER_CONNECTION, round_trip='bool', live_service_id='id', tariff_service_name='text')),
    'retailer_api_contract': ({'account_id': ACCOUNT_ID, 'external_user_id': EXTERNAL_USER_ID}, dict(
        RETAILER_CONNECTION, round_trip='bool', pack_id='id', account_id='id', external_user_id='header')),
    'retailer_pack': ({'account_id': ACCOUNT_ID, 'external_user_id': EXTERNAL_USER_ID, 'pack_id': 3, 'quantity': 2}, dict(
        RETAILER_CONNECTION, pack_id='id', quantity='count', increment='change', pack_name='text', packs='list', concurrency='workers',
        **ACCOUNT)),
}

PARTNER_MODULES = ('live_service', 'partner', 'client')
NUMBERS = ('id', 'count', 'change', 'seconds', 'wait', 'rate', 'workers')
FLOATS = ('seconds', 'rate')
# The largest values of the options that have one.
MAXIMUM = {'seconds': 86400, 'wait': 86400, 'rate': 1000, 'workers': 50}

hostile_values = st.one_of(
    st.sampled_from(['', '   ', 'klient-Łódź', '客户-7', 'line\nbreak', 'tab\there', '\u202eevil', 'x' * 5000, '-1', '0', '1.5',
                     'nan', 'inf', '-inf', '1e309', 'true', 'null', '{}', '[]']),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30),
    st.sampled_from([0, -1, 10 ** 400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(['a', 'pack_id', 'quantity']), st.integers(), max_size=2),
    st.text(max_size=40),
)


def as_number(kind, value):
    """The number Ansible makes of the value for a numeric option (Decimal for an integer, float for a float), or None
    when it refuses the value itself."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value) if kind in FLOATS else decimal.Decimal(value)
    except (ValueError, OverflowError, decimal.DecimalException):
        return None


def must_refuse(kind, value):
    """Whether the collection's own rules (beyond Ansible's type checks) must refuse ``value`` for an option of ``kind``."""
    if isinstance(value, (list, dict)) and kind not in ('list', 'dict'):
        return True
    number = as_number(kind, value) if kind in NUMBERS else None
    if number is not None:
        if not (number.is_finite() if isinstance(number, decimal.Decimal) else math.isfinite(number)):
            return True
        if kind in ('id', 'seconds', 'workers') and number <= 0:
            return True
        if kind in ('count', 'wait', 'rate') and number < 0:
            return True
        if kind == 'change' and number == 0:
            return True
        if kind in MAXIMUM and number > MAXIMUM[kind]:
            return True
    if isinstance(value, str) and kind in ('text', 'header') and not value.strip():
        return True
    if isinstance(value, str) and kind == 'header':
        try:
            value.encode('latin-1')
        except UnicodeEncodeError:
            return True
        if any(ord(character) < 32 for character in value):
            return True
    if kind == 'path':
        path = os.path.expanduser(os.path.expandvars(str(value)))
        return not path.strip() or not os.path.exists(path)
    return False


@pytest.mark.parametrize('module', sorted(MODULES))
def test_the_table_knows_every_option_of_every_module(module):
    assert sorted(MODULES) == module_names()
    assert set(MODULES[module][1]) == set(captured_module_arguments(module)['argument_spec'])


@pytest.fixture(scope='module')
def vendor():
    with HostileVendor() as server:
        yield server


@pytest.mark.parametrize('module', sorted(MODULES))
def test_property_a_bad_option_value_is_refused_by_name_before_any_request(vendor, module):
    valid, kinds = MODULES[module]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(option=st.sampled_from(sorted(kinds)), value=hostile_values)
    def check(option, value):
        rate = as_number('rate', value) if kinds[option] == 'rate' else None
        # A valid rate below one request a second makes the run sleep 1/rate seconds between paced requests (test_pacing.py
        # tests that): minutes per example for the contract check's seven requests, and nothing to learn about refusals.
        assume(not (rate is not None and 0 < rate < 1))
        args = vendor.partner_args() if module.startswith(PARTNER_MODULES) else vendor.retailer_args(account=False)
        args.update(valid)
        args[option] = value
        # An exchange an earlier example left behind at its deadline may still land: let it, before the count starts.
        for thread in threading.enumerate():
            if thread.name == 'channel.partner exchange':
                thread.join(10)
        del vendor.received[:]
        running = set(threading.enumerate())
        # run_module fails the test on anything but one JSON result: an exception would print a traceback instead.
        result = run_module(module, args)
        # A real module's process takes an exchange thread left behind at a deadline along when it ends; in-process
        # its request could land in the next example's count, so it is waited for and counted here.
        for thread in set(threading.enumerate()) - running:
            if thread.name == 'channel.partner exchange':
                thread.join(10)
        sent = len(vendor.received)
        message = result.get('msg', '')
        assert 'exception' not in result, result.get('exception')
        if must_refuse(kinds[option], value):
            assert result.get('failed') is True and sent == 0, (option, value, sent, message)
            assert option in message, (option, message)
        elif result.get('failed') and sent == 0:
            assert any(name in message for name in kinds), message

    check()


@pytest.mark.parametrize('module, option, value, message', [
    ('live_service_info', 'live_service_id', 'inf', "live_service_id must be a whole number, not inf; nothing was sent."),
    ('live_service_info', 'live_service_id', float('-inf'), "live_service_id must be a whole number, not -inf; nothing was sent."),
    ('retailer_account', 'poll_interval', 10 ** 400, 'poll_interval must be a finite number of a usual size, not 1000000000000000000000000000000000000...'),
    ('retailer_account', 'poll_interval', 'nan', 'poll_interval must be a finite number, not nan'),
    ('retailer_account', 'wait_timeout', 90000, 'wait_timeout must be at most 86400 seconds, not 90000'),
    ('retailer_account', 'packs', '', "packs must be a list of mappings, not ; nothing was sent."),
    ('live_service_regrade', 'services', [{'live_service_id': 'inf', 'tariff_service_name': 'A'}],
     'services[0].live_service_id must be a whole number, not inf'),
    ('live_service_info', 'api_key', ['key-part-one-7f', 'key-part-two-9c'], "api_key must be text, not a list; nothing was sent."),
    ('retailer_account_info', 'external_user_id', 'klient-Łódź', "external_user_id must be Latin-1 text (it is sent in an HTTP header)"),
    ('live_service_info', 'partner_id', 'line\nbreak', 'partner_id must not hold control characters such as a line break'),
    ('live_service_info', 'ca_path', '/no/such/bundle.pem', 'ca_path names /no/such/bundle.pem, which does not exist'),
    ('live_service_info', 'timeout', float('nan'), 'timeout must be a finite number, not nan'),
    ('retailer_profile_info', 'rate_limit', 5000, 'rate_limit must be 0 (no pacing) or a number of requests per second up to 1000'),
])
def test_values_that_crashed_or_were_sent_are_refused_by_name(vendor, module, option, value, message):
    valid, _kinds = MODULES[module]
    args = vendor.partner_args() if module.startswith(PARTNER_MODULES) else vendor.retailer_args(account=False)
    args.update(valid)
    if option == 'services':
        args.pop('live_service_id'), args.pop('tariff_service_name')
    args[option] = value
    del vendor.received[:]
    result = run_module(module, args)
    assert result.get('failed') is True and message in result['msg'], result.get('msg')
    assert vendor.received == []
