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
version_added: 0.1.0
description:
  - Moves a live service (outMail, Profilter, fakeMX, backupMX, masterDNS or backupDNS) to another package,
    the I(tariff service name), with C(PATCH /live_services/{id}).
  - The service is found by O(live_service_id), or by O(product) together with O(whmcs_service_id) and/or O(client_id).
  - Before writing, the module checks that the wanted package is one of the service's C(regrade_servicenames)
    and, unless O(credit_check=false), that the partner credit balance covers the cost of the regrade.
  - When the service already has the wanted package, the module reads the service once and sends nothing else.
  - The vendor answers a regrade it cannot pay for with HTTP 405; the module turns that answer into a message
    stating the cost and the balance.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.attributes
attributes:
  action_group:
    description: Use C(group/channel.partner.partner_api) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - channel.partner.partner_api
  check_mode:
    support: full
    details:
      - Check mode reads the service and the price list and sends no write; it returns what the real run would do,
        including the cost in credits.
  diff_mode:
    support: full
    details:
      - The diff covers the managed field, O(tariff_service_name).
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
    type: str
    required: true
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
'''

RETURN = r'''
live_service:
  description:
    - The live service after the run. In check mode, the predicted state, where RV(live_service.regrade_servicenames)
      is the packages reachable before, plus the previous package, minus the new one.
  returned: success
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
previous_tariff_service_name:
  description: The package before the run.
  returned: success
  type: str
  sample: Outmail500
credits_cost:
  description: The partner credits the regrade costs (in check mode, would cost) under O(cost_model); V(0.0) when nothing changes.
  returned: success, and on a failure for lack of credits
  type: float
  sample: 2.0
credits_balance_before:
  description: The credit balance before the regrade, from the price list; V(null) when nothing changes (it is then not read).
  returned: success, and on a failure for lack of credits
  type: float
  sample: 100.0
credits_balance_after:
  description:
    - The balance after the regrade, computed as RV(credits_balance_before) minus RV(credits_cost); not read back.
    - V(null) when nothing needed to change.
  returned: success
  type: float
  sample: 98.0
plan:
  description:
    - What the run did (or, in check mode, would do), in a shape that stays stable for callback plugins and reports.
    - Also returned when the module fails after it has found the service; it then describes the regrade that was
      refused or failed (the message says whether anything changed), with RV(plan.credits) V(null) when the cost
      was not yet known.
  returned: success, and on failure once the service is found
  type: dict
  contains:
    resource: {description: "The resource, as C(live_service/<id>).", type: str, sample: live_service/1234931}
    action: {description: "V(regrade) when the package changes (or would change in check mode), V(none) otherwise.", type: str, sample: regrade}
    before: {description: "The managed fields before the run.", type: dict, sample: {tariff_service_name: Outmail500}}
    after: {description: "The managed fields after the run.", type: dict, sample: {tariff_service_name: Outmail1000}}
    credits: {description: "The cost in credits, as RV(credits_cost).", type: float, sample: 2.0}
    balance_before: {description: "As RV(credits_balance_before).", type: float, sample: 100.0}
    balance_after: {description: "As RV(credits_balance_after).", type: float, sample: 98.0}
diff:
  description: The managed field before and after, when diff mode is on.
  returned: when diff mode is on
  type: dict
  sample: {before: {tariff_service_name: Outmail500}, after: {tariff_service_name: Outmail1000}}
allowed_targets:
  description: The packages the service can be regraded to, when O(tariff_service_name) is not one of them.
  returned: failure, when the target is not allowed
  type: list
  elements: str
  sample: [Outmail100, Outmail1000, Outmail5000, Outmail25000]
matches:
  description: The live services the lookup found (each shaped as RV(live_service)) when it did not find exactly one.
  returned: failure, when a lookup by O(product) finds none or several
  type: list
  elements: dict
  sample: [{id: 1234933, client_id: 9987601, product: outmail, tariff_service_name: Outmail100, whmcs_service_id: "503"}]
