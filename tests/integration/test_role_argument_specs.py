# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' argument specs: bad input refused before any request, defaults documented."""

import copy

import pytest
import yaml

from conftest import REPO
from role_runs import AUDIT_ACCOUNTS, PLAN, ROLE_NAMES, entries, role_playbook, run


GOOD_VARS = {
    'retailer_onboard': {'retailer_onboard_account_id': 23055, 'retailer_onboard_external_user_id': 'cust-23055'},
    'live_service_plan': {'live_service_plan_services': copy.deepcopy(PLAN)},
    'partner_audit': {'partner_audit_accounts': copy.deepcopy(AUDIT_ACCOUNTS)},
    'customer_onboard': {'customer_onboard_external_id': 'cust-7001',
                         'customer_onboard_services': [{'product': 'outmail', 'tariff_service_name': 'Outmail500'}]},
    'customer_offboard': {'customer_offboard_external_id': 'cust-7001'},
}

BAD_INPUTS = [
    ('retailer_onboard', 'retailer_onboard_account_id', None,
     'missing required arguments: retailer_onboard_account_id'),
    ('retailer_onboard', 'retailer_onboard_account_id', 'twenty-three',
     "argument 'retailer_onboard_account_id' is of type str and we were unable to convert to int"),
    ('retailer_onboard', 'retailer_onboard_state', 'absent',
     'value of retailer_onboard_state must be one of: enabled, disabled, got: absent'),
    ('retailer_onboard', 'retailer_onboard_packs', [{'pack_id': 534}],
     'missing required arguments: quantity found in retailer_onboard_packs'),
    ('retailer_onboard', 'retailer_onboard_packs', [{'pack_id': 534, 'pack_name': 'SMS 100', 'quantity': 1}],
     'parameters are mutually exclusive: pack_id|pack_name found in retailer_onboard_packs'),
    ('retailer_onboard', 'retailer_onboard_packs', [{'quantity': 1}],
     'one of the following is required: pack_id, pack_name found in retailer_onboard_packs'),
    ('live_service_plan', 'live_service_plan_services', None,
     'missing required arguments: live_service_plan_services'),
    ('live_service_plan', 'live_service_plan_services', [{'live_service_id': 1234931}],
     'missing required arguments: tariff_service_name found in live_service_plan_services'),
    ('live_service_plan', 'live_service_plan_budget', 'lots',
     "argument 'live_service_plan_budget' is of type str and we were unable to convert to float"),
    ('live_service_plan', 'live_service_plan_cost_model', 'cheapest',
     'value of live_service_plan_cost_model must be one of: difference, full, got: cheapest'),
    ('live_service_plan', 'live_service_plan_concurrency', 'many',
     "argument 'live_service_plan_concurrency' is of type str and we were unable to convert to int"),
    ('partner_audit', 'partner_audit_formats', ['pdf'],
     'value of partner_audit_formats must be one or more of: markdown, html. Got no match for: pdf'),
    ('partner_audit', 'partner_audit_accounts', [{'account_id': 23053}],
     'missing required arguments: external_user_id found in partner_audit_accounts'),
    ('partner_audit', 'partner_audit_include_retailer', 'perhaps',
     "argument 'partner_audit_include_retailer' is of type str and we were unable to convert to bool"),
    ('customer_onboard', 'customer_onboard_external_id', None, 'missing required arguments: customer_onboard_external_id'),
    ('customer_onboard', 'customer_onboard_services', [{'product': 'outmail'}],
     'missing required arguments: tariff_service_name found in customer_onboard_services'),
    ('customer_onboard', 'customer_onboard_services', [{'product': 'mailbox', 'tariff_service_name': 'Outmail500'}],
     'value of product must be one of: outmail, profilter, fakemx, backupmx, masterdns, backupdns, got: mailbox found in customer_onboard_services'),
    ('customer_onboard', 'customer_onboard_retailer_account', {'profile': 'Economy', 'packs': 'lots'},
     "Elements value for option 'packs' found in 'customer_onboard_retailer_account' is of type str and we were unable to convert to dict"),
    ('customer_offboard', 'customer_offboard_external_id', None, 'missing required arguments: customer_offboard_external_id'),
    ('customer_offboard', 'customer_offboard_state', 'gone', 'value of customer_offboard_state must be one of: suspended, absent, got: gone'),
]


@pytest.mark.parametrize('role, option, value, expected', BAD_INPUTS,
                         ids=['%s-%s-%d' % (entry[0], entry[1], index) for index, entry in enumerate(BAD_INPUTS)])
def test_argument_spec_rejects_bad_input_before_any_request(emulator, tmp_path, role, option, value, expected):
    role_vars = copy.deepcopy(GOOD_VARS[role])
    if value is None:
        role_vars.pop(option)
    else:
        role_vars[option] = value
    result = run(emulator, tmp_path, role_playbook(tmp_path, role, role_vars))
    assert result.rc != 0
    validation = entries(result, "Validating arguments against arg spec 'main'")[0]
    assert validation['status'] == 'failed'
    assert expected in validation['result']['msg'], validation['result']['msg']
    assert any(option in error for error in validation['result']['argument_errors'])
    assert emulator.requests() == []


@pytest.mark.parametrize('role', ROLE_NAMES)
def test_role_defaults_are_documented_in_the_argument_spec(role):
    """Every default in defaults/main.yml is an option of the spec, with the same default."""
    defaults = yaml.safe_load((REPO / 'roles' / role / 'defaults' / 'main.yml').read_text()) or {}
    options = yaml.safe_load((REPO / 'roles' / role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']['main']['options']
    for name, value in defaults.items():
        assert name in options, name
        assert options[name].get('default') == value, name
    for name, spec in options.items():
        assert name.startswith(role + '_'), name
        assert spec.get('description'), name
        if spec.get('required'):
            assert name not in defaults, name
        else:
            assert name in defaults, name
