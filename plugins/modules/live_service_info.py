#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) channel.partner contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


DOCUMENTATION = r'''
---
module: live_service_info
short_description: List Prolateral My-Engine live services, their regrade targets and what each would cost
version_added: 1.0.0
description:
  - Reads one live service by O(live_service_id), or all live services of the partner filtered by O(product),
    O(client_id) and O(whmcs_service_id).
  - Each service comes with its current package, the packages it can be regraded to, and (with O(include_costs))
    the price of each target and what the regrade would cost, together with the partner credit balance.
  - Read-only; the module never changes anything.
notes:
  - Credit prices, costs and balances are returned as the price list gives them; whole numbers as integers (V(10), not V(10.0)).
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - channel.partner.attributes
  - channel.partner.attributes.partner_group
  - channel.partner.attributes.info_module
options:
  live_service_id:
    description:
      - Return only this live service. An id that does not exist gives an empty RV(live_services).
      - Mutually exclusive with O(product), O(client_id) and O(whmcs_service_id).
    type: int
  product:
    description:
      - Return only services of this product.
    type: str
    choices: [outmail, profilter, fakemx, backupmx, masterdns, backupdns]
  client_id:
    description:
      - Return only services of this My-Engine client.
    type: int
  whmcs_service_id:
    description:
      - Return only services with this billing-system id.
    type: str
  include_costs:
    description:
      - Read the price list (one more request) to return the price and the regrade cost of every target, and the
        partner credit balance.
      - With V(false), RV(live_services[].regrade_targets[].credits), RV(live_services[].regrade_targets[].cost),
        RV(live_services[].regrade_targets[].affordable) and RV(credits_balance) are V(null).
    type: bool
    default: true
  cost_model:
    description:
      - How the vendor charges a regrade, which it does not document; the same as
        O(channel.partner.live_service_regrade#module:cost_model).
      - V(difference) charges the price of the new package minus the price of the current one, and nothing for a downgrade.
      - V(full) charges the full price of the new package.
    type: str
    choices: [difference, full]
    default: difference
seealso:
  - module: channel.partner.live_service_regrade
    description: Regrades a live service.
'''

EXAMPLES = r'''
- name: Read one live service with its regrade targets and their costs
  channel.partner.live_service_info:
    api_url: https://sandbox.my-engine.com/api-v1
    partner_id: "{{ myengine_partner_id }}"
    api_key: "{{ myengine_api_key }}"
    live_service_id: 1234931
  register: service

- name: Show what an upgrade to Outmail1000 would cost
  ansible.builtin.debug:
    msg: >-
      {{ (service.live_services[0].regrade_targets | selectattr('tariff_service_name', 'equalto', 'Outmail1000') | first).cost }}
      of {{ service.credits_balance }} credits

- name: List the outMail services of a client, with the connection from module_defaults
  channel.partner.live_service_info:
    product: outmail
    client_id: 9987601
  register: outmail_services

- name: List every live service of the partner without reading the price list
  channel.partner.live_service_info:
    include_costs: false
  register: all_services
'''

