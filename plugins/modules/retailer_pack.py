#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: retailer_pack
short_description: Set or change the quantity of a pack on a MailUp retailer customer account
version_added: 1.0.0
description:
  - Sets how many of a pack (extra e-mails, SMS credits, storage, ...) a customer account of a MailUp retailer has,
    through the Retailer API (C(POST Account/{id}/Pack/{id_Pack})).
  - With O(quantity), the wanted total is compared with the pack's current C(Quantity) in C(GET Account/{id}/Status)
    and sent (with C(WorkMode) V(absolute)) only when they differ. This is idempotent.
  - With O(increment), the difference is sent as it is (with C(WorkMode) V(incremental)) every time the task runs.
    This is B(not) idempotent.
  - Before writing, the wanted total is checked against the pack's C(Min) and C(Max) in the account's profile, so an out of
    range quantity fails with the allowed range without asking MailUp.
  - With O(packs), many packs of one account are set in one task (the bulk form), with the same reads as for one pack.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.transport
  - channel.partner.concurrency.retailer
  - channel.partner.retailer_api.account
  - channel.partner.attributes
  - channel.partner.attributes.retailer_group
  - channel.partner.attributes.writes
attributes:
  check_mode:
    support: full
    details:
      - Check mode sends no write; the result says what the real run would do.
  diff_mode:
    support: full
    details:
      - The diff shows the pack id and its quantity before and after; for O(packs), one line per pack keyed C(retailer_pack/<account>/<pack>).
  idempotent:
    support: partial
    details:
      - Idempotent with O(quantity); with O(increment), every run adds (or removes) packs again.
options:
  pack_id:
    description:
      - The id of the pack.
      - Exactly one of O(pack_id) and O(pack_name) is required.
    type: int
  pack_name:
    description:
      - The name of the pack, looked up among the packs of the account's current profile.
      - Exactly one of O(pack_id) and O(pack_name) is required.
    type: str
  quantity:
    description:
      - The total number of this pack the account must have. Must be 0 or more.
      - Exactly one of O(quantity) and O(increment) is required.
    type: int
  increment:
    description:
      - How many packs to add (positive) or remove (negative) on every run. Must not be 0.
      - Exactly one of O(quantity) and O(increment) is required.
      - Not idempotent; prefer O(quantity) unless you really mean to add on every run.
      - If the answer to the request is lost, the request is B(not) sent again. The account is read back, but a read-back
        cannot tell this increment from another writer's, nor from one the vendor applies later, so the task fails with
        RV(applied=null), says what the read-back showed, and gives the total to set with O(quantity) instead, which is
        safe to run, and to run again later.
    type: int
  packs:
    description:
      - The bulk form, for several packs of the account; mutually exclusive with O(pack_id), O(pack_name), O(quantity) and O(increment).
      - Each item names its pack by C(pack_id) or C(pack_name) and gives C(quantity) or C(increment), with the same meaning as the
        options of the same names. A pack may appear only once.
      - Reads one token, one C(GET Account/{id}/Status) and, when needed, the profile's packs once; checks every item against its
        pack's C(Min) and C(Max) before the first write (a refusal names every item outside its range and changes nothing); then
        sends one POST per change, up to O(concurrency) at a time, started in list order.
      - If a POST fails, no new POST starts (those in flight finish) and the message says which packs were set, which failed, which are
        unknown and which were not attempted; RV(plans) then carries C(outcome) and C(failed) for each item.
    type: list
    elements: dict
    suboptions:
      pack_id: {description: "The id of the pack.", type: int}
      pack_name: {description: "The name of the pack, among the packs of the account's profile.", type: str}
      quantity: {description: "The total the account must have, 0 or more.", type: int}
      increment: {description: "How many packs to add or remove on every run; not 0, not idempotent.", type: int}
notes:
  - A no-op with O(pack_id) costs one token request and one C(GET Account/{id}/Status). The packs of the profile
    (C(GET Management/Profile/{id}/Pack)) are read only for O(pack_name), for a pack the account does not list yet,
    and before a write (to check C(Min) and C(Max)).
  - When MailUp still refuses a change, its code is named in the message and in RV(vendor_result).
seealso:
  - module: channel.partner.retailer_account
  - module: channel.partner.retailer_profile_info
