# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.retailer_account with state=present, in-process against the emulator over real HTTP: an account created
once and found again by its ExternalUserId, the activation waited for, every form MailUp leaves open, and what a failed
or lost create says."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import RETAILER_LOGIN, stored_account
from modrun import by_pack_id, check_apply_again, run_module

NEW_CUSTOMER = 'cust-new-1'
FAST = {'poll_interval': 0.01}


def new_account(emu, **options):
    args = dict(RETAILER_LOGIN, api_url=emu.retailer_url, external_user_id=NEW_CUSTOMER, state='present', profile='Economy',
                email='ops@new.example', company='New Ltd', contact_name='Ada Lovelace', language='EN', **FAST)
    args.update(options)
    return args


def accounts_of(emu, external_user_id=NEW_CUSTOMER):
    return [entry for entry in emu.snapshot()['retailer']['accounts'] if entry.get('ExternalUserId') == external_user_id]


def retailer_requests(emu):
    return [(r['method'], r['path'].rsplit('RetailerService.svc/', 1)[-1], r['status']) for r in emu.requests(api='retailer')]


def test_an_account_is_created_once_and_found_again_by_its_external_user_id(emulator):
    real, writes = check_apply_again(emulator, 'retailer_account', new_account(emulator))
    assert [(w['method'], w['path'].rsplit('/', 1)[-1]) for w in writes] == [('POST', 'Account')]
    created = accounts_of(emulator)
    assert len(created) == 1
    assert created[0]['IdProfile'] == 1047 and created[0]['Code'] == 0
    assert created[0]['Request'] == {'IdProfile': 1047, 'Email': 'ops@new.example', 'Company': 'New Ltd',
                                     'NameAndSurname': 'Ada Lovelace', 'Language': 'EN'}
    assert real['changed'] is True and real['account_id'] == created[0]['IdAccount']
    assert real['plan'] == {'resource': 'retailer_account/ExternalUserId=cust-new-1', 'action': 'create',
                            'before': {'state': 'absent', 'profile_id': None}, 'after': {'state': 'enabled', 'profile_id': 1047}}
    assert real['account']['IdAccount'] == created[0]['IdAccount'] and real['account']['IdProfile'] == 1047


def test_a_create_costs_the_lookup_the_post_one_poll_and_one_read_back_and_a_no_op_two_reads(emulator):
    created = run_module('retailer_account', new_account(emulator, profile='1047'))
    assert retailer_requests(emulator) == [
        ('GET', 'Account', 200), ('GET', 'Management/Profile', 200),
        ('POST', 'Account', 200), ('GET', 'Account/Activation/%s/Status' % created['activation_id'], 200),
        ('GET', 'Account/%s/Status' % accounts_of(emulator)[0]['IdAccount'], 200)]
    emulator.clear_requests()
    again = run_module('retailer_account', new_account(emulator, profile='1047'))
    assert again['changed'] is False and again['plan']['action'] == 'none'
    assert [r[:2] for r in retailer_requests(emulator)] == [('GET', 'Account'), ('GET', 'Account/%s/Status' % again['account_id'])]


def test_a_new_account_gets_its_packs_in_the_same_task(emulator):
    args = new_account(emulator, packs=[{'pack_name': 'SMS 100', 'quantity': 3}, {'pack_id': 534, 'quantity': 2}])
    real, writes = check_apply_again(emulator, 'retailer_account', args)
    account = accounts_of(emulator)[0]
    assert [w['path'].rsplit('svc/', 1)[-1] for w in writes] == ['Account', 'Account/%s/Pack/536' % account['IdAccount'],
                                                                 'Account/%s/Pack/534' % account['IdAccount']]
    assert dict((p['Id'], p['Quantity']) for p in account['ActivePacks'])[536] == 3
    assert [plan['resource'] for plan in real['plans']] == ['retailer_account/ExternalUserId=cust-new-1',
                                                            'retailer_pack/ExternalUserId=cust-new-1/536',
                                                            'retailer_pack/ExternalUserId=cust-new-1/534']
    assert [pack['quantity_after'] for pack in real['packs']] == [3, 2]


@pytest.mark.parametrize('switches', [{'activation_delay': 0.3}, {'activation_delay': 0.3, 'activation_progress_status': 201},
                                      {'create_account_answer': 'number'}, {'external_user_id_strict': True},
                                      {'paging_mode': 'total'}])
def test_every_open_form_of_the_create_converges(emulator, switches):
    emulator.configure(**switches)
    check_apply_again(emulator, 'retailer_account', new_account(emulator))
    assert len(accounts_of(emulator)) == 1


def test_an_activation_that_fails_says_no_account_was_made(emulator):
    emulator.configure(activation_outcome='error')
    result = run_module('retailer_account', new_account(emulator))
    assert result['failed'] is True and result['applied'] is False and result['changed'] is False
    assert 'no account was made' in result['msg'] and accounts_of(emulator) == []
    assert result['plan']['outcome'] == 'failed'


