#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: retailer_api_contract
short_description: Check which variant of each undocumented MailUp Retailer API behaviour an account shows
version_added: 1.0.0
description:
  - The MailUp Retailer API documentation leaves several behaviours open; the collection handles each variant it knows
    of. Run this module once on a new retailer account, before the other modules, to see which variant the account
    shows and whether the collection handles it.
  - It reads a token, the profiles (with and without paging parameters, in both spellings MailUp uses), the answer to an
    invalid token and, with O(account_id) and O(external_user_id), that account's status (with the ExternalUserId as a
    header, then as a query parameter when the header is refused), the answer for an account that does not exist,
    whether C(GET Account) lists the accounts of the ExternalUserId (how the modules find an account without its id),
    and the form of the account's list of logins. It writes nothing unless O(round_trip=true).
  - The account create is not checked; it cannot be undone but by deleting the account.
  - With O(round_trip=true) and O(pack_id), it sets that pack of O(account_id) one step up (or down, at its maximum)
    and back, and reports what MailUp answered and what the status showed after each write.
  - C(playbooks/contract.yml) runs this module and M(channel.partner.partner_api_contract) and prints a table.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.transport
  - channel.partner.attributes
  - channel.partner.attributes.retailer_group
options:
  account_id:
    description:
      - A customer account to read the status of (and, with O(round_trip=true), to set a pack of). Choose a test account.
    type: int
  external_user_id:
    description:
      - The C(ExternalUserId) of O(account_id); also sent with the request for an account that does not exist.
    type: str
  round_trip:
    description:
      - Whether to set O(pack_id) of O(account_id) one step and back, to see MailUp's answers. Never in check mode.
    type: bool
    default: false
  pack_id:
    description:
      - The pack the round trip sets; required with O(round_trip=true).
    type: int
attributes:
  check_mode:
    support: full
    details:
      - The reads run in check mode; the round trip does not.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - The reads change nothing; a round trip leaves the pack at its total of before.
seealso:
  - module: channel.partner.partner_api_contract
'''

EXAMPLES = r'''
- name: See which variant of each open behaviour the retailer account shows (reads only)
  channel.partner.retailer_api_contract:
    account_id: 23055
    external_user_id: cust-23055
  register: retailer_contract

- name: Also set a pack of a test account one step and back
  channel.partner.retailer_api_contract:
    account_id: 23055
    external_user_id: cust-23055
    round_trip: true
    pack_id: 534
'''

RETURN = r'''
behaviours:
  description: One entry per behaviour the documentation leaves open, as M(channel.partner.partner_api_contract) returns them.
  returned: always
  type: list
  elements: dict
  contains:
    behaviour: {description: "Its name, for example V(external_user_id) or V(invalid_token).", type: str, returned: always}
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
    - {behaviour: external_user_id, assumed: a header, variant: a header, handled: true, note: null}
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
  sample: [set pack 534 of the account 23055 to 4, set pack 534 of the account 23055 to 3]
'''

from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems, retailer_argument_spec
from ansible_collections.channel.partner.plugins.module_utils._contract import run_check
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_contract import pack_round_trip, retailer_findings
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import option_problems


def main():
    spec = retailer_argument_spec()
    spec.update(account_id=dict(type='int'), external_user_id=dict(type='str'), round_trip=dict(type='bool', default=False),
                pack_id=dict(type='int'))
    module = ansible_module(spec, supports_check_mode=True,
                            required_if=[('round_trip', True, ('account_id', 'external_user_id', 'pack_id'))])
    params = module.params
    fail_on_problems(module, option_problems(params))
    api = RetailerApi.from_module(module)
    account_id, pack_id = params['account_id'], params['pack_id']
    external_user_id = params['external_user_id'].strip() if params['external_user_id'] else None
    run_check(module, 'Retailer API', lambda: retailer_findings(api, account_id, external_user_id),
              lambda writes: (pack_round_trip(api, account_id, external_user_id, pack_id, writes), {}),
              'Pack %s of the account %s may not be at its total of before' % (pack_id, account_id))


if __name__ == '__main__':
    main()
