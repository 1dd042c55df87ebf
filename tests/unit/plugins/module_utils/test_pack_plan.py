# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pack planner as tables: an account status, the profile's packs and the wanted items in; items, refusals
and the predicted status out. No HTTP."""

import pytest

from ansible_collections.channel.partner.plugins.module_utils import _pack_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import AccountStatus, ProfilePack
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import ResolveError

ACCOUNT = 23055
PROFILE = 1047
PACKS = [ProfilePack({'Id': 534, 'Name': 'Extra emails', 'Description': '', 'Min': 0, 'Max': 10}),
         ProfilePack({'Id': 536, 'Name': 'SMS 100', 'Description': '', 'Min': 0, 'Max': 5}),
         ProfilePack({'Id': 538, 'Name': 'Dedicated IP', 'Description': '', 'Min': 0, 'Max': 1})]


def status(**quantities):
    return AccountStatus({'Code': 0, 'Description': 'Enabled', 'IdAccount': ACCOUNT, 'IdProfile': PROFILE, 'Credits': 10,
                          'ActivePacks': [{'Id': int(pack_id[1:]), 'Quantity': quantity, 'CurrentQuantity': quantity}
                                          for pack_id, quantity in quantities.items()]})


def wanted(pack_id=None, pack_name=None, quantity=None, increment=None):
    return {'pack_id': pack_id, 'pack_name': pack_name, 'quantity': quantity, 'increment': increment}


@pytest.mark.parametrize('items, needs', [
    ([wanted(534, quantity=3)], False),            # listed, already 3: the status tells everything
    ([wanted(534, quantity=4)], True),             # a write: the limits are checked first
    ([wanted(536, quantity=0)], True),             # not listed: make sure the profile has it
    ([wanted(pack_name='SMS 100', quantity=0)], True),
    ([wanted(534, increment=1)], True),
])
def test_when_the_profile_packs_are_read(items, needs):
    assert plan.needs_profile_packs(items, status(p534=3)) is needs


@pytest.mark.parametrize('item, start, action, before, after, amount, to_do', [
    (wanted(534, quantity=5), 3, 'set', 3, 5, 5, 'set pack 534 Extra emails of the account 23055 (3 -> 5)'),
    (wanted(534, quantity=3), 3, 'none', 3, 3, 3, None),
    (wanted(534, increment=2), 3, 'increment', 3, 5, 2, 'add 2 to pack 534 Extra emails of the account 23055 (3 -> 5)'),
    (wanted(534, increment=-1), 3, 'increment', 3, 2, -1, 'remove 1 from pack 534 Extra emails of the account 23055 (3 -> 2)'),
    (wanted(pack_name='sms 100', quantity=2), 0, 'set', 0, 2, 2, 'set pack 536 SMS 100 of the account 23055 (0 -> 2)'),
])
def test_one_item_per_pack(item, start, action, before, after, amount, to_do):
    changes = plan.pack_changes(ACCOUNT, [item], status(p534=start), PACKS, single=True)
    (change,) = changes.items
    assert (change.action, change.quantity_before, change.quantity_after, change.amount) == (action, before, after, amount)
    assert [write.to_do for write in change.writes] == ([to_do] if to_do else [])
    assert change.work_mode == ('incremental' if item['increment'] is not None else 'absolute')
    assert change.resource == 'retailer_pack/%d/%d' % (ACCOUNT, change.pack_id)


def test_an_increment_is_not_absolute_and_the_advice_is_the_totals():
    changes = plan.pack_changes(ACCOUNT, [wanted(534, increment=1), wanted(536, quantity=2)], status(p534=0), PACKS)
    assert [change.writes[0].absolute for change in changes.items] == [False, True]
    assert plan.finish_advice(changes) == (
        'do not run the increments again, so set the totals this task was meant to reach instead (packs: [{pack_id: 534, quantity: 1}, '
        '{pack_id: 536, quantity: 2}]): an absolute total sends nothing where the pack already has it, and running it again later '
        'also corrects a lost request that is applied late')
    changes.items[0].writes[0].outcome = 'done'
    assert plan.finish_advice(changes).startswith('running the task again as it is would add 1 to pack 534 once more, so set')
    single = plan.pack_changes(ACCOUNT, [wanted(534, increment=-1)], status(p534=3), PACKS, single=True)
    single.items[0].writes[0].outcome = 'unknown'
    assert plan.finish_advice(single).startswith('running the task again as it is would remove 1 from pack 534 once more, so set the '
                                                 'totals this task was meant to reach instead (pack_id: 534, quantity: 2)')
    absolute = plan.pack_changes(ACCOUNT, [wanted(534, quantity=4)], status(p534=0), PACKS)
    assert plan.finish_advice(absolute).startswith('running the task again is safe')


def test_a_listed_pack_that_needs_no_write_is_named_only_when_the_packs_were_read():
    (change,) = plan.pack_changes(ACCOUNT, [wanted(534, quantity=3)], status(p534=3), None).items
    assert change.pack is None
    changes = plan.pack_changes(ACCOUNT, [wanted(534, quantity=3), wanted(536, quantity=1)], status(p534=3), PACKS)
    assert changes.items[0].pack.name == 'Extra emails'


@pytest.mark.parametrize('items, words', [
    ([wanted(999, quantity=1), wanted(pack_name='Carrier pigeons', quantity=1)],
     ["unknown pack 999 in the profile 1047", "unknown pack 'Carrier pigeons' in the profile 1047"]),
    ([wanted(536, quantity=1), wanted(pack_name='SMS 100', quantity=2)],
     ['pack 536 is listed more than once (packs[0], packs[1]); give each pack once']),
])
def test_unknown_and_repeated_packs_are_refused_together(items, words):
    with pytest.raises(ResolveError) as caught:
        plan.pack_changes(ACCOUNT, items, status(p534=3), PACKS)
    for text in words:
        assert text in caught.value.message
    assert caught.value.message.endswith('Nothing was changed.')


@pytest.mark.parametrize('items, single, message, keys', [
    ([wanted(538, quantity=2)], True,
     'in the profile 1047 of the account 23055, pack 538 (Dedicated IP) takes a total of 0 to 1: quantity=2 is outside it '
     '(the account has 0). Nothing was changed.', {'refused', 'allowed_min', 'allowed_max'}),
    ([wanted(538, quantity=2), wanted(534, increment=-4), wanted(536, quantity=1)], False,
     'in the profile 1047 of the account 23055, pack 538 (Dedicated IP) takes a total of 0 to 1: packs[0].quantity=2 is outside it '
     '(the account has 0); pack 534 (Extra emails) takes a total of 0 to 10: packs[1].increment=-4 would make it -1 (the account '
     'has 3). Nothing was changed.', {'refused'}),
])
def test_totals_outside_the_limits_are_refused_before_any_write(items, single, message, keys):
    changes = plan.pack_changes(ACCOUNT, items, status(p534=3), PACKS, single=single)
    with pytest.raises(Refusal) as caught:
        plan.refuse_limits(changes, ACCOUNT, PROFILE)
    result = caught.value.result()
    assert result['msg'] == message
    assert keys <= set(result) and [entry['pack_id'] for entry in result['refused']] == [538, 534][:len(result['refused'])]


def test_the_predicted_status_has_every_wanted_total_and_keeps_the_rest():
    start = status(p534=3, p536=1)
    changes = plan.pack_changes(ACCOUNT, [wanted(534, quantity=5), wanted(538, increment=1), wanted(536, quantity=1)], start, PACKS)
    after = plan.predicted(changes, start)
    assert [after.quantity(pack_id) for pack_id in (534, 536, 538)] == [5, 1, 1]
    assert after.as_result()['Credits'] == 10 and start.quantity(534) == 3
    result = plan.result(changes, after, diff=True)
    assert [pack['quantity_after'] for pack in result['packs']] == [5, 1, 1]
    assert result['diff']['after'] == {'retailer_pack/23055/534': 5, 'retailer_pack/23055/538': 1, 'retailer_pack/23055/536': 1}
