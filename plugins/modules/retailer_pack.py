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
version_added: 0.1.0
description:
  - Sets how many of a pack (extra e-mails, SMS credits, storage, ...) a customer account of a MailUp retailer has,
    through the Retailer API (C(POST Account/{id}/Pack/{id_Pack})).
  - With O(quantity), the wanted total is compared with the pack's current C(Quantity) in C(GET Account/{id}/Status)
    and sent (with C(WorkMode) V(absolute)) only when they differ. This is idempotent.
  - With O(increment), the difference is sent as it is (with C(WorkMode) V(incremental)) every time the task runs.
    This is B(not) idempotent.
  - Before writing, the wanted total is checked against the pack's C(Min) and C(Max) in the account's profile, so an out of
    range quantity fails with the allowed range without asking MailUp.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode sends no write; the result says what the real run would do.
  diff_mode:
    support: full
    details:
      - The diff shows the pack id and its quantity before and after.
  idempotent:
    support: partial
    details:
      - Idempotent with O(quantity); with O(increment), every run adds (or removes) packs again.
options:
  account_id:
    description:
      - The id of the customer account (C(IdAccount)).
    type: int
    required: true
  external_user_id:
    description:
      - The retailer's own identifier of the customer, sent as the C(ExternalUserId) header with every account request.
      - MailUp refuses account requests without it, so an empty value fails before any request is sent.
    type: str
    required: true
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
      - If the connection fails after the request was sent, the request is B(not) sent again. The module reads the account
        status back instead; when it shows the change applied once, the task succeeds (changed, with a warning); when it
        shows nothing applied, the task fails saying nothing was added; when it cannot tell, the task fails saying the change
        may have been applied and that you should check the account before running the task again.
    type: int
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
'''

RETURN = r'''
pack:
  description:
    - The pack and its quantity after the run (predicted in check mode).
    - C(Name), C(Min) and C(Max) are V(null) when the packs of the profile did not have to be read (a no-op given by O(pack_id)).
  returned: success
  type: dict
  contains:
    Id:
      description: The pack id.
      type: int
      returned: always
      sample: 534
    Name:
      description: The pack name, when known.
      type: str
      returned: always
      sample: Extra 1,000 emails
    Min:
      description: The smallest total the account's profile allows, when known.
      type: int
      returned: always
      sample: 0
    Max:
      description: The largest total the account's profile allows, when known.
      type: int
      returned: always
      sample: 10
    Quantity:
      description: The total after the run.
      type: int
      returned: always
      sample: 3
  sample: {Id: 534, Name: "Extra 1,000 emails", Min: 0, Max: 10, Quantity: 3}
quantity_before:
  description: The pack's total (C(Quantity) in C(ActivePacks); 0 when not listed) before the run.
  returned: success
  type: int
  sample: 1
quantity_after:
  description: The pack's total after the run, or what it would be in check mode.
  returned: success
  type: int
  sample: 3
account:
  description:
    - The account status after the run, as C(GET Account/{id}/Status) returns it; predicted in check mode.
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
  returned: success
  type: dict
  contains:
    resource:
      description: C(retailer_pack/<account id>/<pack id>).
      type: str
      returned: always
      sample: retailer_pack/23055/534
    action:
      description: V(none), V(set) (absolute quantity) or V(increment).
      type: str
      returned: always
      sample: set
    before:
      description: The pack's quantity before the run.
      type: dict
      returned: always
      sample: {quantity: 1}
    after:
      description: The pack's quantity after the run.
      type: dict
      returned: always
      sample: {quantity: 3}
  sample: {resource: retailer_pack/23055/534, action: set, before: {quantity: 1}, after: {quantity: 3}}
diff:
  description: The pack id and its quantity before and after the run.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The pack id and its quantity before the run.
      type: dict
      returned: always
      sample: {pack_id: 534, quantity: 1}
    after:
      description: The pack id and its quantity after the run.
      type: dict
      returned: always
      sample: {pack_id: 534, quantity: 3}
  sample: {before: {pack_id: 534, quantity: 1}, after: {pack_id: 534, quantity: 3}}
