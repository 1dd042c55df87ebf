#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: partner_api_contract
short_description: Check which variant of each undocumented Partner API behaviour an account shows
version_added: 1.0.0
description:
  - The Prolateral My-Engine documentation leaves several behaviours open; the collection handles each variant it
    knows of. Run this module once on a new sandbox or production account, before the other modules, to see which
    variant the account shows and whether the collection handles it.
  - It reads the live services, one live service's record, the price list, C(/clients/self), a filtered search and the
    answer for a live service that does not exist. It writes nothing unless O(round_trip=true).
  - With O(round_trip=true) it regrades O(live_service_id) to O(tariff_service_name) and back, and reports what the
    vendor answered and what it charged, which tells the cost model. This costs credits as any regrade does.
  - C(playbooks/contract.yml) runs this module and M(channel.partner.retailer_api_contract) and prints a table.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - channel.partner.attributes
  - channel.partner.attributes.partner_group
options:
  round_trip:
    description:
      - Whether to make one regrade there and back on O(live_service_id), to see the answer and the charge.
      - Never in check mode.
    type: bool
    default: false
  live_service_id:
    description:
      - The live service the record is read from (by default the first one listed) and, with O(round_trip=true), the one regraded.
      - Required with O(round_trip=true); choose a test service.
    type: int
  tariff_service_name:
    description:
      - The package O(live_service_id) is regraded to and back from, with O(round_trip=true).
    type: str
attributes:
  check_mode:
    support: full
    details:
      - The reads run in check mode; the round trip does not.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - The reads change nothing. A round trip leaves the service on its package but spends what the vendor charges.
seealso:
  - module: channel.partner.retailer_api_contract
'''

EXAMPLES = r'''
- name: See which variant of each open behaviour the account shows (reads only)
  channel.partner.partner_api_contract:
  register: partner_contract

- name: Also regrade a test service there and back, to see what the vendor charges
  channel.partner.partner_api_contract:
    round_trip: true
    live_service_id: 1234931
    tariff_service_name: Outmail1000
'''

RETURN = r'''
behaviours:
  description: One entry per behaviour the documentation leaves open.
  returned: always
  type: list
  elements: dict
  contains:
    behaviour: {description: "Its name, for example V(balance) or V(search).", type: str, returned: always}
    assumed: {description: What the collection starts from., type: str, returned: always}
    variant: {description: What the account showed., type: str, returned: always}
    handled:
      description: Whether the collection handles that variant; V(null) when the check could not tell.
      type: bool
      returned: always
    note:
      description: What it means for the other modules, or what to set; V(null) when nothing.
      type: str
      returned: always
  sample:
    - {behaviour: balance, assumed: meta.partner_credits of the price list, variant: meta.partner_credits of the price list,
       handled: true, note: null}
unhandled:
  description: The names of the behaviours whose variant the collection does not handle.
  returned: always
  type: list
  elements: str
  sample: []
writes:
  description: What the round trip wrote, in order; empty without it.
  returned: always
  type: list
  elements: str
  sample: [regraded live service 1234931 to Outmail1000, regraded live service 1234931 to Outmail500]
balances:
  description: With the round trip, the balance before it, after the regrade there and after the one back.
  returned: when the round trip ran
  type: list
  elements: float
  sample: [100, 98, 98]
charged:
  description: With the round trip, what the vendor took for the regrade there and for the one back (read, not computed).
  returned: when the round trip ran
  type: list
  elements: float
  sample: [2, 0]
'''

from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems, partner_argument_spec
from ansible_collections.channel.partner.plugins.module_utils._contract import partner_findings, round_trip, run_check
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_options import selector_problems


def main():
    spec = partner_argument_spec()
    spec.update(round_trip=dict(type='bool', default=False), live_service_id=dict(type='int'), tariff_service_name=dict(type='str'))
    module = ansible_module(spec, supports_check_mode=True,
                            required_if=[('round_trip', True, ('live_service_id', 'tariff_service_name'))])
    params = module.params
    fail_on_problems(module, selector_problems(params))
    api = PartnerApi.from_module(module)
    service_id = params['live_service_id']
    run_check(module, 'Partner API', lambda: partner_findings(api, service_id),
              lambda writes: round_trip(api, service_id, params['tariff_service_name'], writes),
              'Live service %s may not be on its package of before' % service_id)


if __name__ == '__main__':
    main()
