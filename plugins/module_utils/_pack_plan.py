# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which pack each wanted item means, what its total becomes, and when the task must be refused.

No HTTP here: retailer_pack reads the account status and the profile's packs through RetailerApi
and hands them to these functions; the single form (one item) and the bulk form (``packs``)
decide the same way, and check mode predicts from the same items.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import repeated
from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Write
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import ABSOLUTE, INCREMENTAL, pack_summary
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import ResolveError, resolve_pack


class PackChange(Item):
    """One pack of the account: its total before the run and as wanted (a total, or the total plus an increment)."""

    def __init__(self, account_id, pack_id, pack, before, quantity=None, increment=None, option=None):
        self.pack_id = pack_id
        # The option the wanted total comes from, as the user wrote it: quantity, increment, packs[2].quantity.
        self.option = option or ('quantity' if increment is None else 'increment')
        self.pack = pack
        self.increment = increment
        after = quantity if increment is None else before + increment
        self.work_mode = ABSOLUTE if increment is None else INCREMENTAL
        label = 'pack %s%s of the account %s (%s -> %s)' % (pack_id, ' %s' % pack.name if pack and pack.name else '', account_id, before, after)
        if increment is None:
            write = Write('set', 'set %s' % label, 'set %s' % label)
        else:
            # An increment adds again on every arrival: a read-back can never prove that this one was applied.
            write = Write('increment', '%s %s' % (self.verb(), label), '%s %s' % (self.verb(past=True), label), absolute=False)
        super(PackChange, self).__init__('retailer_pack/%s/%s' % (account_id, pack_id), {'quantity': before}, {'quantity': after},
                                         write.name, writes=[write], identity={'pack_id': pack_id})

    def verb(self, past=False):
        """``add 2 to`` / ``remove 1 from`` (or their past) for an increment (only an increment has a verb)."""
        increment = self.increment or 0
        if increment > 0:
            return '%s %d to' % ('added' if past else 'add', increment)
        return '%s %d from' % ('removed' if past else 'remove', -increment)

    @property
    def quantity_before(self):
        return self.before['quantity']

    @property
    def quantity_after(self):
        return self.wanted['quantity']

    @property
    def amount(self):
        """What the write sends as Quantity: the total, or the increment."""
        return self.quantity_after if self.increment is None else self.increment

    def summary(self):
        """The pack as the modules return it in a list: MailUp's fields, with its total before and after the run."""
        return pack_summary(self.pack_id, self.pack, quantity_before=self.quantity_before, quantity_after=self.quantity_after)

    @property
    def within_limits(self):
        return not self.must_change or self.pack.minimum <= self.quantity_after <= self.pack.maximum

    def limits(self):
        """Why the wanted total is refused, by the option it comes from."""
        if self.increment is None:
            wanted = '%s=%d is outside it' % (self.option, self.quantity_after)
        else:
            wanted = '%s=%d would make it %d' % (self.option, self.increment, self.quantity_after)
        return 'pack %s (%s) takes a total of %s to %s: %s (the account has %d)' % (
            self.pack_id, self.pack.name, self.pack.minimum, self.pack.maximum, wanted, self.quantity_before)


def _must_write(wanted, status):
    return wanted['increment'] is not None or wanted['quantity'] != status.quantity(wanted['pack_id'])


def needs_profile_packs(wanted_items, status):
    """Whether the profile's packs must be read: for a name, to check the limits before a write, or to make
    sure a pack the account does not list exists at all (instead of a silent no-op)."""
    return any(wanted['pack_id'] is None or _must_write(wanted, status) or not status.lists(wanted['pack_id'])
               for wanted in wanted_items)


def _pack_of(wanted, status, profile_packs):
    """(pack id, the profile's pack or None) of one wanted item; ResolveError when the profile has no such pack."""
    profile_id = status.profile_id
    if wanted['pack_id'] is None:
        pack = resolve_pack(profile_packs, profile_id, pack_name=wanted['pack_name'])
        return pack.id, pack
    pack_id = wanted['pack_id']
    if _must_write(wanted, status) or not status.lists(pack_id):
        return pack_id, resolve_pack(profile_packs or [], profile_id, pack_id=pack_id)
    # Read for another item anyway: name the pack if the profile still offers it.
    return pack_id, next((pack for pack in profile_packs or [] if str(pack.id) == str(pack_id)), None)


