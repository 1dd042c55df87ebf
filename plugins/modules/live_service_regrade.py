#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) channel.partner contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


DOCUMENTATION = r'''
---
module: live_service_regrade
short_description: Regrade (upgrade or downgrade) a live service through the Prolateral My-Engine Partner API
version_added: 1.0.0
description:
  - Moves a live service (outMail, Profilter, fakeMX, backupMX, masterDNS or backupDNS) to another package,
    the I(tariff service name), with C(PATCH /live_services/{id}).
  - The service is found by O(live_service_id), or by O(product) together with O(whmcs_service_id) and/or O(client_id).
  - With O(services), many services are regraded in one task (the bulk form); every item is checked, and the cost of the whole list
    compared with the balance, before the first write.
  - Before writing, the module checks that the wanted package is one of the service's C(regrade_servicenames)
    and, unless O(credit_check=false), that the partner credit balance covers the cost of the regrade.
  - When the service already has the wanted package, the module reads the service once and sends nothing else.
  - The vendor answers a regrade it cannot pay for with HTTP 405; the module turns that answer into a message
    stating the cost and the balance.
notes:
  - Credit prices, costs and balances are returned as the price list gives them; whole numbers as integers (V(10), not V(10.0)).
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - channel.partner.concurrency.partner
  - channel.partner.attributes
  - channel.partner.attributes.partner_group
  - channel.partner.attributes.writes
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the service and the price list and sends no write; it returns what the real run would do,
        including the cost in credits.
  diff_mode:
    support: full
    details:
      - The diff covers the managed field, O(tariff_service_name); for O(services), one line per service keyed
        C(live_service/<id>).
  idempotent:
    support: full
options:
  live_service_id:
    description:
      - The id of the live service (the C(live_service_id) field of a product record such as an C(/outmails) item).
      - Mutually exclusive with O(product), O(whmcs_service_id) and O(client_id).
    type: int
  product:
    description:
      - The product of the live service, used to look the service up when its id is not known.
      - Needs O(whmcs_service_id) or O(client_id) (or both) to select one service.
    type: str
    choices: [outmail, profilter, fakemx, backupmx, masterdns, backupdns]
  whmcs_service_id:
    description:
      - The billing-system id the service was created with (C(whmcs_service_id)); selects the service together with O(product).
    type: str
  client_id:
    description:
      - The My-Engine client that owns the service; selects the service together with O(product).
      - When the client has several services of O(product), the module fails and lists them; add O(whmcs_service_id)
        or use O(live_service_id).
    type: int
  tariff_service_name:
    description:
      - The wanted package, for example V(Outmail1000).
      - Must be the current package or one of the service's C(regrade_servicenames).
      - Required unless O(services) is given.
    type: str
  services:
    description:
      - The bulk form; mutually exclusive with O(live_service_id), O(product), O(whmcs_service_id), O(client_id) and O(tariff_service_name).
      - A service already at its package sends no write. Before the first write the module checks every wanted package against its service's
        C(regrade_servicenames) and, unless O(credit_check=false), the cost of the whole list against the balance; either refusal names
        every item concerned and changes nothing.
      - Reads one C(GET /live_services) for the whole list (one C(GET /live_services/{id}) for a list of one item), the price list once if
        something must change, then sends one PATCH per change, up to O(concurrency) at a time, started in list order.
      - If a PATCH fails, no new PATCH starts (those in flight finish) and the message says which services were regraded, which failed, which
        are unknown and which were not attempted; RV(plans) then carries C(outcome) and C(failed) for each item.
    type: list
    elements: dict
    suboptions:
      live_service_id: {description: "The id of the live service.", type: int, required: true}
      tariff_service_name: {description: "The wanted package of that service.", type: str, required: true}
  credit_check:
    description:
      - Compare the cost of the regrade with the partner credit balance before writing, and fail without writing
        when the balance is too low.
      - With V(false) the regrade is sent anyway and the vendor decides; a refusal (HTTP 405) still fails the task.
    type: bool
    default: true
  cost_model:
    description:
      - How the vendor charges a regrade, which it does not document. Used for the credit pre-check, for
        RV(credits_cost) and for RV(credits_balance_after).
      - V(difference) charges the price of the new package minus the price of the current one, and nothing for a downgrade.
      - V(full) charges the full price of the new package.
    type: str
    choices: [difference, full]
    default: difference
seealso:
  - module: channel.partner.live_service_info
    description: Lists live services with their regrade targets, what each would cost, and the credit balance.
'''

