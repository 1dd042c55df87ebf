# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What retailer_account has to write to take an account from one state to another, and what a
profile change does to the account's packs.

No HTTP here: the order of the writes, their words, which packs MailUp removes or leaves above
the new profile's maximum (from the target profile's packs), and what the account status will
read after them (the check-mode prediction, and the result of an enable or disable).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Write
from ansible_collections.channel.partner.plugins.module_utils._pack_plan import PackChange, pack_changes
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import (
    ABSENT,
    ACCOUNT_ENABLED,
    EXTERNAL_USER_ID_HEADER,
    STATE_DESCRIPTIONS,
    AccountStatus,
    summary_of,
)

# (to do, done) of each write, with the account id and the wanted profile id.
WORDS = {
    'enable': ('enable the account %(account)s', 'enabled the account %(account)s'),
    'disable': ('disable the account %(account)s', 'disabled the account %(account)s'),
    'profile': ('change the profile of the account %(account)s to %(profile)s', 'changed the profile of the account %(account)s to %(profile)s'),
    'delete': ('delete the account %(account)s', 'deleted the account %(account)s'),
    'create': ('create the account of %(account)s on the profile %(profile)s', 'created the account of %(account)s on the profile %(profile)s'),
}


def planned_writes(before, after):
    """The writes that take ``before`` to ``after``, in the documented order.

    The account is enabled first and disabled last, so that a profile change happens on an active account.
    """
    if after['state'] == 'absent':
        return ['delete'] if before['state'] != 'absent' else []
    writes = []
    if before['state'] == 'disabled' and after['state'] == 'enabled':
        writes.append('enable')
    if after.get('profile_id') != before['profile_id']:
        writes.append('profile')
    if before['state'] == 'enabled' and after['state'] == 'disabled':
        writes.append('disable')
    return writes


def expected(write, after):
    """What the account shows once ``write`` is applied, in the fields that write sets."""
    if write == 'profile':
        return {'profile_id': after.get('profile_id')}
    if write == 'delete':
        return dict(after)
    return {'state': 'enabled' if write == 'enable' else 'disabled'}


def account_item(account_id, before, after):
    words = {'account': account_id, 'profile': after.get('profile_id')}
    writes = [Write(name, WORDS[name][0] % words, WORDS[name][1] % words, expects=expected(name, after))
              for name in planned_writes(before, after)]
    return Item('retailer_account/%s' % account_id, before, after, 'delete' if after['state'] == 'absent' else 'update', writes=writes)


def new_account_key(external_user_id):
    """How a task names an account it is to create: MailUp gives the id only once the account exists, and the plan of a
    check run must name it as the real run does."""
    return '%s=%s' % (EXTERNAL_USER_ID_HEADER, external_user_id)


def new_account_status(profile_id, target_packs):
    """What a new account shows, as far as the collection predicts it: enabled, on its profile, the profile's packs at 0
    (as the emulator makes it; MailUp documents nothing), its id not known yet."""
    return AccountStatus({'Code': ACCOUNT_ENABLED, 'Description': STATE_DESCRIPTIONS[ACCOUNT_ENABLED], 'IdAccount': None,
                          'IdProfile': profile_id, 'ActivePacks': [{'CurrentQuantity': 0, 'Id': pack.id, 'Quantity': 0}
                                                                   for pack in target_packs or []]})


def creation_changes(external_user_id, profile_id, target_packs, wanted_packs, state='enabled'):
    """The change set of a new account: its create (the POST and the wait for its activation), then the pack totals the
    task wants, against the packs of its profile, then a disable when it is wanted disabled (a new account is enabled);
    returned with the status the new account is predicted to show before the disable."""
    key = new_account_key(external_user_id)
    after = {'state': state, 'profile_id': profile_id}
    words = {'account': key, 'profile': profile_id}
    create = Write('create', WORDS['create'][0] % words, WORDS['create'][1] % words,
                   expects={'state': 'enabled', 'profile_id': profile_id}, confirm=True)
    writes = [create]
    if state == 'disabled':
        writes.append(Write('disable', WORDS['disable'][0] % words, WORDS['disable'][1] % words, expects={'state': 'disabled'}))
    account = Item('retailer_account/%s' % key, dict(ABSENT), after, 'create', writes=writes)
    status = new_account_status(profile_id, target_packs)
    packs = pack_changes(key, wanted_packs, status, target_packs).items if wanted_packs else []
    items = [account] + packs
    order = [create] + [write for pack in packs for write in pack.writes] + writes[1:]
    return ChangeSet(items, single=len(items) == 1, order=order), status


