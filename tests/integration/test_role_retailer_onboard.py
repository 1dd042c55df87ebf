# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retailer_onboard role and its example playbook, in real ansible-playbook runs against the emulator."""

import pytest

from emulator_fixture import stored_account
from role_runs import PLAYBOOKS, changed_tasks, entries, failure_messages, packs, role_playbook, run, writes

TASK = 'Bring the account to its state, profile and packs'


def plans_of(result):
    return [(plan['resource'], plan['action'], plan['before'], plan['after']) for plan in entries(result, TASK)[0]['result']['plans']]


def test_onboard_example_previews_applies_and_reruns_unchanged(emulator, tmp_path):
    playbook = PLAYBOOKS / 'retailer_onboard.yml'

    preview = run(emulator, tmp_path / 'check', playbook, check=True, diff=True)
    assert preview.rc == 0, preview.stdout + preview.stderr
    assert writes(emulator) == []
    # The preview covers every write, the packs on the new profile (Economy) included.
    expected = [('retailer_account/23054', 'update', {'state': 'disabled', 'profile_id': 1046}, {'state': 'enabled', 'profile_id': 1047}),
                ('retailer_pack/23054/534', 'set', {'quantity': 0}, {'quantity': 4}),
                ('retailer_pack/23054/536', 'set', {'quantity': 0}, {'quantity': 2})]
    assert plans_of(preview) == expected
    assert '"retailer_pack/23054/536": 2' in preview.stdout

    apply = run(emulator, tmp_path / 'apply', playbook, diff=True)
    assert apply.rc == 0, apply.stdout + apply.stderr
    assert plans_of(apply) == expected
    stored = stored_account(emulator, 23054)
    assert stored['Code'] == 0 and stored['IdProfile'] == 1047
    assert packs(emulator, 23054)[534] == 4 and packs(emulator, 23054)[536] == 2
    applied = writes(emulator)
    assert applied[0] == ('PUT', 'Account/23054') and applied[-2:] == [('POST', 'Account/23054/Pack/534'), ('POST', 'Account/23054/Pack/536')]
    assert changed_tasks(preview) == changed_tasks(apply) == ['Bring the account to its state, profile and packs']

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0, again.stdout + again.stderr
    assert changed_tasks(again) == [] and writes(emulator) == []
    status = entries(again, 'Record the account status after onboarding')[0]['result']['ansible_facts']['retailer_onboard_status']
    assert status['IdAccount'] == 23054 and status['IdProfile'] == 1047 and status['Code'] == 0


def test_onboard_same_profile_by_id_sets_packs_and_disables_last(emulator, tmp_path):
    wanted = {
        'retailer_onboard_account_id': 23055,
        'retailer_onboard_external_user_id': 'cust-23055',
        'retailer_onboard_state': 'disabled',
        'retailer_onboard_profile': 1047,
        'retailer_onboard_packs': [{'pack_id': 534, 'quantity': 3}, {'pack_name': 'Dedicated IP', 'quantity': 1}],
    }
    playbook = role_playbook(tmp_path, 'retailer_onboard', wanted)
    first = run(emulator, tmp_path / 'first', playbook)
    assert first.rc == 0, first.stdout + first.stderr
    assert stored_account(emulator, 23055)['Code'] == 1 and stored_account(emulator, 23055)['IdProfile'] == 1047
    assert packs(emulator, 23055)[534] == 3 and packs(emulator, 23055)[538] == 1
    # The pack is set while the account is still enabled; the disable comes last.
    assert writes(emulator) == [('POST', 'Account/23055/Pack/538'), ('PUT', 'Account/23055')]

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0 and changed_tasks(again) == [] and writes(emulator) == []


@pytest.mark.parametrize('check', [True, False], ids=['check mode', 'real run'])
@pytest.mark.parametrize('pack, expected', [
    ({'pack_id': 539, 'quantity': 1}, 'unknown pack 539 in the profile 1047 of the account'),
    ({'pack_name': 'SMS 100', 'quantity': 6}, 'pack 536 (SMS 100) takes a total of 0 to 5: packs[1].quantity=6 is outside it (the account has 0)'),
    # The same pack twice, by name and by id, with another total: it would never converge.
    ({'pack_name': 'Extra 1,000 emails', 'quantity': 3}, 'pack 534 is listed more than once (packs[0], packs[1]); give each pack once'),
], ids=['pack not offered', 'quantity out of range', 'same pack twice'])
def test_onboard_refuses_packs_the_new_profile_does_not_allow_before_any_write(emulator, tmp_path, check, pack, expected):
    wanted = {
        'retailer_onboard_account_id': 23054,
        'retailer_onboard_external_user_id': 'cust-23054',
        'retailer_onboard_profile': 'Economy',
        'retailer_onboard_packs': [{'pack_id': 534, 'quantity': 1}, pack],
    }
    result = run(emulator, tmp_path, role_playbook(tmp_path, 'retailer_onboard', wanted), check=check)
    assert result.rc != 0
    message = failure_messages(result)
    assert expected in message and 'Nothing was changed.' in message, message
    assert writes(emulator) == []
    assert stored_account(emulator, 23054)['Code'] == 1 and stored_account(emulator, 23054)['IdProfile'] == 1046


@pytest.mark.parametrize('accept', [False, True], ids=['refused by default', 'accepted'])
def test_onboard_names_the_packs_a_profile_change_removes(emulator, tmp_path, accept):
    # Account 23055 is on Economy with packs 534=3, 535=1, 536=2; Trial offers 534 (0..2), 535, 537 and no SMS.
    wanted = {
        'retailer_onboard_account_id': 23055,
        'retailer_onboard_external_user_id': 'cust-23055',
        'retailer_onboard_profile': 'Trial',
        'retailer_onboard_accept_pack_loss': accept,
        'retailer_onboard_packs': [{'pack_id': 534, 'quantity': 2}],
    }
    playbook = role_playbook(tmp_path, 'retailer_onboard', wanted)
    preview = run(emulator, tmp_path / 'check', playbook, check=True, diff=True)
    real = run(emulator, tmp_path / 'real', playbook, diff=True)
    if not accept:
        for result in (preview, real):
            assert result.rc != 0
            message = failure_messages(result)
            assert 'the profile change of the account 23055 to 1046 would remove pack 536 (2 -> 0), which the profile 1046 does not offer' \
                in message and 'Nothing was changed.' in message and 'accept_pack_loss' in message, message
        assert writes(emulator) == [] and stored_account(emulator, 23055)['IdProfile'] == 1047
        return
    assert preview.rc == 0 and real.rc == 0, real.stdout + real.stderr
    expected = [('retailer_account/23055', 'update', {'state': 'enabled', 'profile_id': 1047}, {'state': 'enabled', 'profile_id': 1046}),
                ('retailer_pack/23055/536', 'remove', {'quantity': 2}, {'quantity': 0}),
                ('retailer_pack/23055/534', 'set', {'quantity': 3}, {'quantity': 2})]
    assert plans_of(preview) == plans_of(real) == expected
    losses = entries(real, TASK)[0]['result']['pack_losses']
    assert [(loss['pack_id'], loss['quantity_before'], loss['quantity_after'], loss['reason']) for loss in losses] == [(536, 2, 0, 'removed')]
    assert stored_account(emulator, 23055)['IdProfile'] == 1046 and packs(emulator, 23055) == {534: 2, 535: 1, 537: 0}