def pack_changes(account_id, wanted_items, status, profile_packs, single=False):
    """The change set of the wanted packs, in list order; refused when a pack is unknown or given twice."""
    found, problems = [], []
    for wanted in wanted_items:
        try:
            found.append(_pack_of(wanted, status, profile_packs))
        except ResolveError as error:
            problems.append(error.message)
    if problems:
        raise ResolveError('; '.join(problems) + '. Nothing was changed.')
    twice = repeated('packs', [pack_id for pack_id, _pack in found], lambda pack_id: 'pack %s' % pack_id)
    if twice:
        raise ResolveError('; '.join(twice) + '; give each pack once. Nothing was changed.')
    return ChangeSet([PackChange(account_id, pack_id, pack, status.quantity(pack_id), wanted['quantity'], wanted['increment'],
                                 option=_option_of(wanted, None if single else position))
                      for position, ((pack_id, pack), wanted) in enumerate(zip(found, wanted_items))], single=single)


def _option_of(wanted, position):
    name = 'quantity' if wanted['increment'] is None else 'increment'
    return name if position is None else 'packs[%d].%s' % (position, name)


def refuse_limits(changes, account_id, profile_id):
    """Refuse the task when a wanted total is outside its pack's Min..Max in the account's profile."""
    packs = [change for change in changes.items if isinstance(change, PackChange)]
    outside = [change for change in packs if not change.within_limits]
    if not outside:
        return
    extra = {'refused': [{'pack_id': change.pack_id, 'min': change.pack.minimum, 'max': change.pack.maximum,
                          'wanted': change.quantity_after} for change in outside]}
    if changes.single:
        extra.update(allowed_min=outside[0].pack.minimum, allowed_max=outside[0].pack.maximum)
    message = 'in the profile %s of the account %s, %s' % (profile_id, account_id, '; '.join(change.limits() for change in outside))
    changes.refuse(message + '. Nothing was changed.', **extra)


def finish_advice(changes):
    """How to finish a pack task that failed part-way without adding anything twice.

    Running it again is safe only without increments: an increment that was applied (or may have been) would be
    added again. The safe way is the absolute total each pack was meant to reach: it sends nothing where the pack
    already has it, and running it again once a lost request can no longer land corrects that one too.
    """
    increments = [change for change in changes.items if change.increment is not None]
    if not increments:
        return 'running the task again is safe: it reads the account again and writes only the totals that still differ'
    again = [change for change in increments if change.writes and change.writes[0].outcome in ('done', 'unknown')]
    rerun = 'do not run the increments again'
    if again:
        rerun = 'running the task again as it is would %s once more' % ' and '.join(
            '%s pack %s' % (change.verb(), change.pack_id) for change in again)
    if changes.single:
        change = changes.items[0]
        totals = 'pack_id: %s, quantity: %s' % (change.pack_id, change.quantity_after)
    else:
        totals = 'packs: [%s]' % ', '.join('{pack_id: %s, quantity: %s}' % (change.pack_id, change.quantity_after)
                                           for change in changes.items)
    return ('%s, so set the totals this task was meant to reach instead (%s): an absolute total sends nothing where the pack '
            'already has it, and running it again later also corrects a lost request that is applied late' % (rerun, totals))


def changed_totals(packs):
    """(pack id, wanted total) of each of ``packs`` that changes: what a prediction of the account status applies."""
    return [(change.pack_id, change.quantity_after) for change in packs if change.must_change]


def predicted(changes, status):
    """The account status with every wanted total: the check-mode prediction, and the status after a real run, whose every
    change MailUp accepted (it answers Code 0 only once a change is applied), so a change costs no extra read."""
    return status.predicted(totals=changed_totals(changes.items))


def result(changes, account, diff):
    """The module result, once ``account`` is the account status after the run."""
    keys = {'account': account.as_result()}
    if changes.single:
        change = changes.items[0]
        keys.update(pack=pack_summary(change.pack_id, change.pack, quantity=change.quantity_after),
                    quantity_before=change.quantity_before, quantity_after=change.quantity_after)
    else:
        keys['packs'] = [change.summary() for change in changes.items]
    return changes.result(diff=diff, **keys)