EXAMPLES = r'''
- name: Upgrade an outMail service to Outmail1000
  channel.partner.live_service_regrade:
    api_url: https://sandbox.my-engine.com/api-v1
    partner_id: "{{ myengine_partner_id }}"
    api_key: "{{ myengine_api_key }}"
    live_service_id: 1234931
    tariff_service_name: Outmail1000

- name: Downgrade the Profilter service billed as WHMCS service 502, with the connection from module_defaults
  channel.partner.live_service_regrade:
    product: profilter
    whmcs_service_id: "502"
    tariff_service_name: Profilter10

- name: Preview what a regrade would cost, without changing anything
  channel.partner.live_service_regrade:
    live_service_id: 1234931
    tariff_service_name: Outmail5000
  check_mode: true
  register: preview

- name: Regrade the only fakeMX service of a client, charged at the full price of the new package
  channel.partner.live_service_regrade:
    product: fakemx
    client_id: 9987601
    tariff_service_name: FakeMX10
    cost_model: full

- name: Regrade several services in one task, all or nothing up to the first write
  channel.partner.live_service_regrade:
    services:
      - live_service_id: 1234936
        tariff_service_name: BackupMX50
      - live_service_id: 1234937
        tariff_service_name: MasterDNS100
      - live_service_id: 1234931
        tariff_service_name: Outmail1000
  register: bulk
'''