RETURN = r'''
live_services:
  description:
    - The live services found, in the order the API lists them; empty when none matched.
    - Every field the vendor returns is there, the ones below with one type each whatever variant the vendor sent;
      other fields are passed on as the vendor sent them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The live service id.
      type: int
      sample: 1234931
    client_id:
      description: The client that owns the service.
      type: int
      sample: 9987600
    product:
      description: The product of the service.
      type: str
      sample: outmail
    tariff_service_name:
      description: The current package.
      type: str
      sample: Outmail500
    regrade_servicenames:
      description: The packages the service can be regraded to (the current one excluded).
      type: list
      elements: str
      sample: [Outmail100, Outmail1000, Outmail5000, Outmail25000]
    suspended:
      description: Whether the service is suspended.
      type: bool
      sample: false
    suspend_reason:
      description:
        - Who suspended the service, when the vendor says (V(partner) for a suspension by the partner; another value, such as
          V(billing) or V(abuse), for one by the system, which the Partner API cannot lift); V(null) when not suspended.
        - Not documented by the vendor; returned when its answer has it.
      type: str
      returned: when the vendor returns it
      sample: partner
    created:
      description: When the service was created, as the vendor writes it (not documented by the vendor; returned when it has it).
      type: str
      returned: when the vendor returns it
      sample: "2024-03-06 10:00:00"
    whmcs_service_id:
      description: The billing-system id of the service, if any.
      type: str
      sample: "501"
    tariff_credits:
      description: The price in credits of the current package; V(null) without O(include_costs) or when the price list lacks it.
      type: float
      sample: 8
    regrade_targets:
      description: One entry per name in RV(live_services[].regrade_servicenames), in the same order.
      type: list
      elements: dict
      contains:
        tariff_service_name:
          description: The target package.
          type: str
          sample: Outmail1000
        credits:
          description: The price in credits of the target package; V(null) without O(include_costs) or when the price list lacks it.
          type: float
          sample: 10
        cost:
          description: What regrading to this target would cost, according to O(cost_model); V(null) when unknown.
          type: float
          sample: 2
        affordable:
          description: Whether RV(live_services[].regrade_targets[].cost) fits in RV(credits_balance); V(null) when unknown.
          type: bool
          sample: true
credits_balance:
  description:
    - The partner credit balance, from the price list, or from C(/clients/self) when the price list lacks it (one more read);
      V(null) when O(include_costs=false) or when neither reports it.
  returned: success
  type: float
  sample: 100
error:
  description:
    - The failed HTTP request, when a read failed; never contains a credential.
    - Keys C(method), C(url), C(status) (V(null) when no answer arrived), C(vendor_code) and C(vendor_message).
  returned: failure from the API
  type: dict
  sample: {method: GET, url: "https://sandbox.my-engine.com/api-v1/live_services/service_names", status: 401,
           vendor_code: Unauthorized, vendor_message: Invalid partner credentials}
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_options import SELECTORS_EXCLUSIVE, info_argument_spec, selector_problems
from ansible_collections.channel.partner.plugins.module_utils._regrade_plan import credit_amount, regrade_cost

FILTERS = ('product', 'client_id', 'whmcs_service_id')


def read_live_services(api, params):
    if params['live_service_id'] is not None:
        service = api.live_service(params['live_service_id'])
        return [] if service is None else [service]
    return api.live_services(**dict((option, params[option]) for option in FILTERS))


def price_of(catalogue, name):
    entry = catalogue['services'].get(name) if catalogue else None
    return None if entry is None or entry.get('credits') is None else credit_amount(entry['credits'])


def with_targets(service, catalogue, balance, cost_model):
    """The service plus, for each regrade target, its price and what the regrade would cost."""
    current = service['tariff_service_name']
    targets = []
    for name in service['regrade_servicenames']:
        cost = None
        if price_of(catalogue, name) is not None and price_of(catalogue, current) is not None:
            cost = credit_amount(regrade_cost(catalogue, current, name, model=cost_model))
        targets.append({
            'tariff_service_name': name,
            'credits': price_of(catalogue, name),
            'cost': cost,
            'affordable': None if cost is None or balance is None else cost <= balance,
        })
    described = dict(service)
    described['tariff_credits'] = price_of(catalogue, current)
    described['regrade_targets'] = targets
    return described


def main():
    module = ansible_module(info_argument_spec(), mutually_exclusive=SELECTORS_EXCLUSIVE, supports_check_mode=True)
    # Filters the API would misread are refused before any request is sent.
    fail_on_problems(module, selector_problems(module.params))

    api = PartnerApi.from_module(module)
    try:
        services = read_live_services(api, module.params)
        catalogue = balance = None
        if module.params['include_costs']:
            # One read gives every price and the balance, however many services there are.
            catalogue = api.service_catalogue(balance_required=False)
            balance = credit_amount(catalogue['balance'])
    except ApiError as error:
        module.fail_json(msg='reading live services failed: %s' % error, error=error.to_dict())

    module.exit_json(
        changed=False,
        live_services=[with_targets(service, catalogue, balance, module.params['cost_model']) for service in services],
        credits_balance=balance,
    )


if __name__ == '__main__':
    main()
