# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of the Retailer API modules, and every check they get before the first request."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._retailer_model import EXTERNAL_USER_ID_LOCATIONS
from ansible_collections.channel.partner.plugins.module_utils._argspec import (
    CONCURRENCY_RULES,
    LONGEST_WAIT,
    all_of,
    at_most,
    greater_than_zero,
    list_problems,
    not_negative,
    not_zero,
    positive_integer,
    problems,
    repeated,
    retailer_argument_spec,
    single_form,
    text,
)

# The two options that name a customer account (documented by the retailer_api.account doc fragment).
ACCOUNT = dict(
    account_id=dict(type='int', required=True),
    external_user_id=dict(type='str', required=True),
    external_user_id_location=dict(type='str', default='header', choices=list(EXTERNAL_USER_ID_LOCATIONS)),
)

# One item of the packs list of retailer_pack; the single form takes the same options.
PACK_ITEM = dict(
    pack_id=dict(type='int'),
    pack_name=dict(type='str'),
    quantity=dict(type='int'),
    increment=dict(type='int'),
)
PACK_ITEM_EXCLUSIVE = [('pack_id', 'pack_name'), ('quantity', 'increment')]

# One item of the accounts list of retailer_account_info: an account named as the single form names it.
ACCOUNT_INFO_ITEM = dict(
    account_id=dict(type='int'),
    external_user_id=dict(type='str', required=True),
)
ACCOUNT_INFO_EXCLUSIVE = [('accounts', 'account_id'), ('accounts', 'external_user_id')]
ACCOUNT_INFO_REQUIRED_ONE_OF = [('accounts', 'external_user_id')]
# Requests of a bulk task in flight together, the account reads of retailer_account_info and the pack writes of
# retailer_pack alike: MailUp's 5 calls a second per resource. Against one resource more could not go faster; under the
# strict reading (rate_limit_scope=token) they would only wait in the pacing; and under the path reading, where each
# account is its own resource, five at a time keep the load of a few clients whatever the estate.
RETAILER_CONCURRENCY = 5
CONCURRENCY = dict(type='int', default=RETAILER_CONCURRENCY)

RULES = {
    'account_id': positive_integer,
    # MailUp answers 400 "Invalid ExternalUserId." to every account request without one.
    'external_user_id': text(hint='MailUp requires the ExternalUserId header on every account request', header=True),
    'pack_id': positive_integer,
    'login_id': positive_integer,
    'pack_name': text(),
    'quantity': not_negative,
    'increment': not_zero,
    'profile': text(hint='give a profile id or name, or omit it to keep the current profile'),
    'wait_timeout': all_of(not_negative, at_most(LONGEST_WAIT, 'seconds')),
    'poll_interval': greater_than_zero('seconds', LONGEST_WAIT),
    'id': positive_integer,
    'name': text(hint='omit it to list every profile'),
    'email': text(),
    'company': text(),
    'contact_name': text(),
    'phone': text(),
    'language': text(hint='a language code such as EN or IT'),
}


def account_argument_spec(**options):
    """The Retailer API connection, the options that name an account, and the module's own ``options``."""
    spec = retailer_argument_spec()
    spec.update(ACCOUNT, **options)
    return spec


# One pack of the packs option of retailer_account: a total, never an increment, so that the task stays idempotent.
ACCOUNT_PACK_ITEM = dict(
    pack_id=dict(type='int'),
    pack_name=dict(type='str'),
    quantity=dict(type='int', required=True),
)


# What a new account is created with (retailer_account, state=present); MailUp documents no way to change them later.
NEW_ACCOUNT = dict(
    email=dict(type='str'),
    company=dict(type='str'),
    contact_name=dict(type='str'),
    phone=dict(type='str'),
    language=dict(type='str'),
)


