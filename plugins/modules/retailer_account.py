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
short_description: Create, enable, disable, re-profile or delete a MailUp retailer customer account, and set its packs
version_added: 1.0.0
description:
  - Manages a customer account of a MailUp retailer through the Retailer API
    (RetailerService), that is whether it exists, whether it is enabled or disabled, which profile it has,
    and with O(packs) the totals of its packs on that profile.
  - The account is the one O(account_id) names or, without it, the one account of the O(external_user_id), found in
    C(GET Account) (a list MailUp does not document; see O(create_without_lookup) for a MailUp without it).
    Two accounts of one ExternalUserId are never guessed between.
  - With O(state=present), an account that does not exist is created (C(POST Account)) on O(profile), and the module waits
    for its activation (C(Account/Activation/{id}/Status)) within O(wait_timeout), then sets O(packs).
    A second run finds it by its ExternalUserId and creates nothing.
  - The current state is read from C(GET Account/{id}/Status); only what differs from the wanted state is written.
  - A profile change is asynchronous at MailUp; by default the module waits until it is applied (see O(wait)).
  - A profile change makes MailUp re-shape the account's packs to the new profile. The packs the new profile does not
    offer are removed, a new one starts at 0, and a total above the new maximum stays above it. The module reads the packs
    of the new profile first; a change that would remove packs the account holds, or leave a total above the new maximum,
    is refused before any write, naming every pack and its quantity, unless O(accept_pack_loss=true).
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.transport
  - channel.partner.retailer_api.account
  - channel.partner.retailer_api.new_account
  - channel.partner.attributes
  - channel.partner.attributes.retailer_group
  - channel.partner.attributes.writes
attributes:
  check_mode:
    support: full
    details:
      - Check mode sends no write at all, not even the profile change request, because that request itself starts the change.
      - It predicts every write of the real run, the packs on the new profile and the packs the profile change removes included.
      - A create is predicted with the account id unknown (RV(account_id) V(null)), and with the packs of its profile at 0
        (read in check mode for that prediction) but for those O(packs) sets.
  diff_mode:
    support: full
    details:
      - The diff shows the state and the profile id before and after; with O(packs), or when the profile change removes
        packs, one line per resource keyed C(retailer_account/<id>) and C(retailer_pack/<account>/<pack>).
  idempotent:
    support: full
options:
  account_id:
    description:
      - The id of the customer account (C(IdAccount)).
      - When omitted, the account is the one of O(external_user_id) in C(GET Account); the task is refused when it has
        several, or when MailUp answers that list with 404 or 405 (then give the id).
      - An id MailUp does not know is not created under that id (MailUp gives a new account its own); omit it to create one.
    type: int
    required: false
  state:
    description:
      - V(present) creates the account when it does not exist and, unless O(enabled) says, leaves an existing one enabled or
        disabled as it is; a new account is enabled. Creating needs O(profile) and O(wait=true).
      - V(enabled) and V(disabled) enable or disable the account (C(PUT Account/{id}?Enable=true|false)); they fail on an
        account that does not exist.
      - V(absent) deletes the account (C(DELETE Account/{id})); an account that already answers 404 is left alone and reported
        unchanged. A deleted account cannot be brought back by this module.
    type: str
    choices: [present, enabled, disabled, absent]
    default: enabled
  enabled:
    description:
      - With O(state=present), whether the account must be enabled (V(true)) or disabled (V(false)), created or not; a new
        account wanted disabled is disabled after its packs are set. Omitted, an existing account is left as it is.
      - Only with O(state=present); V(enabled) and V(disabled) say it themselves.
    type: bool
  profile:
    description:
      - The profile the account must have, given by id (for example V(1047)) or by name (for example V(Economy)).
      - A name is resolved through the list of the retailer's profiles; the module fails when no profile or more than one
        profile has that name. A value made of digits is taken as an id when a profile has that id.
      - When omitted, the profile is left as it is. Ignored with O(state=absent).
    type: str
  packs:
    description:
      - The packs the account must have on its (new) profile, as totals; packs not listed keep their total, except those a
        profile change removes.
      - Each item names its pack by C(pack_id) or C(pack_name) (among the packs of the profile the account will be on) and
        gives C(quantity). A pack may appear only once, whether by id or by name.
      - Every total is checked against the pack's C(Min) and C(Max) in the profile the account will be on before the first
        write; the packs are set after the profile change and before a disable.
      - Needs O(wait=true) when the profile changes (MailUp offers the packs of a new profile only once the change is
        applied); not with O(state=absent).
    type: list
    elements: dict
    suboptions:
      pack_id: {description: "The id of the pack.", type: int}
      pack_name: {description: "The name of the pack, among the packs of the profile the account will be on.", type: str}
      quantity: {description: "The total the account must have, within the profile's limits.", type: int, required: true}
  accept_pack_loss:
    description:
      - Make a profile change even when MailUp would remove packs the account holds (the new profile does not offer them)
        or leave a total above the new profile's maximum. The module then warns, and returns the packs in RV(pack_losses).
      - With V(false), such a change is refused before any write; give those packs a total the new profile allows with
        O(packs), or set this option once the customer may lose them.
    type: bool
    default: false
  wait:
    description:
      - Whether to wait until a profile change is applied. O(state=present) needs V(true), as MailUp lists a new account only
        once its activation is over, so a task that did not wait could let a rerun create a second account.
      - With V(false), the change is requested once and the module returns RV(profile_change=started) while MailUp
        is still working on it; running the task again later reports it done.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for a profile change, when O(wait=true), from the first answer of the change request;
        the polls and their requests are within this time. At most 86400.
      - The same bound applies to the activation of a new account, counted from its C(POST Account).
      - When the time is up the module fails, saying that the change was requested and may still complete.
    type: int
    default: 300
  poll_interval:
    description:
      - Seconds between the first two checks of a pending profile change or account activation. The interval grows after
        each check, up to 30 seconds.
      - A number greater than 0 and at most 86400.
    type: float
    default: 5
