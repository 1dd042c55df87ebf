# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The planning side of retailer_pack: which pack each item means, what its total becomes, what may be sent.

No HTTP here. The module reads the account status and the profile's packs through RetailerApi,
hands them to PackList, and sends the POSTs the plan asks for; the single form (one item) and the
bulk form (``packs``) decide the same way, and check mode predicts from the same plan.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

from ansible_collections.channel.partner.plugins.module_utils._retailer_api import AmbiguousWrite, PackRefused
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import (
    ResolveError,
    active_pack,
    pack_quantity,
    resolve_pack,
)


def predicted_status(status, totals):
    """The account status once each (pack id, total) of ``totals`` has that total: the check-mode prediction, and the
    status after a real run, whose every change MailUp accepted."""
    predicted = copy.deepcopy(status)
    packs = predicted.setdefault('ActivePacks', [])
    for pack_id, quantity in totals:
        entry = active_pack(predicted, pack_id)
        if entry is None:
            entry = {'Id': int(pack_id)}
            packs.append(entry)
        entry['Quantity'] = quantity
        entry['CurrentQuantity'] = quantity
    return predicted


def item_problems(items, prefix='packs[%d].'):
    """Why a ``packs`` list cannot be sent as it is (each problem names its item and option); empty when it can."""
    problems = []
    for position, item in enumerate(items):
        where = prefix % position if '%d' in prefix else prefix
        if item.get('quantity') is not None and item['quantity'] < 0:
            problems.append('%squantity must be 0 or more, not %d' % (where, item['quantity']))
        if item.get('increment') == 0:
            problems.append('%sincrement must not be 0' % where)
        if item.get('pack_id') is not None and item['pack_id'] <= 0:
            problems.append('%spack_id must be a positive integer, not %d' % (where, item['pack_id']))
        if item.get('pack_name') is not None and not item['pack_name'].strip():
            problems.append('%spack_name must not be empty' % where)
    return problems


class PackChange:
    """One wanted pack total (or increment) and what became of it."""

    def __init__(self, wanted):
        self.pack_id = wanted.get('pack_id')
        self.pack_name = wanted.get('pack_name')
        self.quantity = wanted.get('quantity')
        self.increment = wanted.get('increment')
        self.pack = None
        self.quantity_before = None
        self.quantity_after = None
        self.listed = False
        self.outcome = 'planned'

    def measure(self, status):
        """Compare with the account once the pack id is known."""
        self.quantity_before = pack_quantity(status, self.pack_id)
        self.quantity_after = self.quantity if self.increment is None else self.quantity_before + self.increment
        self.listed = active_pack(status, self.pack_id) is not None
        if not self.must_write:
            self.outcome = 'unchanged'

    @property
    def must_write(self):
        return self.increment is not None or self.quantity_after != self.quantity_before

    @property
    def action(self):
        if not self.must_write:
            return 'none'
        return 'set' if self.increment is None else 'increment'

    @property
    def within_limits(self):
        return not self.must_write or self.pack['Min'] <= self.quantity_after <= self.pack['Max']

    def describe(self):
        name = (self.pack or {}).get('Name')
        return '%s%s (%s -> %s)' % (self.pack_id, ' %s' % name if name else '', self.quantity_before, self.quantity_after)