error:
  description:
    - The failed HTTP request, when the failure came from the API; never contains a credential.
    - Keys C(method), C(url), C(status) (V(null) when no answer arrived), C(vendor_code) and C(vendor_message),
      plus C(balance) and C(cost) after a refusal for credits.
  returned: failure from the API
  type: dict
  sample: {method: PATCH, url: "https://sandbox.my-engine.com/api-v1/live_services/1234931", status: 405,
           vendor_code: Method Not Allowed, vendor_message: Insufficient partner credits, balance: 1, cost: 2}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.channel.partner.plugins.module_utils._argspec import partner_argument_spec
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._partner_api import (
    InsufficientCredits,
    PartnerApi,
    regrade_cost,
)

PRODUCTS = ['outmail', 'profilter', 'fakemx', 'backupmx', 'masterdns', 'backupdns']
COST_MODELS = ['difference', 'full']
SELECTORS = ('whmcs_service_id', 'client_id')


def validate_options(module):
    """Refuse input the API would reject or misread, before any request is sent."""
    params = module.params
    if not params['tariff_service_name'].strip():
        module.fail_json(msg='tariff_service_name must name a package, for example Outmail1000; nothing was sent.')
    for option in ('live_service_id', 'client_id'):
        if params[option] is not None and params[option] <= 0:
            module.fail_json(msg='%s must be a positive integer, not %s; nothing was sent.' % (option, params[option]))
    if params['whmcs_service_id'] is not None and not params['whmcs_service_id'].strip():
        module.fail_json(msg='whmcs_service_id must not be empty; nothing was sent.')
    if params['product'] and not any(params[option] is not None for option in SELECTORS):
        # A product alone would match every service of that product.
        module.fail_json(msg='product=%s needs whmcs_service_id or client_id to select one live service '
                             '(or give live_service_id instead); nothing was sent.' % params['product'])


def find_live_service(module, api):
    """The live service to manage: by id, or the one service the product and selectors match."""
    params = module.params
    if params['live_service_id'] is not None:
        try:
            return api.live_service(params['live_service_id'])
        except ApiError as error:
            if error.status == 404:
                module.fail_json(msg='live service %s does not exist (or is not yours); nothing was changed.' % params['live_service_id'],
                                 error=error.to_dict())
            raise

    search = {'product': params['product']}
    for option in SELECTORS:
        if params[option] is not None:
            # The vendor's search examples quote every value, ids included.
            search[option] = str(params[option])
    matches = api.live_services(search=search)
    wanted = ', '.join('%s=%s' % item for item in sorted(search.items()))
    if len(matches) != 1:
        found = '; '.join('%(id)s (%(product)s, client %(client_id)s, tariff %(tariff_service_name)s, whmcs_service_id %(whmcs_service_id)s)'
                          % service for service in matches) or 'none'
        module.fail_json(msg='expected exactly one live service with %s, found %d: %s. Narrow the selection (whmcs_service_id, '
                             'or live_service_id); nothing was changed.' % (wanted, len(matches), found),
                         matches=matches)
    service = matches[0]
    if service['tariff_service_name'] != params['tariff_service_name'] and not service.get('regrade_servicenames'):
        # The list may leave out the regrade targets; only the service itself is sure to carry them.
        service = api.live_service(service['id'])
    return service


def predict_after(service, wanted, catalogue):
    """The live service as the vendor will show it after the regrade (used in check mode).

    The targets of a package are assumed to be its product's other packages, which is what the vendor's
    lists show: the old targets plus the old package, minus the new one, in price-list order.
    """
    previous = service['tariff_service_name']
    names = [name for name in list(service['regrade_servicenames']) + [previous] if name != wanted]
    order = list(catalogue['services'])
    names.sort(key=lambda name: order.index(name) if name in order else len(order))
    predicted = dict(service)
    predicted['tariff_service_name'] = wanted
    predicted['regrade_servicenames'] = names
    return predicted


def build_plan(service_id, before, after, cost=0.0, balance_before=None, balance_after=None):
    return {
        'resource': 'live_service/%s' % service_id,
        'action': 'none' if before == after else 'regrade',
        'before': {'tariff_service_name': before},
        'after': {'tariff_service_name': after},
        'credits': cost,
        'balance_before': balance_before,
        'balance_after': balance_after,
    }


def as_number(value):
    return None if value is None else float(value)