'''

EXAMPLES = r'''
- name: The account has exactly 3 packs of 1,000 extra e-mails
  channel.partner.retailer_pack:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23055
    external_user_id: cust-23055
    pack_id: 534
    quantity: 3

- name: Give the account one SMS pack by name
  channel.partner.retailer_pack:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
    pack_name: SMS 100
    quantity: 1

- name: Add one more storage pack (runs again add again)
  channel.partner.retailer_pack:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
    pack_id: 537
    increment: 1
  register: storage

- name: Show the new number of storage packs
  ansible.builtin.debug:
    msg: "{{ storage.quantity_before }} -> {{ storage.quantity_after }}"

- name: Set several packs of one account in one task
  channel.partner.retailer_pack:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23055
    external_user_id: cust-23055
    packs:
      - {pack_id: 534, quantity: 5}
      - {pack_name: SMS 100, quantity: 4}
      - {pack_id: 537, increment: 1}
'''

RETURN = r'''
pack:
  description:
    - The pack and its quantity after the run (predicted in check mode).
    - C(Name), C(Min) and C(Max) are V(null) when the packs of the profile did not have to be read (a no-op given by O(pack_id)).
  returned: success, without O(packs)
  type: dict
  contains:
    Id: {description: "The pack id.", type: int, returned: always, sample: 534}
    Name: {description: "The pack name, when known.", type: str, returned: always, sample: "Extra 1,000 emails"}
    Min: {description: "The smallest total the account's profile allows, when known.", type: int, returned: always, sample: 0}
    Max: {description: "The largest total the account's profile allows, when known.", type: int, returned: always, sample: 10}
    Quantity: {description: "The total after the run.", type: int, returned: always, sample: 3}
  sample: {Id: 534, Name: "Extra 1,000 emails", Min: 0, Max: 10, Quantity: 3}
quantity_before:
  description: The pack's total (C(Quantity) in C(ActivePacks); 0 when not listed) before the run.
  returned: success, without O(packs)
  type: int
  sample: 1
quantity_after:
  description: The pack's total after the run, or what it would be in check mode.
  returned: success, without O(packs)
  type: int
  sample: 3
packs:
  description:
    - With O(packs), every pack of the list in list order, with its total before and after the run (predicted in check mode).
    - C(Name), C(Min) and C(Max) are V(null) when the packs of the profile did not have to be read.
  returned: success, with O(packs)
  type: list
  elements: dict
  sample: [{Id: 534, Name: "Extra 1,000 emails", Min: 0, Max: 10, quantity_before: 3, quantity_after: 5}]
account:
  description:
    - The account status after the run. It is the status read before the writes, with the totals MailUp accepted,
      because MailUp answers C(Code) 0 only once a change is applied; so a change costs no extra read.
    - In check mode, the same prediction without any write.
  returned: success
  type: dict
  sample: {Code: 0, Description: Enabled, ActivePacks: [{Id: 534, Quantity: 3, CurrentQuantity: 3}], Credits: 1200,
           IdAccount: 23055, IdProfile: 1047, ValidFrom: "2024-05-01 00:00:00Z", ValidTo: "2025-05-01 00:00:00Z"}
vendor_result:
  description:
    - When MailUp refused the change, its business result with the code's name.
    - C(name) is one of V(quantity_limits_exceeded) (code 1), V(profile_rules_error) (2), V(invalid_quantity) (3),
      V(invalid_workmode) (4).
  returned: failure, when MailUp refused the change
  type: dict
  sample: {Code: 1, Description: Quantity limits exceeded, name: quantity_limits_exceeded}
plan:
  description:
    - A stable summary of what the task did (or would do in check mode), for reports and callback plugins.
    - On a failure after the pack was found, what the task tried to do, with C(outcome) and C(failed) as each item of RV(plans).
  returned: without O(packs), on success and on a failure after the pack was found
  type: dict
  contains:
    resource: {description: "C(retailer_pack/<account id>/<pack id>).", type: str, returned: always, sample: retailer_pack/23055/534}
    action: {description: "V(none), V(set) (absolute quantity) or V(increment).", type: str, returned: always, sample: set}
    before: {description: "The pack's quantity before the run.", type: dict, returned: always, sample: {quantity: 1}}
    after: {description: "The pack's quantity after the run.", type: dict, returned: always, sample: {quantity: 3}}
  sample: {resource: retailer_pack/23055/534, action: set, before: {quantity: 1}, after: {quantity: 3}}
