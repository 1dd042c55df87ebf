#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: retailer_account
short_description: Enable, disable, re-profile or delete a MailUp retailer customer account
version_added: 0.1.0
description:
  - Manages an existing customer account of a MailUp retailer through the Retailer API
    (RetailerService), that is whether it is enabled or disabled, which profile it has, or whether it exists at all.
  - The current state is read from C(GET Account/{id}/Status); only what differs from the wanted state is written.
  - A profile change is asynchronous at MailUp; by default the module waits until it is applied (see O(wait)).
  - The module does not create accounts.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.transport
  - channel.partner.retailer_api.account
  - channel.partner.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode sends no write at all, not even the profile change request, because that request itself starts the change.
  diff_mode:
    support: full
    details:
      - The diff shows the state and the profile id before and after.
  idempotent:
    support: full
options:
  state:
    description:
      - V(enabled) and V(disabled) enable or disable the account (C(PUT Account/{id}?Enable=true|false)).
      - V(absent) deletes the account (C(DELETE Account/{id})); an account that already answers 404 is left alone and reported
        unchanged. A deleted account cannot be brought back by this module.
    type: str
    choices: [enabled, disabled, absent]
    default: enabled
  profile:
    description:
      - The profile the account must have, given by id (for example V(1047)) or by name (for example V(Economy)).
      - A name is resolved through the list of the retailer's profiles; the module fails when no profile or more than one
        profile has that name. A value made of digits is taken as an id when a profile has that id.
      - When omitted, the profile is left as it is. Ignored with O(state=absent).
    type: str
  wait:
    description:
      - Whether to wait until a profile change is applied.
      - With V(false), the change is requested once and the module returns RV(profile_change=started) while MailUp
        is still working on it; running the task again later reports it done.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for a profile change, when O(wait=true).
      - When the time is up the module fails, saying that the change was requested and may still complete.
    type: int
    default: 300
  poll_interval:
    description:
      - Seconds between the first two checks of a pending profile change. The interval grows after each check, up to 30 seconds.
    type: float
    default: 5
notes:
  - >-
    When several things change, they are written in this order: the account is enabled first (so that a profile change
    happens on an active account), then the profile is changed, then the account is disabled (again so that the profile
    change happens while it is still active). When a write fails after an earlier one succeeded, the error message lists
    the writes that were already done.
  - The profile change is polled by repeating the same C(PUT Account/{id}/Profile/{id_Profile}), as MailUp documents;
    V(202) (or V(201)) means still running, V(200) applied, V(500) failed.
seealso:
  - module: channel.partner.retailer_profile_info
  - module: channel.partner.retailer_pack
'''

EXAMPLES = r'''
- name: Make sure the account is enabled with the Economy profile
  channel.partner.retailer_account:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23055
    external_user_id: cust-23055
    state: enabled
    profile: Economy

- name: Move the account to the profile 1048 without waiting for MailUp to finish
  channel.partner.retailer_account:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
    profile: "1048"
    wait: false
  register: reprofile

- name: Disable an account
  channel.partner.retailer_account:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23054
    external_user_id: cust-23054
    state: disabled

- name: Delete an account
  channel.partner.retailer_account:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23054
    external_user_id: cust-23054
    state: absent
'''

RETURN = r'''
account:
  description:
    - The account status after the run, as C(GET Account/{id}/Status) returns it. After a profile change it is read back
      (MailUp adapts the packs to the profile); after an enable or disable it is the status read before, with the new
      C(Code) and the validity dates of MailUp's answer, so that the change costs no extra read.
    - In check mode, the status the run would produce, as far as this module manages it (C(Code), C(Description),
      C(IdProfile)); C(ActivePacks) is shown as it is now, although MailUp adapts it to a new profile.
    - An empty dictionary when the account is absent.
  returned: success
  type: dict
  sample:
    Code: 0
    Description: Enabled
    ActivePacks:
      - Id: 534
        Quantity: 3
        CurrentQuantity: 3
    Credits: 1200
    IdAccount: 23055
    IdProfile: 1047
    ValidFrom: "2024-05-01 00:00:00Z"
    ValidTo: "2025-05-01 00:00:00Z"
writes_done:
  description:
    - When a write failed after earlier writes of the same task succeeded, what those earlier writes did.
  returned: failure
  type: list
  elements: str
  sample: [enabled the account 23054]
profile_change:
  description:
    - V(none) when the profile did not have to change, V(done) when it was changed and applied (or would be, in check mode),
      V(started) when it was requested with O(wait=false) and MailUp had not finished yet.
  returned: success
  type: str
  sample: done
plan:
  description:
    - A stable summary of what the task did (or would do in check mode), for reports and callback plugins.
    - On a failure after the account was read, what the task tried to do; C(after) then holds the requested
      C(state) and C(profile) when the profile could not be resolved.
  returned: success, and failure once the account was read
  type: dict
  contains:
    resource:
      description: C(retailer_account/) followed by the account id.
      type: str
      returned: always
      sample: retailer_account/23055
    action:
      description: V(none), V(update) (enable, disable or profile change) or V(delete).
      type: str
      returned: always
      sample: update
    before:
      description: The state (V(enabled), V(disabled) or V(absent)) and the profile id before the run.
      type: dict
      returned: always
      sample: {state: disabled, profile_id: 1046}
    after:
      description: The state and the profile id wanted after the run.
      type: dict
      returned: always
      sample: {state: enabled, profile_id: 1047}
  sample:
    resource: retailer_account/23054
    action: update
    before: {state: disabled, profile_id: 1046}
    after: {state: enabled, profile_id: 1047}