def test_an_activation_that_outlasts_the_wait_is_unknown_and_the_advice_is_to_look_first(emulator):
    emulator.configure(activation_delay=5)
    result = run_module('retailer_account', new_account(emulator, wait_timeout=1))
    assert result['failed'] is True and result['applied'] is None and result['changed'] is True
    assert 'did not finish activating it within 1 seconds' in result['msg']
    assert 'look the account up first' in result['msg'] and 'a rerun would then make a second account' in result['msg']
    assert result['writes_unknown'] == ['create the account of ExternalUserId=cust-new-1 on the profile 1047']
    assert [w['method'] for w in emulator.writes()] == ['POST']


def test_a_finalising_error_is_settled_by_the_lookup_and_said_in_a_warning(emulator):
    emulator.configure(activation_outcome='finalize_error')
    result = run_module('retailer_account', new_account(emulator))
    # Code 3 leaves the account made but not finalised: the lookup shows it on its profile, and the warning says what MailUp said.
    assert result.get('failed') is not True and result['changed'] is True
    assert len(accounts_of(emulator)) == 1 and result['account_id'] == accounts_of(emulator)[0]['IdAccount']
    warning = ' '.join(str(warning) for warning in result['warnings'])
    assert 'An error occurred finalizing account creation' in warning and 'counts as applied' in warning, warning
    again = run_module('retailer_account', new_account(emulator))
    assert again['changed'] is False and len(accounts_of(emulator)) == 1


def test_without_a_list_of_accounts_nothing_is_created_unless_the_user_says_so(emulator):
    emulator.configure(account_lookup='none')
    refused = run_module('retailer_account', new_account(emulator))
    assert refused['failed'] is True and 'GET Account answered 405' in refused['msg']
    assert 'create_without_lookup: true' in refused['msg'] and emulator.writes() == [] and accounts_of(emulator) == []
    created = run_module('retailer_account', new_account(emulator, create_without_lookup=True))
    assert created['changed'] is True and len(accounts_of(emulator)) == 1
    again = run_module('retailer_account', new_account(emulator, account_id=created['account_id']))
    assert again['changed'] is False


def test_an_existing_account_is_left_enabled_or_disabled_by_present(emulator):
    args = dict(RETAILER_LOGIN, api_url=emulator.retailer_url, external_user_id='cust-23054', state='present', **FAST)
    result = run_module('retailer_account', args)
    assert result['changed'] is False and result['plan']['after'] == {'state': 'disabled', 'profile_id': 1046}
    assert result['account_id'] == 23054 and stored_account(emulator, 23054)['Code'] == 1


@pytest.mark.parametrize('options, words', [
    ({'profile': None}, 'creating it needs profile'),
    ({'profile': 'Gold'}, 'Gold'),
    ({'account_id': 99999}, 'omit account_id to create one'),
])
def test_a_create_that_cannot_be_made_is_refused_before_any_write(emulator, options, words):
    result = run_module('retailer_account', new_account(emulator, **options))
    assert result['failed'] is True and words in result['msg'], result['msg']
    assert emulator.writes() == []


@pytest.mark.parametrize('options, words', [
    ({'wait': False}, 'state=present needs wait=true'),
    ({'state': 'enabled'}, 'email is what a new account is created with, so it needs state=present'),
    ({'email': ' '}, 'email must not be empty'),
    ({'state': 'absent', 'email': None, 'company': None, 'contact_name': None, 'language': None, 'create_without_lookup': True},
     'create_without_lookup needs state=present'),
])
def test_bad_input_is_refused_before_any_request(emulator, options, words):
    result = run_module('retailer_account', new_account(emulator, **options))
    assert result['failed'] is True and words in result['msg'], result['msg']
    assert emulator.requests() == []


def test_two_accounts_of_one_external_user_id_are_not_guessed_between(emulator):
    with emulator.edit_state() as state:
        for entry in state['retailer']['accounts'][:2]:
            entry['ExternalUserId'] = NEW_CUSTOMER
    result = run_module('retailer_account', new_account(emulator, state='disabled', email=None, company=None, contact_name=None,
                                                        language=None, profile=None))
    assert result['failed'] is True and '2 accounts have ExternalUserId cust-new-1 (ids 23053, 23054)' in result['msg']
    assert emulator.writes() == []


def test_absent_by_external_user_id_deletes_the_one_account_and_then_finds_none(emulator):
    args = dict(RETAILER_LOGIN, api_url=emulator.retailer_url, external_user_id='cust-23054', state='absent')
    real, writes = check_apply_again(emulator, 'retailer_account', args)
    assert [w['method'] for w in writes] == ['DELETE'] and real['account_id'] == 23054
    assert accounts_of(emulator, 'cust-23054') == []