def send_regrade(module, api, service, wanted, plan):
    """PATCH the new package; every failure says whether the service changed."""
    previous, cost = service['tariff_service_name'], plan['credits']
    try:
        # The balance is left for the API to read again: a refusal after the pre-check means it has changed.
        return api.regrade(service['id'], wanted, cost=cost)
    except InsufficientCredits as error:
        balance = plan['balance_before'] if error.balance is None else as_number(error.balance)
        module.fail_json(msg='insufficient partner credits: regrading live service %s from %s to %s costs %s credits, balance is %s '
                             '(the vendor refused the regrade with HTTP 405). Nothing was changed.' % (service['id'], previous, wanted, cost, balance),
                         error=error.to_dict(), credits_cost=cost, credits_balance_before=plan['balance_before'], plan=plan)
    except ApiError as error:
        if error.applied is False:
            outcome = 'Nothing was changed.'
        else:
            outcome = 'The regrade may or may not have been applied; run the task again to see the state.'
        module.fail_json(msg='regrading live service %s from %s to %s failed: %s. %s' % (service['id'], previous, wanted, error, outcome),
                         error=error.to_dict(), plan=plan)


def regrade_to(module, api, service, wanted):
    """Compare, check the target and the credits, then write (or predict) the one difference."""
    previous = service['tariff_service_name']
    result = dict(changed=False, live_service=service, previous_tariff_service_name=previous,
                  credits_cost=0.0, credits_balance_before=None, credits_balance_after=None,
                  plan=build_plan(service['id'], previous, wanted))
    if module._diff:
        result['diff'] = {'before': {'tariff_service_name': previous}, 'after': {'tariff_service_name': wanted}}
    if previous == wanted:
        # Already there: the one read that found the service is all this run sends.
        return result

    # From here on a failure returns the plan it could not carry out.
    plan = build_plan(service['id'], previous, wanted, cost=None)
    allowed = service['regrade_servicenames']
    if wanted not in allowed:
        module.fail_json(msg='live service %s (%s) cannot be regraded from %s to %s; allowed targets: %s. Nothing was changed.'
                             % (service['id'], service['product'], previous, wanted, ', '.join(allowed) or 'none'),
                         allowed_targets=allowed, plan=plan)

    try:
        # One read gives both the prices and the balance.
        catalogue = api.service_catalogue()
    except ApiError as error:
        module.fail_json(msg='reading the price list failed: %s. Nothing was changed.' % error, error=error.to_dict(), plan=plan)
    cost = as_number(regrade_cost(catalogue, previous, wanted, model=module.params['cost_model']))
    balance = as_number(catalogue['balance'])
    if balance is None:
        module.fail_json(msg='the price list did not report the partner credit balance. Nothing was changed.', plan=plan)
    plan = build_plan(service['id'], previous, wanted, cost, balance, balance - cost)
    if cost > balance:
        if module.params['credit_check']:
            module.fail_json(msg='insufficient partner credits: regrading live service %s from %s to %s costs %s credits, balance is %s. '
                                 'Nothing was changed.' % (service['id'], previous, wanted, cost, balance),
                             credits_cost=cost, credits_balance_before=balance, plan=plan)
        module.warn('regrading live service %s to %s costs %s credits but the balance is %s; the vendor is likely to refuse it.'
                    % (service['id'], wanted, cost, balance))

    after = predict_after(service, wanted, catalogue) if module.check_mode else send_regrade(module, api, service, wanted, plan)
    result.update(changed=True, live_service=after, credits_cost=cost, credits_balance_before=balance,
                  credits_balance_after=balance - cost, plan=plan)
    return result


def main():
    argument_spec = partner_argument_spec()
    argument_spec.update(
        live_service_id=dict(type='int'),
        product=dict(type='str', choices=PRODUCTS),
        whmcs_service_id=dict(type='str'),
        client_id=dict(type='int'),
        tariff_service_name=dict(type='str', required=True),
        credit_check=dict(type='bool', default=True),
        cost_model=dict(type='str', default='difference', choices=COST_MODELS),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('live_service_id', 'product'), ('live_service_id', 'whmcs_service_id'), ('live_service_id', 'client_id')],
        required_one_of=[('live_service_id', 'product')],
        supports_check_mode=True,
    )
    validate_options(module)

    api = PartnerApi.from_module(module)
    try:
        service = find_live_service(module, api)
    except ApiError as error:
        module.fail_json(msg='reading the live service failed: %s. Nothing was changed.' % error, error=error.to_dict())
    module.exit_json(**regrade_to(module, api, service, module.params['tariff_service_name'].strip()))


if __name__ == '__main__':
    main()
