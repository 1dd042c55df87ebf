# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How retailer_account finds a customer account by its ExternalUserId, and creates one that does not exist.

MailUp gives a new account its id only at the end of its activation, so a task that is to create an account names it
by its ExternalUserId, and a second run finds it through the list of that ExternalUserId's accounts (inferred; see
RetailerApi.find_accounts). Where MailUp has no such list, nothing could stop a rerun from making a second account, so
the module creates one only when the user says so for that run (create_without_lookup).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils import _account_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, advice_after_a_create, only_one, only_one_read_back, read
from ansible_collections.channel.partner.plugins.module_utils._pack_plan import changed_totals, refuse_limits
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import NEW_ACCOUNT_FIELDS
from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import ResolveError, resolve_profile

MAX_POLL_INTERVAL = 30


def several_accounts(found, external_user_id):
    return '%d accounts have ExternalUserId %s (ids %%(ids)s)' % (len(found), external_user_id)


def find_account(api, account_id, external_user_id, creating=False, create_without_lookup=False):
    """The id of the account a task is about: ``account_id`` as given, or the one account of ``external_user_id`` (None:
    it has none). Refused when MailUp has no list to find it in, unless a task that is ``creating`` may create without one."""
    if account_id is not None:
        return account_id
    found = read('finding the account of ExternalUserId %s' % external_user_id, api.find_accounts, external_user_id)
    if found is None:
        if creating and create_without_lookup:
            return None
        raise Refusal('MailUp keeps no list of accounts to find the one of ExternalUserId %s in (GET Account answered %s), so '
                      'give its account_id%s. Nothing was changed.' % (
                          external_user_id, api.observed.get('account_lookup_status'),
                          '; to create it, set create_without_lookup: true for that one run and keep the account_id it returns'
                          if creating else ''))
    account = only_one([{'id': found_id} for found_id in found], several_accounts(found, external_user_id),
                       'give the account_id of the one this task is about')
    return None if account is None else account['id']


# How to finish a task that failed without making a second account: until MailUp ends the activation, the account is
# not listed.
finish_advice = advice_after_a_create('account', 'channel.partner.retailer_account_info with this external_user_id and no account_id',
                                      'MailUp may still be activating it and a rerun would then make a second account')


def create(module, api, external_user_id):
    """Create the account of ``external_user_id`` on the wanted profile, wait for its activation, set the wanted packs."""
    params = module.params
    if params['profile'] is None:
        raise Refusal('the account of ExternalUserId %s does not exist and creating it needs profile (an id or a name). '
                      'Nothing was changed.' % external_user_id)
    profiles = read('reading the profiles', api.profiles)
    try:
        profile_id = int(resolve_profile(profiles, params['profile'].strip()).id)
    except ResolveError as error:
        raise Refusal('%s. Nothing was changed.' % error.message) from None
    wanted_packs = [dict(pack, increment=None) for pack in params['packs'] or []]
    # The packs of the profile: the limits of the wanted totals, and in check mode what the new account is predicted to hold
    # (the real run reads the account back instead).
    target_packs = None
    if wanted_packs or module.check_mode:
        target_packs = read('reading the packs of the profile %s' % profile_id, api.profile_packs, profile_id)
    state = 'disabled' if params['enabled'] is False else 'enabled'
    changes, status = plan.creation_changes(external_user_id, profile_id, target_packs, wanted_packs, state)
    refuse_limits(changes, plan.new_account_key(external_user_id), profile_id)
    fields = dict((name, params[name]) for name, _vendor in NEW_ACCOUNT_FIELDS)
    seen = {'account_id': None, 'activation_id': None, 'account': None, 'answer': None}

    def send(item, write):
        if write.name == 'create':
            seen['activation_id'], seen['account_id'] = api.create_account(
                external_user_id, profile_id, fields, timeout=params['wait_timeout'], poll_interval=params['poll_interval'],
                max_poll_interval=MAX_POLL_INTERVAL)
        elif write.name == 'disable':
            seen['answer'] = api.set_account_enabled(seen['account_id'], external_user_id, False)
        else:
            api.add_pack(seen['account_id'], external_user_id, item.pack_id, item.amount, work_mode=item.work_mode)

    def observe(item):
        if seen['account_id'] is None:
            found = api.find_accounts(external_user_id)
            if found is None:
                raise ApiError(message='MailUp keeps no list of accounts to look the new one up in')
            account = only_one_read_back([{'id': account_id} for account_id in found], several_accounts(found, external_user_id))
            seen['account_id'] = None if account is None else account['id']
        seen['account'] = None if seen['account_id'] is None else api.account_status(seen['account_id'], external_user_id)
        # An account not (yet) made is no resource to show fields of.
        return None if seen['account'] is None else plan.read_back_of(item, seen['account'])

    changes.apply(send, module.check_mode, observe=observe, warn=module.warn, finish=finish_advice)
    packs = plan.pack_items(changes)
    base = status if module.check_mode else (seen['account'] or status)
    keys = dict(account=base.predicted(state=state, totals=changed_totals(packs), answer=seen['answer']).as_result(), account_id=seen['account_id'],
                activation_id=seen['activation_id'], profile_change='none', pack_losses=[])
    if packs:
        keys['packs'] = [change.summary() for change in packs]
        keys['plan'] = changes.items[0].plan()
    return changes.result(diff=module._diff, **keys)