class PackList:
    """The plan of a run on one account: every item, the limits it must respect, and how far the writes got."""

    def __init__(self, account_id, items, single=False):
        self.account_id = account_id
        self.single = single
        self.changes = [PackChange(item) for item in items]

    def resource(self, change):
        """The name of a pack of this account in plans and diffs."""
        return 'retailer_pack/%s/%s' % (self.account_id, change.pack_id)

    def needs_profile_packs(self, status):
        """Whether the profile's packs must be read: for a name, to check the limits before a write, or to make
        sure a pack the account does not list exists at all (instead of a silent no-op)."""
        for change in self.changes:
            if change.pack_id is None:
                return True
            change.measure(status)
            if change.must_write or not change.listed:
                return True
        return False

    def resolve(self, status, profile_packs, profile_id):
        """Find every item's pack and compare it with the account; raises ResolveError naming every unknown pack."""
        problems = []
        for change in self.changes:
            try:
                if change.pack_id is None:
                    change.pack = resolve_pack(profile_packs, profile_id, pack_name=change.pack_name)
                    change.pack_id = int(change.pack['Id'])
                change.measure(status)
                if change.pack is None and (change.must_write or not change.listed):
                    change.pack = resolve_pack(profile_packs or [], profile_id, pack_id=change.pack_id)
                elif change.pack is None and profile_packs:
                    # Read for another item anyway: name the pack if the profile still offers it.
                    change.pack = next((pack for pack in profile_packs if str(pack.get('Id')) == str(change.pack_id)), None)
            except ResolveError as error:
                problems.append(str(error))
        if problems:
            raise ResolveError('; '.join(problems))
        seen = {}
        for position, change in enumerate(self.changes):
            seen.setdefault(change.pack_id, []).append(position)
        repeated = ['pack %s is listed more than once (packs[%s])' % (pack_id, '], packs['.join(str(p) for p in positions))
                    for pack_id, positions in sorted(seen.items()) if len(positions) > 1]
        if repeated:
            raise ResolveError('; '.join(repeated) + '; give each pack once')

    def limit_refusal(self, profile_id):
        """(message, extra keys) when a wanted total is outside the pack's Min..Max, else None."""
        outside = [change for change in self.changes if not change.within_limits]
        if not outside:
            return None
        if self.single:
            change = outside[0]
            return ('the pack %s (%s) allows a total between %s and %s in the profile %s of the account %s; the wanted total is %d (now %d)'
                    % (change.pack_id, change.pack.get('Name'), change.pack['Min'], change.pack['Max'], profile_id, self.account_id,
                       change.quantity_after, change.quantity_before),
                    {'allowed_min': change.pack['Min'], 'allowed_max': change.pack['Max']})
        reasons = ['pack %s (%s) allows %s..%s, wanted %d (now %d)' % (
            change.pack_id, change.pack.get('Name'), change.pack['Min'], change.pack['Max'], change.quantity_after, change.quantity_before)
            for change in outside]
        refused = [{'pack_id': change.pack_id, 'min': change.pack['Min'], 'max': change.pack['Max'], 'wanted': change.quantity_after}
                   for change in outside]
        return ('%d of the packs would leave the limits of the profile %s of the account %s: %s. Nothing was changed.'
                % (len(outside), profile_id, self.account_id, '; '.join(reasons)), {'refused': refused})

    def predict(self, status):
        return predicted_status(status, [(change.pack_id, change.quantity_after) for change in self.changes if change.must_write])

    def stop(self, failed=None):
        """Mark the item whose write failed (if any); every change not yet sent is then not attempted."""
        if failed is not None:
            failed.outcome = 'failed'
        for change in self.changes:
            if change.outcome == 'planned':
                change.outcome = 'not_attempted'

    def failure_message(self, failed, error, verdict):
        done = [change.describe() for change in self.changes if change.outcome == 'done']
        waiting = [change.describe() for change in self.changes if change.outcome == 'not_attempted']
        return ('the pack change %s of the account %s failed: %s; %s. Set before the failure: %s. Not attempted: %s.'
                % (failed.describe(), self.account_id, error, verdict, ', '.join(done) or 'none', ', '.join(waiting) or 'none'))

    def plans(self, with_outcome=False):
        plans = []
        for change in self.changes:
            plan = {
                'resource': self.resource(change),
                'action': change.action,
                'before': {'quantity': change.quantity_before},
                'after': {'quantity': change.quantity_after},
            }
            if with_outcome:
                plan.update(outcome=change.outcome, failed=change.outcome not in ('done', 'unchanged'))
            plans.append(plan)
        return plans

    def result(self, account, diff=False):
        """The module result once ``account`` is the status after the run: predict(status), or the status as read when
        nothing had to change."""
        result = dict(changed=any(change.must_write for change in self.changes), account=account)
        packs = []
        for change in self.changes:
            pack = change.pack or {}
            packs.append({'Id': change.pack_id, 'Name': pack.get('Name'), 'Min': pack.get('Min'), 'Max': pack.get('Max'),
                          'quantity_before': change.quantity_before, 'quantity_after': change.quantity_after})
        if self.single:
            change, pack = self.changes[0], dict(packs[0])
            pack['Quantity'] = pack.pop('quantity_after')
            del pack['quantity_before']
            result.update(pack=pack, quantity_before=change.quantity_before, quantity_after=change.quantity_after, plan=self.plans()[0])
            if diff:
                result['diff'] = {'before': {'pack_id': change.pack_id, 'quantity': change.quantity_before},
                                  'after': {'pack_id': change.pack_id, 'quantity': change.quantity_after}}
            return result
        result.update(packs=packs, plans=self.plans())
        if diff:
            # Keyed by resource, so a long list reads as one line per pack.
            result['diff'] = {
                'before': dict((self.resource(change), change.quantity_before) for change in self.changes),
                'after': dict((self.resource(change), change.quantity_after) for change in self.changes),
            }
        return result


def refused_result(error):
    """The vendor's business result of a refused pack change, with the code's name."""
    return {'Code': error.code, 'Description': error.vendor_message, 'name': error.refusal}


def verdict(error):
    """What a failed POST means for the pack, in words a user can act on."""
    if isinstance(error, PackRefused):
        return 'MailUp refused it (%s), so it was not changed' % error.refusal
    if error.applied is False:
        return 'it was not applied, nothing was changed'
    if isinstance(error, AmbiguousWrite):
        return 'it may have been applied: check the account before running an increment again'
    return 'it may or may not have been applied; run the task again to see the state'