RETURN = r'''
live_service:
  description:
    - The live service after the run; in check mode the predicted state, where RV(live_service.regrade_servicenames) is the
      packages reachable before, plus the previous package, minus the new one. The bulk form returns RV(live_services) instead.
  returned: success, without O(services)
  type: dict
  contains:
    id: {description: "The live service id.", type: int, sample: 1234931}
    client_id: {description: "The client that owns the service.", type: int, sample: 9987600}
    product: {description: "The product of the service.", type: str, sample: outmail}
    tariff_service_name: {description: "The package of the service.", type: str, sample: Outmail1000}
    regrade_servicenames: {description: "The packages the service can be regraded to (the current one excluded).", type: list, elements: str,
                           sample: [Outmail100, Outmail500, Outmail5000, Outmail25000]}
    suspended: {description: "Whether the service is suspended.", type: bool, sample: false}
    whmcs_service_id: {description: "The billing-system id of the service, if any.", type: str, sample: "501"}
    suspend_reason: {description: "Who suspended the service, when the vendor says (see M(channel.partner.live_service_info)).",
                     type: str, returned: when the vendor returns it, sample: partner}
    created: {description: "When the service was created, as the vendor writes it.", type: str, returned: when the vendor returns it,
              sample: "2024-03-06 10:00:00"}
live_services:
  description: With O(services), every service of the list after the run (predicted in check mode), shaped as RV(live_service), in list order.
  returned: success, with O(services)
  type: list
  elements: dict
  sample: [{id: 1234931, client_id: 9987600, product: outmail, tariff_service_name: Outmail1000, suspended: false,
            regrade_servicenames: [Outmail100, Outmail500, Outmail5000, Outmail25000], whmcs_service_id: "501"}]
previous_tariff_service_name: {description: "The package before the run.", returned: "success, without O(services)", type: str, sample: Outmail500}
credits_cost:
  description: The credits the regrade (with O(services), the whole list) costs, or would cost in check mode, under O(cost_model); V(0) for no change.
  returned: success, and on a failure for lack of credits
  type: float
  sample: 2
credits_balance_before:
  description: The credit balance before the regrade, from the price list; V(null) when nothing changes (it is then not read).
  returned: success, and on a failure for lack of credits
  type: float
  sample: 100
credits_balance_after:
  description: RV(credits_balance_before) minus RV(credits_cost), computed, not read back; V(null) when nothing needed to change.
  returned: success
  type: float
  sample: 98
plan:
  description:
    - What the run did (or, in check mode, would do), in a shape that stays stable for callback plugins and reports.
    - Also returned when the module fails after it has found the service; it then describes the regrade that was
      refused or failed, with RV(plan.credits) V(null) when the cost was not yet known, and carries C(outcome) and
      C(failed) as each item of RV(plans) does.
  returned: success without O(services), and on failure once the service is found
  type: dict
  contains:
    resource: {description: "The resource, as C(live_service/<id>).", type: str, sample: live_service/1234931}
    action: {description: "V(regrade) when the package changes (or would change in check mode), V(none) otherwise.", type: str, sample: regrade}
    before: {description: "The managed fields before the run.", type: dict, sample: {tariff_service_name: Outmail500}}
    after: {description: "The managed fields after the run.", type: dict, sample: {tariff_service_name: Outmail1000}}
    credits: {description: "The cost in credits, as RV(credits_cost).", type: float, sample: 2}
    balance_before: {description: "As RV(credits_balance_before).", type: float, sample: 100}
    balance_after: {description: "As RV(credits_balance_after).", type: float, sample: 98}
plans:
  description:
    - With O(services), one RV(plan) per item, in list order; the balances run from one item to the next.
    - On a failure each plan also has C(outcome) (V(done), V(unchanged), V(failed) (not applied), V(unknown) or V(not_attempted), the last for every
      change when the task was refused before its first write) and C(failed) (V(false) for what was done or already right).
  returned: with O(services), on success and on failure once the services are read
  type: list
  elements: dict
  sample: [{resource: live_service/1234931, action: regrade, before: {tariff_service_name: Outmail500},
            after: {tariff_service_name: Outmail1000}, credits: 2, balance_before: 100, balance_after: 98}]
diff:
  description:
    - The managed field before and after, when diff mode is on.
    - With O(services), C(before) and C(after) map C(live_service/<id>) to the package of every service of the list.
  returned: when diff mode is on
  type: dict
  sample: {before: {tariff_service_name: Outmail500}, after: {tariff_service_name: Outmail1000}}
allowed_targets:
  description: Without O(services), the packages the service can be regraded to, when O(tariff_service_name) is not one of them.
  returned: failure, when the target is not allowed
  type: list
  elements: str
  sample: [Outmail100, Outmail1000, Outmail5000, Outmail25000]
refused:
  description: Every item whose package is not one of its service's regrade targets, with the allowed targets.
  returned: failure, when a target is not allowed
  type: list
  elements: dict
  sample: [{live_service_id: 1234931, product: outmail, current: Outmail500, tariff_service_name: Profilter10,
            allowed_targets: [Outmail100, Outmail1000, Outmail5000, Outmail25000]}]
matches:
  description: The live services the lookup found (each shaped as RV(live_service)) when it did not find exactly one.
  returned: failure, when a lookup by O(product) finds none or several
  type: list
  elements: dict
  sample: [{id: 1234933, client_id: 9987601, product: outmail, tariff_service_name: Outmail100, whmcs_service_id: "503"}]
writes_done:
  description:
    - On a failure, what each write of the task that was applied did, in list order; empty when nothing was written.
  returned: failure
  type: list
  elements: str
  sample: [regraded live service 1234931 from Outmail500 to Outmail1000]
applied:
  description:
    - When a write failed, whether it took effect. V(false) when the vendor refused it or it never left this host;
      V(null) when nobody can tell (its answer was lost or contradicted the request), as the vendor may still apply it later.
  returned: failure of a write
  type: bool
  sample: null
writes_unknown:
  description: On a failure, the writes that may or may not have been applied (never sent again).
  returned: failure
  type: list
  elements: str
  sample: []
read_back:
  description:
    - When a write's outcome is unknown, the managed fields the read-back after it showed (V(null) when the resource was gone).
  returned: failure, when a write's outcome is unknown and the read-back succeeded
  type: dict
  sample: {}
error:
  description:
    - The failed HTTP request, when the failure came from the API; never contains a credential. Keys C(method), C(url), C(status)
      (V(null) when no answer arrived), C(vendor_code) and C(vendor_message), plus C(balance) and C(cost) after a refusal for credits.
  returned: failure from the API
  type: dict
  sample: {method: PATCH, url: "https://sandbox.my-engine.com/api-v1/live_services/1234931", status: 405,
           vendor_code: Method Not Allowed, vendor_message: Insufficient partner credits, balance: 1, cost: 2}
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, wanted_item
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, read, run
from ansible_collections.channel.partner.plugins.module_utils._partner_api import InsufficientCredits, PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_options import (
    REGRADE_EXCLUSIVE,
    REGRADE_ITEM,
    regrade_argument_spec,
    regrade_problems,
)
from ansible_collections.channel.partner.plugins.module_utils import _regrade_plan as plan


def find_by_lookup(api, params):
    """The one live service of the single form: by id, or the only one the product and its selectors match."""
    if params['live_service_id'] is not None:
        service = read('reading the live service', api.live_service, params['live_service_id'])
        if service is None:
            raise Refusal('live service %s does not exist (or is not yours); nothing was changed.' % params['live_service_id'])
        return service
    filters = dict((option, params[option]) for option in ('product', 'whmcs_service_id', 'client_id') if params[option] is not None)
    matches = read('reading the live services', api.live_services, **filters)
    if len(matches) != 1:
        raise plan.lookup_refusal(filters, matches)
    return matches[0]


def find_by_id(api, wanted):
    """The live services of the list by id: one GET for a list of one, else the partner's whole list once."""
    if len(wanted) == 1:
        found = [read('reading the live services', api.live_service, wanted[0]['live_service_id'])]
    else:
        found = read('reading the live services', api.live_services)
    return dict((service['id'], service) for service in found if service is not None)


def converge(module, api):
    params = module.params
    single = params['services'] is None
    if single:
        service = find_by_lookup(api, params)
        wanted = [dict(wanted_item(params, REGRADE_ITEM), live_service_id=service['id'])]
        services = {service['id']: service}
    else:
        wanted = params['services']
        services = find_by_id(api, wanted) if wanted else {}
    changes = plan.regrade_changes(services, wanted, single=single)
    for item in changes.changes:
        item.service = changes.read('reading the live services', api.with_targets, item.service)
    balance, total = None, 0
    if changes.must_change:
        plan.refuse_targets(changes)
        # One read gives both the prices and the balance, where the price list carries it.
        catalogue = changes.read('reading the price list', api.service_catalogue, params['credit_check'])
        balance, total = plan.price(changes, catalogue, params['cost_model'])
        plan.check_credits(changes, balance, total, params['credit_check'], module.warn)
        if module.check_mode:
            plan.predict(changes, catalogue)

    def send(item, _write):
        # The balance is left for the API to read again: a refusal after the pre-check means it has changed.
        item.service = api.regrade(item.service_id, item.target, cost=item.plan_fields['credits'])

    def observe(item):
        service = api.live_service(item.service_id)
        if service is None:
            return None
        item.service = service
        return {'tariff_service_name': service['tariff_service_name']}

    def balance_after():
        """The balance as the vendor shows it after the last write: one read per task that wrote."""
        if module.check_mode or not changes.wrote:
            return None
        try:
            return api.credit_balance()
        except ApiError as error:
            module.warn('the balance could not be read after the regrades (%s), so what they cost is not known' % error)
            return None

    def failure_keys(_item, error):
        keys = dict(credits_cost=total, credits_balance_before=balance) if isinstance(error, InsufficientCredits) else {}
        if changes.wrote:
            # The balance the API read after a refusal for credits, when no other write could be charged after that read.
            known = isinstance(error, InsufficientCredits) and error.balance is not None and changes.concurrency == 1
            read = error.balance if known else balance_after()
            observed, warning = plan.charges(changes, balance, total, read)
            keys.update(observed)
            if warning:
                module.warn(warning)
        return keys

    changes.apply(send, module.check_mode, observe=observe, warn=module.warn, failure_keys=failure_keys, concurrency=params['concurrency'])
    charged, warning = plan.charges(changes, balance, total, balance_after())
    if warning:
        module.warn(warning)
    return plan.result(changes, balance, total, module._diff, charged)


def main():
    module = ansible_module(
        argument_spec=regrade_argument_spec(),
        mutually_exclusive=REGRADE_EXCLUSIVE,
        required_one_of=[('live_service_id', 'product', 'services')],
        supports_check_mode=True,
    )
    run(module, regrade_problems, PartnerApi, converge)


if __name__ == '__main__':
    main()
