# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account planner as tables: the state before and the state wanted in, the writes and their order out. No HTTP."""

import pytest

from ansible_collections.channel.partner.plugins.module_utils import _account_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import ABSENT, AccountStatus, EnableAnswer


def state(name, profile_id=1046):
    return dict(ABSENT) if name == 'absent' else {'state': name, 'profile_id': profile_id}


@pytest.mark.parametrize('before, after, writes', [
    (state('enabled'), state('enabled'), []),
    (state('disabled'), state('enabled'), ['enable']),
    (state('enabled'), state('disabled'), ['disable']),
    (state('enabled'), state('enabled', 1047), ['profile']),
    # Enabled first and disabled last: the profile changes on an active account.
    (state('disabled'), state('enabled', 1047), ['enable', 'profile']),
    (state('enabled'), state('disabled', 1047), ['profile', 'disable']),
    (state('disabled'), state('disabled', 1047), ['profile']),
    (state('enabled', 1047), state('absent'), ['delete']),
    (state('absent'), state('absent'), []),
])
def test_the_writes_and_their_order(before, after, writes):
    assert plan.planned_writes(before, after) == writes
    (item,) = plan.account_changes(23054, before, after).items
    assert [write.name for write in item.writes] == writes
    assert item.action == ('none' if not writes else 'delete' if after['state'] == 'absent' else 'update')


def test_the_words_of_each_write():
    (item,) = plan.account_changes(23054, state('disabled'), state('enabled', 1047)).items
    assert [(write.to_do, write.done) for write in item.writes] == [
        ('enable the account 23054', 'enabled the account 23054'),
        ('change the profile of the account 23054 to 1047', 'changed the profile of the account 23054 to 1047')]


def test_a_profile_not_yet_resolved_is_planned_as_asked():
    changes = plan.account_changes(23054, state('disabled'), {'state': 'enabled', 'profile': 'Economy'})
    assert changes.items[0].plan() == {'resource': 'retailer_account/23054', 'action': 'update', 'before': state('disabled'),
                                       'after': {'state': 'enabled', 'profile': 'Economy'}}


def test_the_predicted_status():
    status = AccountStatus({'Code': 1, 'Description': 'Disabled', 'IdAccount': 23054, 'IdProfile': 1046, 'ActivePacks': [],
                            'ValidFrom': 'a', 'ValidTo': 'b'})
    enabled = plan.predicted(status, state('enabled', 1047), EnableAnswer({'Code': 0, 'ValidFrom': 'c', 'ValidTo': 'd'}))
    assert (enabled['Code'], enabled['Description'], enabled['IdProfile'], enabled['ValidFrom'], enabled['ValidTo']) == \
        (0, 'Enabled', 1047, 'c', 'd')
    assert plan.predicted(status, state('absent')) == {}
    assert status.vendor['Code'] == 1
