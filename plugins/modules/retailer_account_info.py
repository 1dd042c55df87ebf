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
short_description: Read the status of MailUp retailer customer accounts
version_added: 1.0.0
description:
  - Reads one customer account of a MailUp retailer through the Retailer API (C(GET Account/{id}/Status))
    and returns whether it is enabled, its profile, its packs with their quantities, its credits and validity dates.
  - With O(accounts), reads a list of accounts in one task (one status read each, a few at a time, see O(concurrency))
    and returns them in RV(accounts), in the order of the list. An audit of a thousand accounts is then one task and
    one token instead of a thousand module runs; the C(channel.partner.partner_audit) role reads its accounts so.
  - Without O(account_id), the account is the one of the O(external_user_id), found in C(GET Account) (inferred, as for
    M(channel.partner.retailer_account)); the module fails when that ExternalUserId has several, naming their ids, or when
    MailUp keeps no such list.
  - An account that does not exist (or was deleted) is not an error; RV(exists) is then V(false), and in O(accounts) its
    entry says so (RV(accounts[].exists) V(false), RV(accounts[].state) V(absent)) while the other accounts are read.
  - A read that fails (after the retries of every read) fails the task, as in the single form. In O(accounts) no new read
    starts then, the reads in flight finish, and the task says which accounts were read (RV(accounts)) and which not
    (RV(not_read)). Nothing is ever written, so a rerun reads them all again.
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
      - Mutually exclusive with O(accounts).
    type: int
    required: false
  external_user_id:
    description:
      - The retailer's own identifier of the customer, sent as the C(ExternalUserId) header with every account request.
      - MailUp refuses account requests without it, so an empty value fails before any request is sent.
      - Required without O(accounts); mutually exclusive with it (each item names its own).
    type: str
    required: false
  accounts:
    description:
      - The accounts to read, each named as the single form names one. The result is RV(accounts), one entry per item
        in this order.
      - The whole list is checked before the first request; an account listed twice (the same O(accounts[].account_id),
        or the same O(accounts[].external_user_id) without an id) is refused, naming the positions.
      - An empty list reads nothing and sends no request.
    type: list
    elements: dict
    suboptions:
      account_id:
        description:
          - The id of the customer account (C(IdAccount)). When omitted, the one account of O(accounts[].external_user_id),
            found in C(GET Account) (one more request for that item).
        type: int
      external_user_id:
        description:
          - The retailer's own identifier of the customer, sent as the C(ExternalUserId) header with its requests.
        type: str
        required: true
  concurrency:
    description:
      - With O(accounts), the most account reads in flight at once. V(1) reads one account after the other.
      - The default of V(5) is MailUp's own figure of 5 calls per second per resource. The client-side pacing
        (O(rate_limit), O(rate_limit_scope)) keeps every resource within that limit whatever the concurrency, counting the
        reads in flight. Read as one request path, each account's status is its own resource, so five reads at a time
        go at the pace of the network; under the stricter reading O(rate_limit_scope=token) the pacing lets no more than 5
        calls a second through, and more reads in flight would only wait.
      - Between 1 and 50. Ignored by the single form.
    type: int
    default: 5
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

- name: Read every customer account of the estate in one task
  channel.partner.retailer_account_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    # In a real play, a variable such as "{{ customer_accounts }}": a list of {account_id, external_user_id}.
    accounts:
      - {account_id: 23053, external_user_id: cust-23053}
      - {account_id: 23054, external_user_id: cust-23054}
      - {account_id: 23055, external_user_id: cust-23055}
  register: estate

- name: List the accounts that are missing or disabled
  ansible.builtin.debug:
    msg: >-
      {{ estate.accounts | rejectattr('state', 'equalto', 'enabled')
         | map(attribute='item') | map(attribute='account_id') | list }}

- name: Read two accounts by their ExternalUserId alone, one after the other
  channel.partner.retailer_account_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    accounts:
      - external_user_id: cust-23053
      - external_user_id: cust-23055
    concurrency: 1
'''

RETURN = r'''
account_id:
  description: The id of the account that was read; V(null) when none was found.
  returned: success, without O(accounts)
  type: int
  sample: 23053
exists:
  description: Whether the account exists. V(false) when the API answered 404 or 403 (unknown or deleted account).
  returned: success, without O(accounts)
  type: bool
  sample: true
