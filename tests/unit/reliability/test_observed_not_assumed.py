# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the preview and the result say is what the run does: observed, not assumed.

Module runs in this process, over real HTTP to the emulator, for the cases a user met: a profile
change that takes packs, a vendor that charges another price than the price list predicts, a task
that wrote and then failed, booleans given as integers, and fields the vendor sends that the
modules do not manage. Each asserts on the emulator's state and request log.
"""

import pytest

from emulator_fixture import PARTNER_LOGIN, retailer_account_args, set_partner_state, stored_account
from modrun import run_module


def held(emu, account_id):
    return dict((pack['Id'], pack['Quantity']) for pack in stored_account(emu, account_id)['ActivePacks'])


def regrade_args(emu, **options):
    return dict(PARTNER_LOGIN, api_url=emu.partner_url, **options)


# Packs lost without a word


def test_a_profile_change_that_takes_packs_is_refused_before_any_write_naming_them(emulator):
    # Account 23055 is on Economy with 534=3, 535=1, 536=2 (SMS); Trial has no SMS pack and allows 534 up to 2.
    args = retailer_account_args(emulator, 23055, profile='Trial')
    for check_mode in (True, False):
        result = run_module('retailer_account', args, check_mode=check_mode, diff=True)
        assert result['failed'] is True, result
        assert result['msg'].startswith('the profile change of the account 23055 to 1046 would remove pack 536 (2 -> 0), which the '
                                        'profile 1046 does not offer and leave pack 534 Extra 1,000 emails at 3 (it allows 0..2) above '
                                        'the maximum of the profile 1046. Nothing was changed.')
        assert [(loss['pack_id'], loss['quantity_before'], loss['reason']) for loss in result['pack_losses']] == [
            (536, 2, 'removed'), (534, 3, 'above_maximum')]
    assert emulator.writes() == [] and stored_account(emulator, 23055)['IdProfile'] == 1047


def test_an_accepted_profile_change_says_in_the_preview_and_the_result_what_it_takes(emulator):
    args = retailer_account_args(emulator, 23055, profile='Trial', accept_pack_loss=True)
    preview = run_module('retailer_account', args, check_mode=True, diff=True)
    real = run_module('retailer_account', args, diff=True)
    for result in (preview, real):
        assert result['changed'] is True and 'failed' not in result
        assert [(plan['resource'], plan['action'], plan['before'], plan['after']) for plan in result['plans']] == [
            ('retailer_account/23055', 'update', {'state': 'enabled', 'profile_id': 1047}, {'state': 'enabled', 'profile_id': 1046}),
            ('retailer_pack/23055/536', 'remove', {'quantity': 2}, {'quantity': 0})]
        assert result['diff']['after']['retailer_pack/23055/536'] == 0
        assert any('will remove pack 536 (2 -> 0)' in str(warning) for warning in result['warnings'])
    assert preview['plans'] == real['plans'] and preview['pack_losses'] == real['pack_losses']
    # The preview showed the account MailUp leaves: 536 gone, 537 new at 0, 534 kept above Trial's maximum.
    assert preview['account'] == real['account']
    assert held(emulator, 23055) == {534: 3, 535: 1, 537: 0}


def test_packs_given_a_total_the_new_profile_allows_are_not_a_loss(emulator):
    args = retailer_account_args(emulator, 23054, profile='Economy', packs=[{'pack_id': 534, 'quantity': 2}])
    # 23054 is on Trial with nothing the move to Economy would take.
    result = run_module('retailer_account', args)
    assert 'failed' not in result and result['pack_losses'] == []
    assert held(emulator, 23054)[534] == 2


# Balances computed, not observed


def test_the_balance_after_a_regrade_is_read_and_a_different_charge_is_said(emulator):
    # The module predicts the difference (2 credits); the vendor takes the full price (10).
    emulator.configure(regrade_cost_model='full')
    result = run_module('live_service_regrade', regrade_args(emulator, live_service_id=1234931, tariff_service_name='Outmail1000'))
    assert result['changed'] is True
    assert (result['credits_cost'], result['credits_balance_after_predicted']) == (2, 98)
    assert (result['credits_balance_after'], result['credits_charged']) == (90, 10)
    assert (result['plan']['balance_observed'], result['plan']['credits_charged']) == (90, 10)
    assert any('the vendor charged 10 credits' in str(warning) and 'predicted 2' in str(warning) for warning in result['warnings'])
    assert emulator.snapshot()['partner']['partner_credits'] == 90
    assert [entry['path'] for entry in emulator.requests(api='partner')][-1] == '/api-v1/clients/self'


def test_a_bulk_regrade_that_fails_part_way_reads_the_balance_once_after_its_last_write(emulator):
    # 10 credits: the first regrade (2) goes through, the vendor refuses the second (16) with its 405.
    set_partner_state(emulator, credits=10)
    services = [{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'},
                {'live_service_id': 1234936, 'tariff_service_name': 'BackupMX50'}]
    # One write at a time: the balance the refusal read is the balance after the last write. With several in flight
    # another may be charged after it, so the module reads it once more (test_bulk_concurrency).
    result = run_module('live_service_regrade', regrade_args(emulator, services=services, credit_check=False, concurrency=1))
    assert result['failed'] is True and result['changed'] is True and result['error']['status'] == 405
    assert (result['credits_balance_after'], result['credits_charged']) == (8, 2)
    assert (result['plans'][0]['balance_observed'], result['plans'][0]['credits_charged']) == (8, 2)
    assert [entry['path'] for entry in emulator.requests(api='partner')].count('/api-v1/clients/self') == 1


# Partial changes reported as none


def test_a_task_that_enabled_the_account_and_then_failed_is_changed(emulator):
    emulator.configure(profile_change_outcome='fail')
    result = run_module('retailer_account', retailer_account_args(emulator, 23054, profile='1047', poll_interval=0.01))
    assert result['failed'] is True and result['changed'] is True
    assert result['writes_done'] == ['enabled the account 23054'] and result['plan']['outcome'] == 'failed'
    assert stored_account(emulator, 23054)['Code'] == 0


# Booleans pass as integers


@pytest.mark.parametrize('module, options, option', [
    ('retailer_pack', {'pack_id': 534, 'quantity': True}, 'quantity'),
    ('retailer_pack', {'pack_id': True, 'quantity': 2}, 'pack_id'),
    ('retailer_pack', {'pack_id': 534, 'increment': True}, 'increment'),
    ('retailer_pack', {'packs': [{'pack_id': 534, 'quantity': False}]}, 'packs[0].quantity'),
    ('retailer_account', {'account_id': True}, 'account_id'),
    ('live_service_regrade', {'live_service_id': True, 'tariff_service_name': 'Outmail1000'}, 'live_service_id'),
    ('live_service_info', {'client_id': True}, 'client_id'),
])
def test_a_boolean_is_not_an_integer(emulator, module, options, option):
    if module.startswith('retailer'):
        args = dict(retailer_account_args(emulator, 23055), **options)
        if module == 'retailer_account':
            args.update(options)
    else:
        args = regrade_args(emulator, **options)
    emulator.clear_requests()
    result = run_module(module, args)
    assert result['failed'] is True
    assert '%s must be an integer, not the boolean' % option in result['msg'], result['msg']
    assert emulator.requests() == []


# Fields dropped


def test_info_returns_every_field_the_vendor_returns(emulator):
    result = run_module('live_service_info', regrade_args(emulator, live_service_id=1234939, include_costs=False))
    (service,) = result['live_services']
    # A system suspension can be told from the partner's own.
    assert (service['suspended'], service['suspend_reason']) == (True, 'system')
    assert service['created']
    stored = [entry for entry in emulator.snapshot()['live_services'] if entry['id'] == 1234939][0]
    assert set(service) >= set(key for key in stored if key not in ('record_id',))
