# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a regrade costs, what the vendor will show after it, and when it must be refused.

No HTTP here: live_service_regrade reads the live services and the price list through
PartnerApi and hands them to these functions; the single form, the bulk form and check
mode all decide the same way.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Refusal, Write


def credit_amount(value):
    """A credit figure as the price list writes it: 10 stays 10 (not 10.0), 2.5 stays 2.5; None when unknown."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def regrade_cost(catalogue, current_tariff, wanted_tariff, model='difference'):
    """Credits a regrade will cost under the vendor's pricing model ('difference' or 'full')."""
    services = catalogue.get('services', catalogue) if isinstance(catalogue, dict) else {}

    def credits(name):
        entry = services.get(name) or {}
        return entry.get('credits') or 0

    if current_tariff == wanted_tariff:
        return 0
    if model == 'full':
        return credits(wanted_tariff)
    if model != 'difference':
        raise ValueError('unknown regrade cost model %r (expected difference or full)' % (model,))
    return max(0, credits(wanted_tariff) - credits(current_tariff))


def describe_service(service):
    return ('%(id)s (%(product)s, client %(client_id)s, tariff %(tariff_service_name)s, whmcs_service_id %(whmcs_service_id)s)'
            % service)


def lookup_refusal(filters, matches):
    """The refusal when a lookup by product did not find exactly one service."""
    wanted = ', '.join('%s=%s' % item for item in sorted(filters.items()))
    found = '; '.join(describe_service(service) for service in matches) or 'none'
    return Refusal('expected exactly one live service with %s, found %d: %s. Narrow the selection (whmcs_service_id, '
                   'or live_service_id); nothing was changed.' % (wanted, len(matches), found), matches=matches)


class Regrade(Item):
    """One live service and its wanted package; ``service`` is the live service as last read (after the run once it
    is known, or as predicted in check mode)."""

    def __init__(self, service, target):
        self.service = service
        self.previous = service['tariff_service_name']
        self.target = target
        words = (service['id'], self.previous, target)
        super(Regrade, self).__init__(
            'live_service/%s' % service['id'], {'tariff_service_name': self.previous}, {'tariff_service_name': target}, 'regrade',
            writes=[Write('regrade', 'regrade live service %s from %s to %s' % words, 'regraded live service %s from %s to %s' % words)],
            credits=0 if self.previous == target else None, balance_before=None, balance_after=None)

    @property
    def service_id(self):
        return self.service['id']

    def describe(self):
        return '%s (%s -> %s)' % (self.service_id, self.previous, self.target)


def regrade_changes(services_by_id, wanted_items, single=False):
    """The change set of the wanted packages, in list order; refused when a listed service does not exist."""
    missing = [item['live_service_id'] for item in wanted_items if item['live_service_id'] not in services_by_id]
    if missing:
        raise Refusal('live services %s do not exist (or are not yours). Nothing was changed.' % ', '.join(str(key) for key in missing))
    return ChangeSet([Regrade(services_by_id[item['live_service_id']], item['tariff_service_name'].strip()) for item in wanted_items],
                     single=single)


def refuse_targets(changes):
    """Refuse the task when a wanted package is not among its service's regrade targets."""
    refused = [{'live_service_id': item.service_id, 'product': item.service['product'], 'current': item.previous,
                'tariff_service_name': item.target, 'allowed_targets': list(item.service['regrade_servicenames'])}
               for item in changes.changes if item.target not in item.service['regrade_servicenames']]
    if not refused:
        return
    reasons = ['live service %s (%s) from %s to %s, allowed targets: %s'
               % (entry['live_service_id'], entry['product'], entry['current'], entry['tariff_service_name'],
                  ', '.join(entry['allowed_targets']) or 'none') for entry in refused]
    extra = {'refused': refused}
    if changes.single:
        extra['allowed_targets'] = refused[0]['allowed_targets']
    if len(changes.items) == 1:
        message = 'cannot regrade %s' % reasons[0]
    else:
        message = '%d of the services cannot be regraded as asked: %s' % (len(refused), '; '.join(reasons))
    changes.refuse(message + '. Nothing was changed.', **extra)