plans:
  description:
    - With O(packs), one RV(plan) per item, in list order.
    - On a failure each plan also has C(outcome) (V(done), V(unchanged), V(failed) (not applied), V(unknown) or V(not_attempted), the last for every
      change when the task was refused before its first write) and C(failed) (V(false) for what was done or already right).
  returned: with O(packs), on success and on a failure after the account was read
  type: list
  elements: dict
  sample: [{resource: retailer_pack/23055/534, action: set, before: {quantity: 3}, after: {quantity: 5}}]
refused:
  description: Every item whose wanted total is outside its pack's C(Min)..C(Max), with the limits.
  returned: failure, when a wanted total is outside its limits
  type: list
  elements: dict
  sample: [{pack_id: 538, min: 0, max: 1, wanted: 4}]
writes_done:
  description:
    - On a failure, what each write of the task that was applied did, in list order; empty when nothing was written.
  returned: failure
  type: list
  elements: str
  sample: [set pack 534 Extra 1,000 emails of the account 23055 (3 -> 6)]
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
allowed_min:
  description: Without O(packs), the smallest total the pack's profile allows, when the wanted total is outside the limits.
  returned: failure, when the wanted total is outside the limits
  type: int
  sample: 0
allowed_max:
  description: Without O(packs), the largest total the pack's profile allows, when the wanted total is outside the limits.
  returned: failure, when the wanted total is outside the limits
  type: int
  sample: 1
diff:
  description:
    - The pack id and its quantity before and after the run.
    - With O(packs), C(before) and C(after) map C(retailer_pack/<account>/<pack>) to the quantity of every pack of the list.
  returned: when diff mode is on
  type: dict
  contains:
    before: {description: "The pack id and its quantity before the run.", type: dict, returned: always, sample: {pack_id: 534, quantity: 1}}
    after: {description: "The pack id and its quantity after the run.", type: dict, returned: always, sample: {pack_id: 534, quantity: 3}}
  sample: {before: {pack_id: 534, quantity: 1}, after: {pack_id: 534, quantity: 3}}
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, wanted_item
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, read, run
from ansible_collections.channel.partner.plugins.module_utils import _pack_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import PackRefused, RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import business_result
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import (
    PACK_EXCLUSIVE,
    PACK_ITEM,
    PACK_REQUIRED_ONE_OF,
    pack_module_spec,
    pack_problems,
)


def converge(module, api):
    params = module.params
    account_id, external_user_id = params['account_id'], params['external_user_id'].strip()
    single = params['packs'] is None
    wanted = [wanted_item(params, PACK_ITEM)] if single else params['packs']

    status = read('reading the account', api.account_status, account_id, external_user_id)
    if status is None:
        raise Refusal('the account %s does not exist (the API answered %s); nothing was changed.' % (account_id, api.observed['missing_account']))
    profile_packs = None
    if plan.needs_profile_packs(wanted, status):
        profile_packs = read('reading the packs of the profile %s' % status.profile_id, api.profile_packs, status.profile_id)
    changes = plan.pack_changes(account_id, wanted, status, profile_packs, single=single)
    plan.refuse_limits(changes, account_id, status.profile_id)

    def send(change, _write):
        api.add_pack(account_id, external_user_id, change.pack_id, change.amount, work_mode=change.work_mode)

    def observe(change):
        now = api.account_status(account_id, external_user_id)
        return None if now is None else {'quantity': now.quantity(change.pack_id)}

    def failure_keys(_change, error):
        if isinstance(error, PackRefused):
            return {'vendor_result': business_result(error.code, error.vendor_message, name=error.refusal)}
        return {}

    changes.apply(send, module.check_mode, observe=observe, warn=module.warn, finish=plan.finish_advice, failure_keys=failure_keys,
                  concurrency=params['concurrency'])
    return plan.result(changes, plan.predicted(changes, status), module._diff)


def main():
    module = ansible_module(
        argument_spec=pack_module_spec(),
        mutually_exclusive=PACK_EXCLUSIVE,
        required_one_of=PACK_REQUIRED_ONE_OF,
        supports_check_mode=True,
    )
    run(module, pack_problems, RetailerApi, converge)


if __name__ == '__main__':
    main()
