# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/contract.yml, the contract check a user runs on a new account, in real ansible-playbook runs against the
emulator: with the default switches and with every open behaviour switched the other way."""

import pytest

from role_runs import PLAYBOOKS, run

ACCOUNT_VARS = {'contract_account_id': 23055, 'contract_external_user_id': 'cust-23055'}
SWITCHED = {
    'price_list_balance': 'absent', 'regrade_servicenames_field': 'regarde_servicenames', 'regrade_servicenames_format': 'csv',
    'search_filter': 'ignored', 'partner_error_envelope': 'cake', 'paging_parameters': 'pageSize', 'invalid_token_status': 400,
    'external_user_id_header': False, 'external_user_id_in_query': True, 'missing_account_status': 403,
    'account_lookup': 'none', 'login_list_form': 'array',
}


def lines(result):
    shown = [entry['result'] for entry in result.tasks if entry['task'] == 'Show what each API showed'][0]
    return [item['msg'] for item in shown['results']]


@pytest.mark.parametrize('switches, expected', [
    ({}, ['partner balance: meta.partner_credits of the price list (handled)', 'partner search: honoured (handled)',
          'partner error_envelope: nested (handled)', 'retailer external_user_id: a header (handled)',
          'retailer invalid_token: 401 Authorization error: Invalid access token (handled)', 'retailer missing_account: 404 (handled)',
          'retailer paging_parameters: PageSize (handled)', 'retailer account_lookup: a list, with the account (handled)',
          'retailer login_list: the paginated envelope (handled)']),
    (SWITCHED, ['partner balance: data.partner_credits of /clients/self only (handled): the balance is read from /clients/self',
                'partner regrade_targets: regarde_servicenames, a comma-separated string (handled)',
                'partner search: ignored (records of other clients came back) (handled)', 'partner error_envelope: cake (handled)',
                'retailer external_user_id: the query only (handled): set external_user_id_location: query on every account task',
                'retailer invalid_token: 400 Authorization error: Invalid access token (handled)',
                'retailer missing_account: 403 (handled)', 'retailer paging_parameters: pageSize (handled)',
                'retailer account_lookup: none (405) (handled): give account_id on every account task',
                'retailer login_list: a plain array (handled)']),
], ids=['default switches', 'every open behaviour switched'])
def test_the_contract_playbook_prints_every_variant_and_writes_nothing(emulator, tmp_path, switches, expected):
    emulator.configure(**switches)
    result = run(emulator, tmp_path, PLAYBOOKS / 'contract.yml', extra_vars=ACCOUNT_VARS)
    assert result.rc == 0, result.stdout + result.stderr
    shown = lines(result)
    assert len(shown) == 16
    for line in expected:
        assert any(text.startswith(line) for text in shown), (line, shown)
    assert 'Every variant seen is one the collection handles.' in result.stdout
    assert emulator.writes() == []
