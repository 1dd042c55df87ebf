# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retailer_onboard role and its example playbook, in real ansible-playbook runs against the emulator."""

import pytest

from emulator_fixture import stored_account
from role_runs import PLAYBOOKS, changed_tasks, entries, failure_messages, packs, role_playbook, run, writes


def test_onboard_example_previews_applies_and_reruns_unchanged(emulator, tmp_path):
    playbook = PLAYBOOKS / 'retailer_onboard.yml'

    preview = run(emulator, tmp_path / 'check', playbook, check=True, diff=True)
    assert preview.rc == 0, preview.stdout + preview.stderr
    assert writes(emulator) == []
    # The packs are predicted against the new profile (Economy), since the pack module only sees Trial before the change.
    predicted = entries(preview, 'Predict the pack quantities after the profile change')[0]['result']
    assert [item['msg'] for item in predicted['results']] == [
        'Extra 1,000 emails (pack 534): 0 -> 4 once the profile has changed',
        'SMS 100 (pack 536): 0 -> 2 once the profile has changed',
    ]

    apply = run(emulator, tmp_path / 'apply', playbook, diff=True)
    assert apply.rc == 0, apply.stdout + apply.stderr
    stored = stored_account(emulator, 23054)
    assert stored['Code'] == 0 and stored['IdProfile'] == 1047
    assert packs(emulator, 23054)[534] == 4 and packs(emulator, 23054)[536] == 2
    applied = writes(emulator)
    assert applied[0] == ('PUT', 'Account/23054') and ('POST', 'Account/23054/Pack/534') in applied
    assert ('POST', 'Account/23054/Pack/536') in applied
    # The preview changed the same tasks the real run changed (the pack preview stands for the pack task).
    assert len(changed_tasks(preview)) == len(changed_tasks(apply)) == 2

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0, again.stdout + again.stderr
    assert changed_tasks(again) == [] and writes(emulator) == []
    status = entries(again, 'Record the account status after onboarding')[0]['result']['ansible_facts']['retailer_onboard_status']
    assert status['IdAccount'] == 23054 and status['IdProfile'] == 1047 and status['Code'] == 0


def test_onboard_same_profile_by_id_sets_packs_and_disables(emulator, tmp_path):
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
    assert writes(emulator) == [('PUT', 'Account/23055'), ('POST', 'Account/23055/Pack/538')]

    emulator.clear_requests()
    again = run(emulator, tmp_path / 'again', playbook)
    assert again.rc == 0 and changed_tasks(again) == [] and writes(emulator) == []


@pytest.mark.parametrize('check', [True, False], ids=['check mode', 'real run'])
@pytest.mark.parametrize('pack, expected', [
    ({'pack_id': 539, 'quantity': 1}, 'Pack 539 is not offered by profile Economy (1047)'),
    ({'pack_name': 'SMS 100', 'quantity': 6}, 'Pack SMS 100 must have a quantity between 0 and 5, not 6, on profile Economy (1047)'),
], ids=['pack not offered', 'quantity out of range'])
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
    assert expected + ', the profile of account 23054 after onboarding. Nothing was changed.' in message, message
    assert writes(emulator) == []
    assert stored_account(emulator, 23054)['Code'] == 1 and stored_account(emulator, 23054)['IdProfile'] == 1046
