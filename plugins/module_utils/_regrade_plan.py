# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The planning side of live_service_regrade: what must change, what it costs, what the vendor will show.

No HTTP here. The module reads the live services and the price list through PartnerApi, hands
them to these functions, and sends the PATCHes these plans ask for; so the single form, the bulk
form and check mode all decide the same way.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import live_service_selector_problem
from ansible_collections.channel.partner.plugins.module_utils._partner_api import InsufficientCredits, credit_amount, regrade_cost


def build_plan(service_id, before, after, cost=0, balance_before=None, balance_after=None):
    """The stable summary every module of the collection returns for one resource."""
    return {
        'resource': 'live_service/%s' % service_id,
        'action': 'none' if before == after else 'regrade',
        'before': {'tariff_service_name': before},
        'after': {'tariff_service_name': after},
        'credits': cost,
        'balance_before': balance_before,
        'balance_after': balance_after,
    }


def predict_after(service, wanted, catalogue):
    """The live service as the vendor will show it after the regrade (used in check mode).

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


def describe_service(service):
    return ('%(id)s (%(product)s, client %(client_id)s, tariff %(tariff_service_name)s, whmcs_service_id %(whmcs_service_id)s)'
            % service)


def lookup_problem(search, matches):
    """The message when a lookup by product did not find exactly one service."""
    wanted = ', '.join('%s=%s' % item for item in sorted(search.items()))
    found = '; '.join(describe_service(service) for service in matches) or 'none'
    return ('expected exactly one live service with %s, found %d: %s. Narrow the selection (whmcs_service_id, '
            'or live_service_id); nothing was changed.' % (wanted, len(matches), found))


def without_targets(items, services_by_id):
    """Ids of listed services that must change but came without their regrade targets."""
    return [item['live_service_id'] for item in items
            if item['live_service_id'] in services_by_id
            and services_by_id[item['live_service_id']]['tariff_service_name'] != item['tariff_service_name'].strip()
            and not services_by_id[item['live_service_id']]['regrade_servicenames']]


def option_problem(params):
    """Why the options cannot be sent as they are (the message, naming the option), or None when they can."""
    if params['services'] is not None:
        problems = list_problems(params['services'])
        return 'services: %s; nothing was sent.' % '; '.join(problems) if problems else None
    if params['tariff_service_name'] is None:
        # Ansible cannot say "required unless services is given", so the module says it.
        return 'missing required arguments: tariff_service_name (required unless services is given); nothing was sent.'
    if not params['tariff_service_name'].strip():
        return 'tariff_service_name must name a package, for example Outmail1000; nothing was sent.'
    problem = live_service_selector_problem(params)
    if problem:
        return problem
    if params['product'] and params['whmcs_service_id'] is None and params['client_id'] is None:
        # A product alone would match every service of that product.
        return ('product=%s needs whmcs_service_id or client_id to select one live service '
                '(or give live_service_id instead); nothing was sent.' % params['product'])
    return None


def list_problems(items):
    """Why a ``services`` list cannot be sent as it is; an empty list when it can."""
    problems = []
    seen = {}
    for position, item in enumerate(items):
        label = 'services[%d]' % position
        if item['live_service_id'] <= 0:
            problems.append('%s.live_service_id must be a positive integer, not %s' % (label, item['live_service_id']))
        if not item['tariff_service_name'].strip():
            problems.append('%s.tariff_service_name must name a package, for example Outmail1000' % label)
        seen.setdefault(item['live_service_id'], []).append(position)
    for service_id, positions in sorted(seen.items()):
        if len(positions) > 1:
            problems.append('live service %s is listed more than once (services[%s])'
                            % (service_id, '], services['.join(str(position) for position in positions)))
    return problems


class RegradeItem:
    """One wanted package of the bulk form and what became of it."""

    def __init__(self, service, wanted):
        self.service = service
        self.wanted = wanted
        self.previous = service['tariff_service_name']
        self.cost = 0 if self.previous == wanted else None
        self.balance_before = None
        self.balance_after = None
        self.after = service
        # unchanged, planned, done, failed or not_attempted
        self.outcome = 'unchanged' if self.previous == wanted else 'planned'

    @property
    def id(self):
        return self.service['id']

    @property
    def must_change(self):
        return self.previous != self.wanted

    def plan(self):
        return build_plan(self.id, self.previous, self.wanted, self.cost, self.balance_before, self.balance_after)

    def describe(self):
        return '%s (%s -> %s)' % (self.id, self.previous, self.wanted)


class RegradeList:
    """The plan of a run: every item, its cost and running balance, how far the writes got, and the words for each outcome.

    ``single`` is the form with one service and the keys ``live_service`` and ``plan``; otherwise the
    bulk form (``services``), whose keys are ``live_services`` and ``plans``.
    """

    def __init__(self, items, services_by_id, single=False):
        self.single = single
        self.missing = [item['live_service_id'] for item in items if item['live_service_id'] not in services_by_id]
        self.items = [RegradeItem(services_by_id[item['live_service_id']], item['tariff_service_name'].strip())
                      for item in items if item['live_service_id'] in services_by_id]
        self.balance = None
        self.total = 0

    @property
    def changes(self):
        return [item for item in self.items if item.must_change]

    def price(self, catalogue, cost_model):
        """Cost of every change and the balance before and after each one, in the order they will be sent."""
        self.balance = credit_amount(catalogue['balance'])
        running = self.balance
        for item in self.changes:
            item.cost = credit_amount(regrade_cost(catalogue, item.previous, item.wanted, model=cost_model))
            self.total += item.cost
            item.balance_before, item.balance_after = running, running - item.cost
            running -= item.cost

    def predict(self, catalogue):
        for item in self.changes:
            item.after = predict_after(item.service, item.wanted, catalogue)

    def stop(self, failed=None):
        """Mark the item whose write failed (if any); every change not yet sent is then not attempted."""
        if failed is not None:
            failed.outcome = 'failed'
        for item in self.items:
            if item.outcome == 'planned':
                item.outcome = 'not_attempted'

    def plans(self, with_outcome=False):
        plans = []
        for item in self.items:
            plan = item.plan()
            if with_outcome:
                plan.update(outcome=item.outcome, failed=item.outcome not in ('done', 'unchanged'))
            plans.append(plan)
        return plans

    def failure_keys(self):
        """What a failed run returns besides its message: the plan of each item."""
        if self.single:
            return {'plan': self.items[0].plan()} if self.items else {}
        return {'plans': self.plans(with_outcome=True)}

    # The words of each refusal, checked before the first write.

    def target_refusal(self):
        """(message, extra keys) when a wanted package is not among its service's regrade targets, else None."""
        refused = [{'live_service_id': item.id, 'product': item.service['product'], 'current': item.previous,
                    'tariff_service_name': item.wanted, 'allowed_targets': list(item.service['regrade_servicenames'])}
                   for item in self.changes if item.wanted not in item.service['regrade_servicenames']]
        if not refused:
            return None
        if self.single:
            entry = refused[0]
            return ('live service %s (%s) cannot be regraded from %s to %s; allowed targets: %s. Nothing was changed.'
                    % (entry['live_service_id'], entry['product'], entry['current'], entry['tariff_service_name'],
                       ', '.join(entry['allowed_targets']) or 'none'), {'allowed_targets': entry['allowed_targets']})
        reasons = ['live service %s (%s) from %s to %s, allowed targets: %s'
                   % (entry['live_service_id'], entry['product'], entry['current'], entry['tariff_service_name'],
                      ', '.join(entry['allowed_targets']) or 'none') for entry in refused]
        return ('%d of the services cannot be regraded as asked: %s. Nothing was changed.' % (len(refused), '; '.join(reasons)),
                {'refused': refused})

    def credit_shortfall(self):
        """The refusal message when the changes cost more than the balance, else None."""
        if self.total <= self.balance:
            return None
        if self.single:
            item = self.changes[0]
            return ('insufficient partner credits: regrading live service %s from %s to %s costs %s credits, balance is %s. '
                    'Nothing was changed.' % (item.id, item.previous, item.wanted, item.cost, self.balance))
        costs = ', '.join('%s costs %s' % (item.describe(), item.cost) for item in self.changes)
        return ('insufficient partner credits: the regrades of the list cost %s credits in all, balance is %s (%s). '
                'Nothing was changed.' % (self.total, self.balance, costs))

    def shortfall_warning(self):
        if self.single:
            item = self.changes[0]
            return ('regrading live service %s to %s costs %s credits but the balance is %s; the vendor is likely to refuse it.'
                    % (item.id, item.wanted, item.cost, self.balance))
        return ('the regrades of the list cost %s credits but the balance is %s; the vendor is likely to refuse the last of them.'
                % (self.total, self.balance))

    def write_failure(self, failed, error):
        """(message, extra keys) after a failed PATCH: what failed, and for a list what was done and what was never sent."""
        if self.single and isinstance(error, InsufficientCredits):
            balance = failed.balance_before if error.balance is None else credit_amount(error.balance)
            return ('insufficient partner credits: regrading live service %s from %s to %s costs %s credits, balance is %s '
                    '(the vendor refused the regrade with HTTP 405). Nothing was changed.'
                    % (failed.id, failed.previous, failed.wanted, failed.cost, balance),
                    dict(self.failure_keys(), credits_cost=failed.cost, credits_balance_before=failed.balance_before))
        if self.single:
            if error.applied is False:
                outcome = 'Nothing was changed.'
            else:
                outcome = 'The regrade may or may not have been applied; run the task again to see the state.'
            return ('regrading live service %s from %s to %s failed: %s. %s' % (failed.id, failed.previous, failed.wanted, error, outcome),
                    self.failure_keys())
        done = [item.describe() for item in self.items if item.outcome == 'done']
        waiting = [item.describe() for item in self.items if item.outcome == 'not_attempted']
        if error.applied is False:
            verdict = 'it was not changed'
        else:
            verdict = 'it may or may not have been regraded; run the task again to see the state'
        message = ('regrading live service %s failed: %s; %s. Regraded before the failure: %s. Not attempted: %s.'
                   % (failed.describe(), error, verdict, ', '.join(done) or 'none', ', '.join(waiting) or 'none'))
        return message, dict(self.failure_keys(), changed=bool(done))

    def result(self, diff=False):
        changed = bool(self.changes)
        result = dict(
            changed=changed,
            credits_cost=self.total,
            credits_balance_before=self.balance if changed else None,
            credits_balance_after=(self.balance - self.total) if changed else None,
        )
        if self.single:
            item = self.items[0]
            result.update(live_service=item.after, previous_tariff_service_name=item.previous, plan=item.plan())
            if diff:
                result['diff'] = {'before': {'tariff_service_name': item.previous}, 'after': {'tariff_service_name': item.wanted}}
            return result
        result.update(live_services=[item.after for item in self.items], plans=self.plans())
        if diff:
            # Keyed by resource, so a long list reads as one line per service.
            result['diff'] = {'before': dict(('live_service/%s' % item.id, item.previous) for item in self.items),
                              'after': dict(('live_service/%s' % item.id, item.after['tariff_service_name']) for item in self.items)}
        return result