'''

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.channel.partner.plugins.module_utils._argspec import retailer_argument_spec
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import AmbiguousWrite, PackRefused, RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import (
    ResolveError,
    active_pack,
    pack_quantity,
    resolve_pack,
)


def predicted_status(status, pack_id, quantity):
    """The account status once the pack total is ``quantity`` (used in check mode)."""
    predicted = copy.deepcopy(status)
    packs = predicted.setdefault('ActivePacks', [])
    entry = active_pack(predicted, pack_id)
    if entry is None:
        entry = {'Id': int(pack_id)}
        packs.append(entry)
    entry['Quantity'] = quantity
    entry['CurrentQuantity'] = quantity
    return predicted


def refused_result(error):
    """The vendor's business result of a refused pack change, with the code's name."""
    return {'Code': error.code, 'Description': error.vendor_message, 'name': error.refusal}


def ambiguous_outcome(module, error, increment):
    """Decide what an incremental POST whose answer was lost means.

    The POST is never sent again (that could apply the increment twice); module_utils
    read the account status back and set ``applied`` from what it shows.
    """
    if error.applied is True:
        # The packs are there exactly once: the task did its job, the user only needs to know the answer was lost.
        module.warn('the connection failed after the incremental request (%+d) was sent; the account status read back shows '
                    'it applied once, and it was not sent again' % increment)
        return
    if error.applied is False:
        module.fail_json(msg='%s. Nothing was added or removed.' % error, error=error.to_dict(), applied=False)
    module.fail_json(msg='%s. The change may have been applied: check the account (for example with quantity instead of '
                         'increment) before running an increment again.' % error, error=error.to_dict(), applied=None)


def converge(module, api, account_id, external_user_id):
    """Read the pack's total, write the difference (unless in check mode) and return the module result."""
    quantity = module.params['quantity']
    increment = module.params['increment']
    status = api.account_status(account_id, external_user_id)
    if status is None:
        module.fail_json(msg='the account %s does not exist (the API answered 404)' % account_id)
    profile_id = status.get('IdProfile')

    pack = None
    pack_id = module.params['pack_id']
    if module.params['pack_name'] is not None:
        pack = resolve_pack(api.profile_packs(profile_id), profile_id, pack_name=module.params['pack_name'])
        pack_id = int(pack['Id'])

    quantity_before = pack_quantity(status, pack_id)
    quantity_after = quantity if increment is None else quantity_before + increment
    must_write = increment is not None or quantity_after != quantity_before

    # The profile's packs are read only when needed: to check the limits before a write, or to
    # make sure a pack the account does not list exists at all (instead of a silent no-op).
    if pack is None and (must_write or active_pack(status, pack_id) is None):
        pack = resolve_pack(api.profile_packs(profile_id), profile_id, pack_id=pack_id)
    if must_write and not pack['Min'] <= quantity_after <= pack['Max']:
        module.fail_json(msg='the pack %s (%s) allows a total between %s and %s in the profile %s of the account %s; '
                             'the wanted total is %d (now %d)'
                             % (pack_id, pack.get('Name'), pack['Min'], pack['Max'], profile_id, account_id,
                                quantity_after, quantity_before),
                         allowed_min=pack['Min'], allowed_max=pack['Max'])

    account = status
    if must_write and module.check_mode:
        account = predicted_status(status, pack_id, quantity_after)
    elif must_write:
        try:
            if increment is None:
                api.add_pack(account_id, external_user_id, pack_id, quantity_after, work_mode='absolute')
            else:
                api.add_pack(account_id, external_user_id, pack_id, increment, work_mode='incremental',
                             quantity_before=quantity_before)
        except AmbiguousWrite as error:
            ambiguous_outcome(module, error, increment)
        account = api.account_status(account_id, external_user_id) or {}
        quantity_after = pack_quantity(account, pack_id)

    pack = pack or {}
    before = {'pack_id': pack_id, 'quantity': quantity_before}
    after = {'pack_id': pack_id, 'quantity': quantity_after}
    result = dict(
        changed=must_write,
        pack={'Id': pack_id, 'Name': pack.get('Name'), 'Min': pack.get('Min'), 'Max': pack.get('Max'), 'Quantity': quantity_after},
        quantity_before=quantity_before,
        quantity_after=quantity_after,
        account=account,
        plan={
            'resource': 'retailer_pack/%s/%s' % (account_id, pack_id),
            'action': 'none' if not must_write else ('set' if increment is None else 'increment'),
            'before': {'quantity': quantity_before},
            'after': {'quantity': quantity_after},
        },
    )
    if module._diff:
        result['diff'] = {'before': before, 'after': after}
    return result


def main():
    argument_spec = retailer_argument_spec()
    argument_spec.update(
        account_id=dict(type='int', required=True),
        external_user_id=dict(type='str', required=True),
        pack_id=dict(type='int'),
        pack_name=dict(type='str'),
        quantity=dict(type='int'),
        increment=dict(type='int'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('pack_id', 'pack_name'), ('quantity', 'increment')],
        required_one_of=[('pack_id', 'pack_name'), ('quantity', 'increment')],
        supports_check_mode=True,
    )

    account_id = module.params['account_id']
    external_user_id = (module.params['external_user_id'] or '').strip()
    quantity = module.params['quantity']
    increment = module.params['increment']
    # Everything that can be refused without asking MailUp is refused before the first request.
    if not external_user_id:
        module.fail_json(msg='external_user_id must not be empty: MailUp requires the ExternalUserId header on every account request')
    if quantity is not None and quantity < 0:
        module.fail_json(msg='quantity must be 0 or more, not %d' % quantity)
    if increment == 0:
        module.fail_json(msg='increment must not be 0')

    api = RetailerApi.from_module(module)
    try:
        module.exit_json(**converge(module, api, account_id, external_user_id))
    except ResolveError as error:
        module.fail_json(msg=str(error))
    except PackRefused as error:
        module.fail_json(msg='MailUp refused the pack change: %s (%s)' % (error.refusal, error),
                         error=error.to_dict(), vendor_result=refused_result(error))
    except ApiError as error:
        module.fail_json(msg=str(error), error=error.to_dict())


if __name__ == '__main__':
    main()