diff:
  description: The state and the profile id before and after the run.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The state and the profile id before the run.
      type: dict
      returned: always
      sample: {state: disabled, profile_id: 1046}
    after:
      description: The state and the profile id after the run.
      type: dict
      returned: always
      sample: {state: enabled, profile_id: 1047}
  sample:
    before: {state: disabled, profile_id: 1046}
    after: {state: enabled, profile_id: 1047}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.channel.partner.plugins.module_utils._argspec import account_identity_problem, retailer_account_argument_spec
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._account_plan import describe_write, planned_writes, predicted_status
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import (
    ResolveError,
    account_summary,
    resolve_profile,
)

MAX_POLL_INTERVAL = 30


def wanted_profile_id(api, current_profile_id, profile):
    """The id of the profile the user asked for; the profile list is read only when it is needed."""
    if profile is None:
        return current_profile_id
    profile = profile.strip()
    # An id equal to the current profile needs no lookup: a no-op costs no extra request.
    if profile.isdigit() and current_profile_id is not None and int(profile) == current_profile_id:
        return current_profile_id
    return int(resolve_profile(api.profiles(), profile)['Id'])


def converge(module, api, account_id, external_user_id, done, attempted):
    """Read the account, write the difference (unless in check mode) and return the module result.

    ``done`` collects a description of every write that succeeded and ``attempted`` receives the
    plan, so that a failure can say what was tried and what was already done.
    """
    wanted_state = module.params['state']
    status = api.account_status(account_id, external_user_id)
    before = account_summary(status)
    if status is None and wanted_state != 'absent':
        module.fail_json(msg='the account %s does not exist (the API answered 404); this module does not create accounts' % account_id)

    # Until the profile is resolved, a failure can only report what was asked for.
    attempted.update(resource='retailer_account/%s' % account_id, action='update', before=before,
                     after={'state': wanted_state, 'profile': module.params['profile']})
    if wanted_state == 'absent':
        after = account_summary(None)
    else:
        after = {'state': wanted_state, 'profile_id': wanted_profile_id(api, before['profile_id'], module.params['profile'])}
    writes = planned_writes(before, after)

    plan = {
        'resource': 'retailer_account/%s' % account_id,
        'action': 'delete' if 'delete' in writes else ('update' if writes else 'none'),
        'before': before,
        'after': after,
    }
    attempted.update(plan)

    profile_change = 'none'
    if 'profile' in writes:
        profile_change = 'done' if module.params['wait'] else 'started'

    account = {} if status is None else status
    if writes and module.check_mode:
        account = predicted_status(status, after)
    elif writes:
        validity = {}
        for write in writes:
            attempted['writing'] = write
            if write == 'delete':
                api.delete_account(account_id, external_user_id)
            elif write in ('enable', 'disable'):
                answer = api.set_account_enabled(account_id, external_user_id, write == 'enable') or {}
                validity = dict((key, answer[key]) for key in ('ValidFrom', 'ValidTo') if key in answer)
            else:
                profile_change = api.change_profile(
                    account_id, external_user_id, after['profile_id'], wait=module.params['wait'],
                    timeout=module.params['wait_timeout'], poll_interval=module.params['poll_interval'],
                    max_poll_interval=MAX_POLL_INTERVAL)
            done.append(describe_write(write, account_id, after))
        if 'profile' in writes:
            # MailUp re-shapes the packs to the new profile (and a started job may not be applied yet): only it can tell.
            account = api.account_status(account_id, external_user_id) or {}
        else:
            # An enable, disable or delete is fully described by the request and its answer: no read is needed.
            account = dict(predicted_status(status, after), **validity)

    result = dict(
        changed=bool(writes),
        account=account,
        profile_change=profile_change,
        plan=plan,
    )
    if module._diff:
        result['diff'] = {'before': before, 'after': after}
    return result


def failure_details(attempted):
    # The plan is known once the account was read; before that there is nothing to report.
    plan = dict((key, value) for key, value in attempted.items() if key != 'writing')
    return {'plan': plan} if plan else {}


def main():
    argument_spec = retailer_account_argument_spec()
    argument_spec.update(
        state=dict(type='str', default='enabled', choices=['enabled', 'disabled', 'absent']),
        profile=dict(type='str'),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=300),
        poll_interval=dict(type='float', default=5),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)

    problem = account_identity_problem(module.params)
    if problem:
        module.fail_json(msg=problem)
    account_id, external_user_id = module.params['account_id'], module.params['external_user_id'].strip()
    if module.params['profile'] is not None and not module.params['profile'].strip():
        module.fail_json(msg='profile must be a profile id or name, not an empty string; omit it to keep the current profile')
    if module.params['wait_timeout'] < 0 or module.params['poll_interval'] <= 0:
        module.fail_json(msg='wait_timeout must be 0 or more and poll_interval more than 0')

    api = RetailerApi.from_module(module)
    done, attempted = [], {}
    try:
        module.exit_json(**converge(module, api, account_id, external_user_id, done, attempted))
    except ResolveError as error:
        module.fail_json(msg='%s; nothing was changed' % error, **failure_details(attempted))
    except ApiError as error:
        if done:
            outcome = 'writes already done before this failure: %s' % ', '.join(done)
        elif 'writing' not in attempted or error.applied is False:
            # Either only reads had been sent, or the write was refused before it was applied.
            outcome = 'nothing was changed'
        else:
            outcome = 'the write may or may not have been applied; read the account before retrying'
        module.fail_json(msg='%s; %s' % (error, outcome), error=error.to_dict(), writes_done=done, **failure_details(attempted))


if __name__ == '__main__':
    main()