def price(changes, catalogue, cost_model):
    """The cost of every change and the balance before and after each, in the order they will be sent; the total."""
    balance = credit_amount(catalogue['balance'])
    running, total = balance, 0
    for item in changes.changes:
        cost = credit_amount(regrade_cost(catalogue, item.previous, item.target, model=cost_model))
        # An unknown balance (no credit check asked for, none reported) stays unknown all the way.
        after = None if running is None else running - cost
        item.plan_fields.update(credits=cost, balance_before=running, balance_after=after)
        running = after
        total += cost
    return balance, total


def _costs(changes, balance, total):
    if len(changes.items) == 1:
        item = changes.items[0]
        return 'regrading live service %s from %s to %s costs %s credits, balance is %s' % (
            item.service_id, item.previous, item.target, total, balance)
    return 'the regrades of the list cost %s credits in all, balance is %s (%s)' % (
        total, balance, ', '.join('%s costs %s' % (item.describe(), item.plan_fields['credits']) for item in changes.changes))


def check_credits(changes, balance, total, credit_check, warn):
    """Refuse (or, without the credit check, warn) when the changes cost more than the balance."""
    if balance is None:
        if credit_check:
            changes.refuse('neither the price list nor /clients/self reported the partner credit balance, so the credit check '
                           'cannot be made. Nothing was changed. Set credit_check: false to regrade without it.')
        warn('the partner credit balance is not known (neither the price list nor /clients/self reported it): the regrades '
             'are sent without a credit check')
        return
    if total <= balance:
        return
    if credit_check:
        changes.refuse('insufficient partner credits: %s. Nothing was changed.' % _costs(changes, balance, total),
                       credits_cost=total, credits_balance_before=balance)
    likely = 'it' if len(changes.items) == 1 else 'the last of them'
    warn('%s; the vendor is likely to refuse %s.' % (_costs(changes, balance, total), likely))


def predict(changes, catalogue):
    """In check mode: every service as the vendor will show it after its regrade."""
    for item in changes.changes:
        item.service = predict_after(item.service, item.target, catalogue)


def predict_after(service, wanted, catalogue):
    """The live service as the vendor will show it after the regrade.

    The targets of a package are assumed to be its product's other packages, which is what the vendor's
    lists show: the old targets plus the old package, minus the new one, in price-list order.
    """
    previous = service['tariff_service_name']
    names = [name for name in list(service['regrade_servicenames']) + [previous] if name != wanted]
    order = dict((name, position) for position, name in enumerate(catalogue['services']))
    names.sort(key=lambda name: order.get(name, len(order)))
    predicted = dict(service)
    predicted['tariff_service_name'] = wanted
    predicted['regrade_servicenames'] = names
    return predicted


def charges(changes, balance, total, observed):
    """What the vendor took, from the balance read before the first write and the one read after the last.

    The last regrade applied carries the observed figures in its plan entry (``balance_observed``, ``credits_charged``),
    so that a report can total what the vendor charged beside what the price list predicted. Returns the keys of the
    module result, and a warning when the two differ.
    """
    keys = {'credits_balance_after': observed, 'credits_charged': None}
    applied = [item for item in changes.changes if item.outcome == 'done' and item.writes and item.writes[0].outcome == 'done']
    if observed is None or balance is None or not applied:
        return keys, None
    charged = credit_amount(balance - credit_amount(observed))
    keys['credits_charged'] = charged
    applied[-1].plan_fields.update(balance_observed=credit_amount(observed), credits_charged=charged)
    predicted = sum(item.plan_fields['credits'] or 0 for item in applied)
    if charged != predicted:
        return keys, ('the vendor charged %s credits for the regrades applied (the balance went from %s to %s), where the price list '
                      'predicted %s under cost_model; credits may also have been spent or added elsewhere meanwhile'
                      % (charged, balance, credit_amount(observed), predicted))
    return keys, None


def result(changes, balance, total, diff, charged):
    """The module result: the services after the run, what the run cost (predicted, and ``charged`` as observed by
    ``charges``), the plan entries and the diff."""
    changed = changes.must_change
    keys = dict(charged, credits_cost=total, credits_balance_before=balance if changed else None,
                credits_balance_after_predicted=(balance - total) if changed and balance is not None else None)
    if changes.single:
        item = changes.items[0]
        keys.update(live_service=item.service, previous_tariff_service_name=item.previous)
    else:
        keys['live_services'] = [item.service for item in changes.items]
    return changes.result(diff=diff, **keys)