def account_module_spec():
    return account_argument_spec(
        # Without an id, the account is found by its external_user_id.
        account_id=dict(type='int'),
        create_without_lookup=dict(type='bool', default=False),
        enabled=dict(type='bool'),
        state=dict(type='str', default='enabled', choices=['present', 'enabled', 'disabled', 'absent']),
        profile=dict(type='str'),
        packs=dict(type='list', elements='dict', options=ACCOUNT_PACK_ITEM, mutually_exclusive=[('pack_id', 'pack_name')],
                   required_one_of=[('pack_id', 'pack_name')]),
        accept_pack_loss=dict(type='bool', default=False),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=300),
        poll_interval=dict(type='float', default=5),
        **NEW_ACCOUNT
    )


def account_problems(params):
    found = option_problems(params)
    if params['state'] != 'present':
        found += ['%s is what a new account is created with, so it needs state=present' % name
                  for name in sorted(NEW_ACCOUNT) if params.get(name) is not None]
        if params['create_without_lookup']:
            found.append('create_without_lookup needs state=present, the one state that creates an account')
        if params['enabled'] is not None:
            found.append('enabled goes with state=present; state=%s says it already' % params['state'])
    elif not params['wait']:
        # A rerun cannot find an account whose activation is still running, and would create a second one.
        found.append('state=present needs wait=true: MailUp lists a new account only once its activation is over, so a task '
                     'that does not wait could make a rerun create a second account')
    if params['packs'] is not None:
        found += list_problems('packs', params['packs'], RULES)
        if params['state'] == 'absent':
            found.append('packs cannot be set on an account that is to be deleted (state=absent)')
        if not params['wait']:
            found.append('packs needs wait=true: MailUp offers the packs of a new profile only once the profile change is applied')
    return found


def account_info_spec():
    """retailer_account_info: one account as retailer_account names it, or a list of them (accounts)."""
    spec = account_argument_spec(account_id=dict(type='int'))
    spec['external_user_id'] = dict(spec['external_user_id'], required=False)
    spec.update(accounts=dict(type='list', elements='dict', options=ACCOUNT_INFO_ITEM),
                concurrency=CONCURRENCY)
    return spec


def account_info_problems(params):
    found = option_problems(params) + problems(params, CONCURRENCY_RULES)
    if params['accounts'] is not None:
        found += list_problems('accounts', params['accounts'], RULES)
        # Read twice, one account would be reported twice; the list is more likely wrong than meant so.
        found += repeated('accounts', [account_key(item) for item in params['accounts']], described_key)
    return found


def account_key(item):
    """What names the account of an item: its id, or (without one) its ExternalUserId."""
    if item['account_id'] is not None:
        return ('id', item['account_id'])
    return ('external_user_id', str(item['external_user_id']).strip())


def described_key(key, article='the '):
    """The account an account_key names, in words: ``article`` starts an account named by its id."""
    return '%saccount %s' % (article, key[1]) if key[0] == 'id' else 'the account of ExternalUserId %s' % key[1]


def profile_info_spec():
    spec = retailer_argument_spec()
    spec.update(id=dict(type='int'), name=dict(type='str'), include_packs=dict(type='bool', default=False))
    return spec


def pack_module_spec():
    spec = account_argument_spec(**single_form(PACK_ITEM))
    spec['packs'] = dict(type='list', elements='dict', options=PACK_ITEM, mutually_exclusive=PACK_ITEM_EXCLUSIVE,
                         required_one_of=PACK_ITEM_EXCLUSIVE)
    spec['concurrency'] = CONCURRENCY
    return spec


PACK_EXCLUSIVE = PACK_ITEM_EXCLUSIVE + [('packs', option) for option in PACK_ITEM]
PACK_REQUIRED_ONE_OF = [group + ('packs',) for group in PACK_ITEM_EXCLUSIVE]


def option_problems(params):
    """What is wrong with the task's own options (not the items of a list)."""
    return problems(params, RULES)


def pack_problems(params):
    found = option_problems(params) + problems(params, CONCURRENCY_RULES)
    if params['packs'] is not None:
        found += list_problems('packs', params['packs'], RULES)
    return found


def login_info_spec():
    """The options of retailer_account_login_info: the account's, and the login whose console URL is wanted."""
    return account_argument_spec(login_id=dict(type='int'), login_url=dict(type='bool', default=False))
