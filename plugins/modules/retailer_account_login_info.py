#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: retailer_account_login_info
short_description: List the logins of a MailUp retailer customer account, and get a console login URL for one
version_added: 1.0.0
description:
  - Lists the logins of one customer account of a MailUp retailer through the Retailer API (C(GET Account/{id}/Login)),
    each with its id and user name.
  - With O(login_url=true), also asks MailUp for a one-time console login URL of one login
    (C(GET Account/{id}/Login/{id_Login})), returned as RV(login_url). B(That URL is a credential), see the notes.
  - An account that does not exist (or was deleted) is not an error; RV(exists) is then V(false), RV(logins) is empty
    and no login URL is asked for.
  - The module only reads; it never changes the account.
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
  login_url:
    description:
      - Whether to ask MailUp for a one-time console login URL of the login O(login_id), or, when O(login_id) is
        omitted, of the account's only login.
      - An account with several logins needs O(login_id); the task then fails, naming the ids, before any URL is asked for.
        So does an account without a login, or a O(login_id) that is not one of the account's logins.
      - Every URL asked for is a new one. B(Run the task with no_log set to true); see the notes.
    type: bool
    default: false
  login_id:
    description:
      - The id of the login whose URL O(login_url=true) asks for, one of the RV(logins[].id) of the account.
      - Only with O(login_url=true); given without it, the task fails before any request.
    type: int
notes:
  - The login URL lets whoever holds it into the customer's MailUp console. Ansible has no way for a module to hide one
    return value from the output while keeping it in the registered result (a module's C(no_log_values) mask the value
    in the registered result too, which would make it useless). So the module returns it as RV(login_url) and the task
    B(must run with no_log set to true) (C(no_log=true)). Ansible then hides the whole result from its output and its logs, and the
    registered variable still holds the URL. When the task asks for a URL without C(no_log), the module warns (the
    warning does not contain the URL).
  - The module never puts the URL or its code in a warning or an error message; the answer that carries it is never
    quoted, even when it is not of the documented shape.
  - Asking for the logins costs one request at the default page size, and the URL one more.
seealso:
  - module: channel.partner.retailer_account_info
  - module: channel.partner.retailer_account
'''

EXAMPLES = r'''
- name: List the logins of customer account 23053
  channel.partner.retailer_account_login_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
  register: customer_logins

- name: Show the user names
  ansible.builtin.debug:
    msg: "{{ customer_logins.logins | map(attribute='username') | list }}"

- name: Get a one-time console login URL of the account's only login
  channel.partner.retailer_account_login_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
    login_url: true
  # The URL is a credential: no_log keeps it out of the output and the logs; the registered result still has it.
  no_log: true
  register: console

- name: Get the URL of one of several logins
  channel.partner.retailer_account_login_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    account_id: 23053
    external_user_id: cust-23053
    login_url: true
    login_id: 230531
  no_log: true
  register: console

- name: Hand the URL on without showing it
  ansible.builtin.copy:
    content: "{{ console.login_url }}\n"
    dest: "{{ playbook_dir }}/console-url-23053"
    mode: "0600"
  no_log: true
'''

RETURN = r'''
exists:
  description: Whether the account exists. V(false) when the API answered 404 or 403 (unknown or deleted account).
  returned: success
  type: bool
  sample: true
logins:
  description: The logins of the account, in the order MailUp lists them; empty when the account does not exist.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The id of the login (the O(login_id) of its URL).
      type: int
      sample: 230531
    username:
      description: The user name of the login.
      type: str
      sample: admin.23053
  sample:
    - id: 230531
      username: admin.23053
login_id:
  description: The id of the login whose URL RV(login_url) is.
  returned: when O(login_url=true) and the account exists
  type: int
  sample: 230531
login_url:
  description:
    - A one-time console login URL of the login RV(login_id), as MailUp answered it.
    - B(A secret.) Run the task with C(no_log=true); the module warns when it is not.
  returned: when O(login_url=true) and the account exists
  type: str
  sample: https://console.mailup.example/Console/Login.aspx?Code=REDACTED
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_model import MISSING_ACCOUNT_STATUSES
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import login_info_spec, option_problems

NO_LOG_WARNING = ('the task asked for a console login URL, which is a credential, without no_log: set no_log: true on the '
                  'task so that Ansible keeps the result out of its output and logs (the registered result still holds it)')


def chosen_login(account_id, logins, login_id):
    """(the id of the login whose URL is wanted, None) or (None, why there is none to ask for)."""
    ids = [login.id for login in logins]
    if login_id is not None:
        if login_id in ids:
            return login_id, None
        return None, 'account %s has no login %s (its logins: %s); no login URL was asked for' % (
            account_id, login_id, ', '.join(str(found) for found in ids) or 'none')
    if len(ids) == 1:
        return ids[0], None
    if not ids:
        return None, 'account %s has no login; no login URL was asked for' % account_id
    return None, ('account %s has %d logins (ids %s): set login_id to the one whose URL is wanted; no login URL was asked for'
                  % (account_id, len(ids), ', '.join(str(found) for found in ids)))


def main():
    module = ansible_module(login_info_spec(), supports_check_mode=True)
    found = option_problems(module.params)
    if module.params['login_id'] is not None and not module.params['login_url']:
        found.append('login_id selects the login whose URL login_url asks for: set login_url=true as well, or leave login_id out')
    fail_on_problems(module, found)
    account_id, external_user_id = module.params['account_id'], module.params['external_user_id'].strip()

    api = RetailerApi.from_module(module)
    try:
        logins = api.account_logins(account_id, external_user_id)
    except ApiError as error:
        if error.status not in MISSING_ACCOUNT_STATUSES:
            module.fail_json(msg='reading the logins of the account %s failed: %s' % (account_id, error), error=error.to_dict())
        logins = None

    result = dict(changed=False, exists=logins is not None, logins=[login.as_result() for login in logins or []])
    if logins is None or not module.params['login_url']:
        module.exit_json(**result)

    login_id, problem = chosen_login(account_id, logins, module.params['login_id'])
    if problem:
        module.fail_json(msg=problem, **result)
    if not module.no_log:
        module.warn(NO_LOG_WARNING)
    try:
        url = api.login_url(account_id, external_user_id, login_id)
    except ApiError as error:
        module.fail_json(msg='reading the login URL of login %s of the account %s failed: %s' % (login_id, account_id, error),
                         error=error.to_dict(), **result)
    module.exit_json(login_id=login_id, login_url=url, **result)


if __name__ == '__main__':
    main()
