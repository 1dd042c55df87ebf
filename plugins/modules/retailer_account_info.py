#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: retailer_account_info
short_description: Read the status of a MailUp retailer customer account
version_added: 0.1.0
description:
  - Reads one customer account of a MailUp retailer through the Retailer API (C(GET Account/{id}/Status))
    and returns whether it is enabled, its profile, its packs with their quantities, its credits and validity dates.
  - Without O(account_id), the account is the one of the O(external_user_id), found in C(GET Account) (inferred, as for
    M(channel.partner.retailer_account)); the module fails when that ExternalUserId has several, naming their ids, or when
    MailUp keeps no such list.
  - An account that does not exist (or was deleted) is not an error; RV(exists) is then V(false).
  - The module only reads; it never changes anything. Use it for reports and to decide what to change,
    and M(channel.partner.retailer_account) or M(channel.partner.retailer_pack) to change it.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.transport
  - channel.partner.retailer_api.account
  - channel.partner.attributes
  - channel.partner.attributes.retailer_group
  - channel.partner.attributes.info_module
options:
  account_id:
    description:
      - The id of the customer account (C(IdAccount)). When omitted, the one account of O(external_user_id).
    type: int
    required: false
seealso:
  - module: channel.partner.retailer_account
  - module: channel.partner.retailer_pack
  - module: channel.partner.retailer_profile_info
'''

EXAMPLES = r'''
- name: Read customer account 23053
  channel.partner.retailer_account_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
  register: customer

- name: Show its state, profile and pack quantities
  ansible.builtin.debug:
    msg: >-
      {{ customer.state }} on profile {{ customer.profile_id }},
      packs {{ customer.account.ActivePacks | items2dict(key_name='Id', value_name='Quantity') }}
'''

RETURN = r'''
account_id:
  description: The id of the account that was read; V(null) when none was found.
  returned: success
  type: int
  sample: 23053
exists:
  description: Whether the account exists. V(false) when the API answered 404 or 403 (unknown or deleted account).
  returned: success
  type: bool
  sample: true
state:
  description: V(enabled), V(disabled), or V(absent) when the account does not exist; the same words as
    O(channel.partner.retailer_account#module:state).
  returned: success
  type: str
  sample: enabled
profile_id:
  description: The id of the account's profile; V(null) when the account does not exist.
  returned: success
  type: int
  sample: 1048
account:
  description:
    - The account status as the API returned it; an empty dictionary when the account does not exist.
    - C(Code) is V(0) for an enabled account and V(1) for a disabled one; C(Quantity) of a pack is the
      requested total, C(CurrentQuantity) what has been applied so far.
  returned: success
  type: dict
  sample:
    Code: 0
    Description: Enabled
    ActivePacks:
      - {Id: 534, Quantity: 2, CurrentQuantity: 2}
    Credits: 300
    IdAccount: 23053
    IdProfile: 1048
    ValidFrom: "2015-10-14 22:00:00Z"
    ValidTo: "2016-10-14 22:00:00Z"
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._account_create import find_account
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, read
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import summary_of
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import account_argument_spec, option_problems


def read_account(api, account_id, external_user_id):
    """(account id, status) of the account given by id or found by its ExternalUserId; (None, None) when there is none."""
    account_id = find_account(api, account_id, external_user_id)
    status = None if account_id is None else read('reading the account %s' % account_id, api.account_status, account_id, external_user_id)
    return (account_id, status) if status is not None else (None, None)


def main():
    module = ansible_module(account_argument_spec(account_id=dict(type='int')), supports_check_mode=True)
    fail_on_problems(module, option_problems(module.params))
    api = RetailerApi.from_module(module)
    try:
        account_id, status = read_account(api, module.params['account_id'], module.params['external_user_id'].strip())
    except Refusal as refusal:
        module.fail_json(**refusal.result())
    summary = summary_of(status)
    module.exit_json(changed=False, account_id=account_id, exists=status is not None, state=summary['state'],
                     profile_id=summary['profile_id'], account=status.as_result() if status else {})


if __name__ == '__main__':
    main()