notes:
  - >-
    When several things change, they are written in this order: the account is enabled first (so that a profile change
    happens on an active account), then the profile is changed, then the packs are set, then the account is disabled
    (again so that the changes happen while it is still active). When a write fails after an earlier one succeeded,
    the error message lists the writes that were already done.
  - The profile change is polled by repeating the same C(PUT Account/{id}/Profile/{id_Profile}), as MailUp documents;
    V(202) (or V(201)) means still running, V(200) applied, V(500) failed.
  - An activation is polled with C(GET Account/Activation/{id}/Status); V(201) or V(202) with Code 1 means still running,
    V(200) with Code 0 done, V(403) with Code 2 failed (no account was made). Code -1 or 3, or the end of O(wait_timeout),
    leave the create unknown; the module then looks the account up and, when it is listed as wanted, counts the create
    as applied with a warning. A create is never sent twice.
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

- name: Make sure customer cust-7001 has an account on the Economy profile with 2 SMS packs, creating it once
  channel.partner.retailer_account:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    external_user_id: cust-7001
    state: present
    profile: Economy
    email: ops@customer.example
    company: Customer Ltd
    contact_name: Ada Lovelace
    language: EN
    packs:
      - pack_name: SMS 100
        quantity: 2
  register: new_account

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

- name: Move the account to the Trial profile with 2 packs of extra e-mails there, accepting that its SMS packs go
  channel.partner.retailer_account:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23055
    external_user_id: cust-23055
    profile: Trial
    packs:
      - pack_id: 534
        quantity: 2
    accept_pack_loss: true
  register: onboarded

- name: Show what the profile change took
  ansible.builtin.debug:
    msg: "{{ onboarded.pack_losses }}"

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
account_id:
  description:
    - The id of the account the task managed; for a new account, the one MailUp gave it at the end of its activation.
    - V(null) in check mode when the account is still to be created, and when no account was found.
  returned: success
  type: int
  sample: 23056
activation_id:
  description: The id of the activation of a new account (C(IdActivation)); V(null) in check mode.
  returned: success, when the task created the account
  type: int
  sample: 987
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
    - On a failure, what each write of the task that was applied did, in the order they were sent; empty when nothing was written.
  returned: failure
  type: list
  elements: str
  sample: [enabled the account 23054]
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
packs:
  description:
    - With O(packs), every pack of the list in list order, with its total before the run (on the new profile, when the
      profile changes) and after it (predicted in check mode).
  returned: success, with O(packs)
  type: list
  elements: dict
  sample: [{Id: 534, Name: "Extra 1,000 emails", Min: 0, Max: 10, quantity_before: 0, quantity_after: 4}]
