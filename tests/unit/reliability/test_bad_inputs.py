# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every option of every module, given a bad value, fails naming the option and sends nothing.

The table is built from the argument spec each module really passes to AnsibleModule
(captured by running main() with AnsibleModule replaced), so a new option, or a new
module under plugins/modules, is covered without touching this file. Each bad value
is tried on its own, on top of arguments that are otherwise valid for that module.
"""

import pytest

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from modrun import captured_module_arguments, module_names, run_module

PARTNER = PARTNER_LOGIN
RETAILER = RETAILER_LOGIN

# Valid arguments (besides the connection) for each module; the first one that does not
# conflict with the option under test is used. A module missing here starts from none.
VALID_ARGUMENTS = {
    'live_service_regrade': [{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
                             {'product': 'outmail', 'whmcs_service_id': '501', 'tariff_service_name': 'Outmail1000'}],
    'client': [{'external_userid': '123456'}, {'client_id': 9987600}],
    'live_service': [{'live_service_id': 1234931, 'state': 'suspended'}, {'client_id': 9987600, 'product': 'outmail'}],
    'retailer_account': [{'account_id': 23055, 'external_user_id': 'cust-23055'}],
    'retailer_account_info': [{'account_id': 23055, 'external_user_id': 'cust-23055'}],
    'retailer_account_login_info': [{'account_id': 23055, 'external_user_id': 'cust-23055', 'login_url': True}],
    'retailer_pack': [{'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_id': 534, 'quantity': 3},
                      {'account_id': 23055, 'external_user_id': 'cust-23055', 'pack_name': 'SMS 100', 'increment': 1}],
}

# Bad values by option type. A str option takes any scalar (Ansible converts it), so for
# text only the empty string is wrong.
WRONG_TYPE = {'int': 'not-a-number', 'float': 'soon', 'bool': 'maybe', 'list': {'not': 'a list'}, 'dict': 5}
NUMERIC = ('int', 'float')
# Options where a negative number is a meaningful value, with the reason.
NEGATIVE_ALLOWED = {
    ('retailer_pack', 'increment'): 'a negative increment removes packs',
}


def bad_values(module, option, spec):
    """(label, value) pairs that must each be refused for this option."""
    kind = spec.get('type', 'str')
    if spec.get('choices'):
        yield 'unknown choice', 'no-such-choice'
    if kind in WRONG_TYPE:
        yield 'wrong type', WRONG_TYPE[kind]
    if kind in ('str', 'path', 'int', 'float', 'bool'):
        yield 'empty string', ''
    if kind in NUMERIC and (module, option) not in NEGATIVE_ALLOWED:
        yield 'negative number', -1 if kind == 'int' else -1.5


def _conflicts(option, arguments, mutually_exclusive):
    return any(option in group and set(arguments) & (set(group) - {option}) for group in mutually_exclusive)


def valid_arguments(module, option, mutually_exclusive):
    candidates = VALID_ARGUMENTS.get(module, [{}])
    for arguments in candidates:
        if not _conflicts(option, arguments, mutually_exclusive):
            return dict(arguments)
    # Every candidate conflicts: drop what conflicts from the first one.
    arguments = dict(candidates[0])
    for group in mutually_exclusive:
        if option in group:
            for other in group:
                if other != option:
                    arguments.pop(other, None)
    return arguments


def _cases():
    for module in module_names():
        captured = captured_module_arguments(module)
        mutually_exclusive = [tuple(group) for group in captured.get('mutually_exclusive') or []]
        for option, spec in sorted(captured['argument_spec'].items()):
            for label, value in bad_values(module, option, spec):
                yield pytest.param(module, option, spec, value, mutually_exclusive,
                                   id='%s-%s-%s' % (module, option, label.replace(' ', '_')))


CASES = list(_cases())


def test_every_module_and_option_is_in_the_table():
    covered = set((case.values[0], case.values[1]) for case in CASES)
    for module in module_names():
        spec = captured_module_arguments(module)['argument_spec']
        assert set(spec) == set(option for name, option in covered if name == module), module


@pytest.mark.parametrize('module, option, spec, value, mutually_exclusive', CASES)
def test_bad_value_fails_naming_the_option_and_sends_nothing(emulator, module, option, spec, value, mutually_exclusive):
    retailer = 'client_secret' in captured_module_arguments(module)['argument_spec']
    arguments = dict(RETAILER if retailer else PARTNER, timeout=2,
                     api_url=emulator.retailer_url if retailer else emulator.partner_url)
    arguments.update(valid_arguments(module, option, mutually_exclusive))
    arguments[option] = value
    emulator.clear_requests()

    try:
        result = run_module(module, arguments)
    except Exception as error:  # pylint: disable=broad-except
        pytest.fail('%s with %s=%r crashed instead of failing cleanly: %r' % (module, option, value, error))

    assert emulator.requests() == [], '%s=%r was sent to the API instead of being refused' % (option, value)
    assert result.get('failed') is True, '%s=%r was accepted: %s' % (option, value, result)
    message = result['msg']
    assert option in message, 'the message does not name %s: %s' % (option, message)
    for choice in spec.get('choices') or []:
        assert str(choice) in message, 'the message does not list the valid choice %s: %s' % (choice, message)