state:
  description: V(enabled), V(disabled), or V(absent) when the account does not exist; the same words as
    O(channel.partner.retailer_account#module:state).
  returned: success, without O(accounts)
  type: str
  sample: enabled
profile_id:
  description: The id of the account's profile; V(null) when the account does not exist.
  returned: success, without O(accounts)
  type: int
  sample: 1048
account:
  description:
    - The account status as the API returned it; an empty dictionary when the account does not exist.
    - C(Code) is V(0) for an enabled account and V(1) for a disabled one; C(Quantity) of a pack is the
      requested total, C(CurrentQuantity) what has been applied so far.
  returned: success, without O(accounts)
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
accounts:
  description:
    - With O(accounts), one entry per item in the order of the list, each with the keys the single form returns.
    - On a failed read, the entries of the accounts that were read before the reading stopped, still in the order of the
      list; RV(not_read) holds the others.
  returned: with O(accounts)
  type: list
  elements: dict
  contains:
    item:
      description: The item of O(accounts) as given (C(account_id) V(null) for an account named by its ExternalUserId alone).
      type: dict
      sample: {account_id: 23053, external_user_id: cust-23053}
    account_id:
      description: The id of the account that was read (found by its ExternalUserId when the item has none); V(null) when
        none was found.
      type: int
      sample: 23053
    exists:
      description: Whether the account exists; V(false) when the API answered 404 or 403, or the ExternalUserId has none.
      type: bool
      sample: true
    state:
      description: V(enabled), V(disabled), or V(absent) when the account does not exist.
      type: str
      sample: enabled
    profile_id:
      description: The id of the account's profile; V(null) when the account does not exist.
      type: int
      sample: 1048
    account:
      description: The account status as the API returned it; an empty dictionary when the account does not exist.
      type: dict
      sample: {Code: 0, Description: Enabled, ActivePacks: [], Credits: 300, IdAccount: 23053, IdProfile: 1048}
not_read:
  description:
    - On a failed read with O(accounts), the items that were not read, in the order of the list. C(msg) says why the one
      that failed did; it is V(null) for an item whose read was never started.
  returned: failure with O(accounts)
  type: list
  elements: dict
  sample: [{item: {account_id: 23054, external_user_id: cust-23054}, msg: "reading the account 23054 failed: ..."},
           {item: {account_id: 23055, external_user_id: cust-23055}, msg: null}]
error:
  description:
    - The failed HTTP request, when a read failed; never contains a credential.
    - Keys C(method), C(url), C(status) (V(null) when no answer arrived), C(vendor_code) and C(vendor_message).
  returned: failure from the API
  type: dict
  sample: {method: GET, url: "https://services.mailup.com/API/v1.1/Rest/RetailerService.svc/Account/23054/Status",
           status: 500, vendor_code: "500", vendor_message: Internal error}
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._account_create import find_account
from ansible_collections.channel.partner.plugins.module_utils._bulk_read import ReadStopped, read_in_order
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, read
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import summary_of
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import (
    ACCOUNT_INFO_EXCLUSIVE,
    ACCOUNT_INFO_REQUIRED_ONE_OF,
    account_info_problems,
    account_info_spec,
    account_key,
    described_key,
)


def read_account(api, account_id, external_user_id):
    """The single form's result keys of the account given by id or found by its ExternalUserId (absent when there is none)."""
    account_id = find_account(api, account_id, external_user_id)
    status = None if account_id is None else read('reading the account %s' % account_id, api.account_status, account_id, external_user_id)
    summary = summary_of(status)
    return dict(account_id=account_id if status is not None else None, exists=status is not None, state=summary['state'],
                profile_id=summary['profile_id'], account=status.as_result() if status else {})


def as_given(item):
    return dict(account_id=item['account_id'], external_user_id=item['external_user_id'])


def described(item):
    return described_key(account_key(item), article='')


def read_accounts(module, api):
    """The entry of every item of the accounts option, in its order; on a failure, the task fails saying what was read."""
    items = module.params['accounts']

    def entry(item):
        return dict(read_account(api, item['account_id'], item['external_user_id'].strip()), item=as_given(item))
    try:
        return read_in_order(entry, items, module.params['concurrency'])
    except ReadStopped as stopped:
        failure = stopped.error
        if not isinstance(failure, Refusal):
            # A bug, not a vendor's answer: its traceback says more than a message would.
            raise failure
        not_read = [dict(item=as_given(items[index]), msg=getattr(stopped.errors.get(index), 'message', None))
                    for index in range(len(items)) if index not in stopped.results]
        module.fail_json(msg=stopped.message('accounts', items, described), changed=False, not_read=not_read,
                         accounts=[stopped.results[index] for index in sorted(stopped.results)], **failure.extra)


def main():
    module = ansible_module(account_info_spec(), mutually_exclusive=ACCOUNT_INFO_EXCLUSIVE,
                            required_one_of=ACCOUNT_INFO_REQUIRED_ONE_OF, supports_check_mode=True)
    fail_on_problems(module, account_info_problems(module.params))
    api = RetailerApi.from_module(module)
    if module.params['accounts'] is not None:
        module.exit_json(changed=False, accounts=read_accounts(module, api))
    try:
        result = read_account(api, module.params['account_id'], module.params['external_user_id'].strip())
    except Refusal as refusal:
        module.fail_json(**refusal.result())
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