pack_losses:
  description:
    - What a profile change costs the account in packs; empty when it costs nothing or the profile does not change.
    - C(reason) is V(removed) (the new profile does not offer the pack; C(quantity_after) 0) or V(above_maximum) (the
      total stays above the new profile's C(maximum)).
    - On a refusal (without O(accept_pack_loss)), the packs the change would cost.
  returned: success, and on a refusal for pack loss
  type: list
  elements: dict
  sample: [{pack_id: 536, name: null, quantity_before: 2, quantity_after: 0, reason: removed}]
plans:
  description:
    - With O(packs), or when a profile change removes packs, one plan per resource in the order of RV(plan)'s fields, the
      account first; a removed pack has action V(remove). RV(plan) still describes the account alone.
  returned: when the task covers more than the account
  type: list
  elements: dict
  sample: [{resource: retailer_pack/23055/536, action: remove, before: {quantity: 2}, after: {quantity: 0}}]
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
    - On a failure after the account was read, what the task tried to do, with C(outcome) (V(done), V(unchanged),
      V(failed) or V(not_attempted)) and C(failed); C(after) then holds the requested C(state) and C(profile) when the
      profile could not be resolved.
  returned: success, and failure once the account was read
  type: dict
  contains:
    resource:
      description:
        - C(retailer_account/) followed by the account id; for an account to be created, by C(ExternalUserId=) and the
          O(external_user_id), as the check run and the real run both name it.
      type: str
      returned: always
      sample: retailer_account/23055
    action:
      description: V(none), V(create), V(update) (enable, disable or profile change) or V(delete).
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


from ansible_collections.channel.partner.plugins.module_utils import _account_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._account_create import MAX_POLL_INTERVAL, create, find_account
from ansible_collections.channel.partner.plugins.module_utils._account_plan import describe_losses, loss_summary, new_account_key, pack_items, pack_losses
from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module
from ansible_collections.channel.partner.plugins.module_utils._pack_plan import changed_totals, needs_profile_packs, refuse_limits
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, read, run
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import ABSENT, summary_of
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import account_module_spec, account_problems
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import ResolveError, resolve_profile


def wanted_profile_id(api, current_profile_id, profile):
    """The id of the profile the user asked for; the profile list is read only when it is needed."""
    if profile is None:
        return current_profile_id
    profile = profile.strip()
    # An id equal to the current profile needs no lookup: a no-op costs no extra request.
    if profile.isdigit() and current_profile_id is not None and int(profile) == current_profile_id:
        return current_profile_id
    return int(resolve_profile(api.profiles(), profile).id)


def missing(params, account_id, external_user_id, answered):
    """Why a task that needs an existing account cannot go on, and what to give instead."""
    if account_id is None:
        return ('ExternalUserId %s has no account; state=present creates one. Nothing was changed.' % external_user_id)
    advice = ('MailUp gives a new account its own id, so omit account_id to create one for ExternalUserId %s' % external_user_id
              if params['state'] == 'present' else 'state=present without account_id creates a new one')
    return 'the account %s does not exist (the API answered %s); %s. Nothing was changed.' % (account_id, answered, advice)


def wanted_state(api, account_id, before, params):
    """The state and profile id the account must have; until the profile is resolved a refusal reports what was asked."""
    if params['state'] == 'absent':
        return dict(ABSENT)
    state = params['state']
    if state == 'present':
        # Without enabled, present keeps an existing account enabled or disabled as it is.
        state = before['state'] if params['enabled'] is None else ('enabled' if params['enabled'] else 'disabled')
    asked = plan.account_changes(account_id, before, {'state': state, 'profile': params['profile']})
    try:
        profile_id = asked.read('reading the profiles', wanted_profile_id, api, before['profile_id'], params['profile'])
    except ResolveError as error:
        asked.refuse('%s. Nothing was changed.' % error.message)
    return {'state': state, 'profile_id': profile_id}


def converge(module, api):
    params = module.params
    external_user_id = params['external_user_id'].strip()
    account_id = find_account(api, params['account_id'], external_user_id, creating=params['state'] == 'present',
                              create_without_lookup=params['create_without_lookup'])
    status = None if account_id is None else read('reading the account', api.account_status, account_id, external_user_id)
    if status is None and params['state'] == 'present' and params['account_id'] is None:
        return create(module, api, external_user_id)
    if status is None and params['state'] != 'absent':
        raise Refusal(missing(params, account_id, external_user_id, api.observed.get('missing_account')))
    account_id = account_id or new_account_key(external_user_id)
    before = summary_of(status)
    after = wanted_state(api, account_id, before, params)
    # Totals only: the account task stays idempotent.
    wanted_packs = [dict(pack, increment=None) for pack in params['packs'] or []]
    moving = after['state'] != 'absent' and after['profile_id'] != before['profile_id']
    target_packs = None
    if moving or (wanted_packs and needs_profile_packs(wanted_packs, status)):
        # The packs of the profile the account will be on: what a profile change keeps, and the limits of the wanted totals.
        target_packs = read('reading the packs of the profile %s' % after['profile_id'], api.profile_packs, after['profile_id'])
    names = dict((pack.id, pack.name) for pack in target_packs or [])
    changes, on_target = plan.onboarding_changes(account_id, before, after, status, target_packs, wanted_packs, names)
    refuse_limits(changes, account_id, after['profile_id'])
    losses = refuse_pack_loss(module, changes, account_id, status, after, target_packs, names) if moving else []
    writes = [write.name for write in changes.writes()]
    seen = {'profile_change': 'none', 'answer': None, 'account': None, 'account_id': status.account_id or account_id if status else None}
    if 'profile' in writes:
        seen['profile_change'] = 'done' if params['wait'] else 'started'

    def send(item, write):
        if write.name == 'delete':
            api.delete_account(account_id, external_user_id)
        elif write.name == 'profile':
            seen['profile_change'] = api.change_profile(
                account_id, external_user_id, after['profile_id'], wait=params['wait'], timeout=params['wait_timeout'],
                poll_interval=params['poll_interval'], max_poll_interval=MAX_POLL_INTERVAL)
            # MailUp re-shapes the packs to the new profile, so the account is read back after the change; a change that
            # is only started shows nothing yet to compare.
            write.confirm = True
            if seen['profile_change'] == 'started':
                write.expects = None
        elif write.name in ('enable', 'disable'):
            seen['answer'] = api.set_account_enabled(account_id, external_user_id, write.name == 'enable')
        else:
            api.add_pack(account_id, external_user_id, item.pack_id, item.amount, work_mode=item.work_mode)

    def observe(item):
        seen['account'] = api.account_status(account_id, external_user_id)
        return plan.read_back_of(item, seen['account'])

    changes.apply(send, module.check_mode, observe=observe, warn=module.warn)
    return result(module, changes, status, on_target, after, seen, losses)


def refuse_pack_loss(module, changes, account_id, status, after, target_packs, names):
    """Refuse a profile change that would cost packs, unless accept_pack_loss; returns what it costs."""
    wanted = dict((change.pack_id, change.quantity_after) for change in pack_items(changes))
    removed, above = pack_losses(status, target_packs, wanted)
    if not (removed or above):
        return []
    words = describe_losses(removed, above, names, after['profile_id'])
    losses = loss_summary(removed, above, names)
    if not module.params['accept_pack_loss']:
        advice = ' or give those packs a total the profile allows with packs,' if above else ''
        changes.refuse('the profile change of the account %s to %s would %s. Nothing was changed. Set accept_pack_loss: true to make '
                       'it anyway,%s once you are sure the customer may lose them' % (account_id, after['profile_id'], words, advice),
                       pack_losses=losses)
    module.warn('the profile change of the account %s to %s will %s (accept_pack_loss is set)' % (account_id, after['profile_id'], words))
    return losses


def result(module, changes, status, on_target, after, seen, losses):
    """The module result: the account as it is after the run (read back after a profile change, otherwise the status read
    before with what the later writes are known to have done), the packs, what the profile change cost, plans and diff."""
    packs = pack_items(changes)
    if after['state'] == 'absent' or status is None:
        account = {}
    else:
        base = on_target if module.check_mode else (seen['account'] or status)
        # A profile change that is only started is not in the account yet; a disable after the read-back is in its answer.
        profile_id = None if seen['account'] is not None else after['profile_id']
        if seen['profile_change'] == 'started':
            profile_id = None
        account = base.predicted(state=after['state'], profile_id=profile_id, totals=changed_totals(packs), answer=seen['answer']).as_result()
    keys = dict(account=account, account_id=seen['account_id'], profile_change=seen['profile_change'],
                pack_losses=losses)
    if packs:
        keys['packs'] = [change.summary() for change in packs]
    if not changes.single:
        # The account's own entry, as without packs; the plan callback reads plans, so nothing counts twice.
        keys['plan'] = changes.items[0].plan()
    return changes.result(diff=module._diff, **keys)


def main():
    module = ansible_module(account_module_spec(), supports_check_mode=True)
    run(module, account_problems, RetailerApi, converge)


if __name__ == '__main__':
    main()