def test_the_info_module_finds_the_new_account_by_its_external_user_id(emulator):
    info = dict(RETAILER_LOGIN, api_url=emulator.retailer_url, external_user_id=NEW_CUSTOMER)
    before = run_module('retailer_account_info', info)
    assert (before['exists'], before['account_id'], before['state']) == (False, None, 'absent')
    created = run_module('retailer_account', new_account(emulator))
    emulator.clear_requests()
    after = run_module('retailer_account_info', info)
    assert (after['exists'], after['account_id'], after['profile_id']) == (True, created['account_id'], 1047)
    assert [r[:2] for r in retailer_requests(emulator)] == [('GET', 'Account'), ('GET', 'Account/%s/Status' % created['account_id'])]
    emulator.configure(account_lookup='none')
    refused = run_module('retailer_account_info', info)
    assert refused['failed'] is True and 'give its account_id' in refused['msg']


def test_present_with_enabled_false_creates_a_disabled_account_and_then_enables_an_existing_one(emulator):
    real, writes = check_apply_again(emulator, 'retailer_account', new_account(emulator, enabled=False,
                                                                               packs=[{'pack_id': 534, 'quantity': 1}]))
    account = accounts_of(emulator)[0]
    assert [(w['method'], w['path'].rsplit('svc/', 1)[-1]) for w in writes] == [
        ('POST', 'Account'), ('POST', 'Account/%s/Pack/534' % account['IdAccount']), ('PUT', 'Account/%s' % account['IdAccount'])]
    assert account['Code'] == 1 and real['account']['Code'] == 1
    assert real['plan']['after'] == {'state': 'disabled', 'profile_id': 1047}
    resumed, writes = check_apply_again(emulator, 'retailer_account', new_account(emulator, enabled=True))
    assert [w['method'] for w in writes] == ['PUT'] and accounts_of(emulator)[0]['Code'] == 0
    assert resumed['plan']['before'] == {'state': 'disabled', 'profile_id': 1047}


PROFILE_PACKS = {1046: {534: (0, 2), 535: (0, 1), 537: (0, 1)}, 1047: {534: (0, 10), 535: (0, 5), 536: (0, 5), 537: (0, 3), 538: (0, 1)}}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile_id=st.sampled_from(sorted(PROFILE_PACKS)), by_name=st.booleans(), enabled=st.sampled_from([None, True, False]),
       totals=st.dictionaries(st.sampled_from([534, 535, 536, 537, 538]), st.integers(min_value=0, max_value=6), max_size=3),
       switches=st.fixed_dictionaries({}, optional={'activation_delay': st.sampled_from([0.0, 0.15]),
                                                    'activation_progress_status': st.sampled_from([201, 202]),
                                                    'create_account_answer': st.sampled_from(['object', 'number']),
                                                    'external_user_id_strict': st.booleans()}))
def test_property_a_create_is_predicted_by_check_mode_and_converges(emulator, profile_id, by_name, enabled, totals, switches):
    emulator.reset()
    emulator.configure(**switches)
    options = {'profile': {1046: 'Trial', 1047: 'Economy'}[profile_id] if by_name else str(profile_id),
               'packs': [{'pack_id': pack_id, 'quantity': quantity} for pack_id, quantity in sorted(totals.items())] or None}
    if enabled is not None:
        options['enabled'] = enabled
    args = new_account(emulator, **options)
    limits = PROFILE_PACKS[profile_id]
    refused = [pack_id for pack_id, quantity in totals.items() if pack_id not in limits or not limits[pack_id][0] <= quantity <= limits[pack_id][1]]
    predicted = run_module('retailer_account', args, check_mode=True, diff=True)
    assert emulator.writes() == []
    real = run_module('retailer_account', args, diff=True)
    if refused:
        # A pack the profile does not offer, or a total outside its limits: refused before any write, in both runs.
        assert predicted['failed'] and real['failed'] and predicted['msg'] == real['msg']
        assert emulator.writes() == [] and accounts_of(emulator) == []
        return
    assert 'failed' not in real, real['msg']
    assert [real[key] for key in ('changed', 'plan', 'diff')] == [predicted[key] for key in ('changed', 'plan', 'diff')]
    assert real.get('plans') == predicted.get('plans')
    [account] = accounts_of(emulator)
    held = dict((pack['Id'], pack['Quantity']) for pack in account['ActivePacks'])
    assert account['IdProfile'] == profile_id and account['Code'] == (1 if enabled is False else 0)
    assert all(held[pack_id] == quantity for pack_id, quantity in totals.items())
    # The account check mode showed is the one the run made, but for the id MailUp gives it.
    shown = dict(predicted['account'], IdAccount=account['IdAccount'])
    assert by_pack_id(dict((key, shown[key]) for key in ('Code', 'IdProfile', 'ActivePacks'))) == by_pack_id(
        dict((key, real['account'][key]) for key in ('Code', 'IdProfile', 'ActivePacks')))
    emulator.clear_requests()
    again = run_module('retailer_account', args)
    assert again['changed'] is False and emulator.writes() == [] and again['account_id'] == account['IdAccount']