def account_changes(account_id, before, after):
    """The change set of the account alone (``after`` holds ``profile`` as asked until the profile is resolved)."""
    return ChangeSet([account_item(account_id, before, after)], single=True)


class PackLoss(Item):
    """A pack the profile change removes: MailUp drops the packs the new profile does not offer. It has no write of its own."""

    def __init__(self, account_id, pack_id, name, quantity, profile_write):
        self.pack_id, self.name, self.quantity = pack_id, name, quantity
        super(PackLoss, self).__init__('retailer_pack/%s/%s' % (account_id, pack_id), {'quantity': quantity}, {'quantity': 0}, 'remove',
                                       follows=profile_write)


def pack_losses(status, target_packs, wanted):
    """What a profile change to the profile of ``target_packs`` costs the account in packs: (removed, above_maximum).

    ``removed`` are the packs it holds (more than 0) that the profile does not offer; ``above_maximum`` the ones it offers
    with a lower maximum than the account's total, unless the task sets them to a total within the limits (``wanted``:
    {pack id: total}). MailUp leaves those above the maximum (as the emulator does); either way they are named.
    """
    offered = dict((pack.id, pack) for pack in target_packs)
    removed, above = [], []
    for pack_id, quantity in status.held():
        pack = offered.get(pack_id)
        if pack is None:
            if quantity > 0:
                removed.append((pack_id, quantity))
        elif pack.maximum is not None and quantity > pack.maximum and not (pack.minimum <= wanted.get(pack_id, quantity) <= pack.maximum):
            above.append((pack, quantity))
    return removed, above


def describe_losses(removed, above, names, profile_id):
    parts = []
    if removed:
        parts.append('remove %s, which the profile %s does not offer' % (', '.join(
            'pack %s%s (%s -> 0)' % (pack_id, ' %s' % names[pack_id] if names.get(pack_id) else '', quantity)
            for pack_id, quantity in removed), profile_id))
    if above:
        parts.append('leave %s above the maximum of the profile %s' % (', '.join(
            'pack %s %s at %s (it allows %s..%s)' % (pack.id, pack.name, quantity, pack.minimum, pack.maximum)
            for pack, quantity in above), profile_id))
    return ' and '.join(parts)


def loss_summary(removed, above, names):
    """The packs a profile change costs, as the module returns them (``pack_losses``)."""
    gone = [{'pack_id': pack_id, 'name': names.get(pack_id), 'quantity_before': quantity, 'quantity_after': 0, 'reason': 'removed'}
            for pack_id, quantity in removed]
    too_many = [{'pack_id': pack.id, 'name': pack.name, 'quantity_before': quantity, 'quantity_after': quantity, 'maximum': pack.maximum,
                 'reason': 'above_maximum'} for pack, quantity in above]
    return gone + too_many


def onboarding_changes(account_id, before, after, status, target_packs, wanted_packs, names):
    """The change set of an account and its packs: the account's writes, the packs a profile change removes, and the pack
    totals the task wants (against the packs of the profile the account will be on), each write in its order.

    ``target_packs`` are the packs of the profile the account is (or will be) on; None when they were not needed.
    """
    account = account_item(account_id, before, after)
    profile_write = next((write for write in account.writes if write.name == 'profile'), None)
    on_target = status
    losses = []
    if profile_write is not None:
        on_target = status.reshaped(after['profile_id'], [pack.id for pack in target_packs])
        removed, _above = pack_losses(status, target_packs, {})
        losses = [PackLoss(account_id, pack_id, names.get(pack_id), quantity, profile_write) for pack_id, quantity in removed]
    packs = pack_changes(account_id, wanted_packs, on_target, target_packs).items if wanted_packs else []
    order = [write for write in account.writes if write.name in ('enable', 'profile')]
    order += [write for pack in packs for write in pack.writes]
    order += [write for write in account.writes if write.name in ('disable', 'delete')]
    items = [account] + losses + packs
    return ChangeSet(items, single=len(items) == 1, order=order), on_target


def read_back_of(item, status):
    """What an account status read back shows of ``item``: a pack's total, or the account's state and profile (``status``
    None: the account does not exist)."""
    if isinstance(item, PackChange):
        return None if status is None else {'quantity': status.quantity(item.pack_id)}
    return summary_of(status)


def pack_items(changes):
    return [item for item in changes.items if isinstance(item, PackChange)]


def predicted(status, after, answer=None):
    """The account status once the writes are applied (an empty one for a deleted account)."""
    if after['state'] == 'absent' or status is None:
        return {}
    return status.predicted(state=after['state'], profile_id=after['profile_id'], answer=answer).as_result()
