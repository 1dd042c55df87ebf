# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The API-specific connection options of the MailUp Retailer API, as in retailer_argument_spec().
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the MailUp services host. The OAuth2 token endpoint and the RetailerService
        resources are found below it.
      - If not set, the value of the E(MAILUP_API_URL) environment variable is used, and then the default.
      - A URL with credentials in it (V(https://user:password@host)) is refused before any request; give them in their own options.
    type: str
    default: https://services.mailup.com
  client_id:
    description:
      - The OAuth2 client ID of the retailer's application.
      - If not set, the value of the E(MAILUP_CLIENT_ID) environment variable is used.
    type: str
    required: true
  client_secret:
    description:
      - The OAuth2 client secret of the retailer's application.
      - If not set, the value of the E(MAILUP_CLIENT_SECRET) environment variable is used.
      - It never appears in the output or in error messages.
    type: str
    required: true
  username:
    description:
      - The retailer's MailUp user, for the OAuth2 password grant.
      - If not set, the value of the E(MAILUP_USERNAME) environment variable is used.
    type: str
    required: true
  password:
    description:
      - The password of O(username).
      - If not set, the value of the E(MAILUP_PASSWORD) environment variable is used.
      - It never appears in the output or in error messages, and neither do the access and refresh tokens.
    type: str
    required: true
  rate_limit:
    description:
      - The most requests per second the module sends to one RetailerService resource (see O(rate_limit_scope)), counted
        over any window of one second and over every request of the task to it, those in flight together included, so
        that it stays within the vendor's limit of 5 calls per second per token and resource. Token requests, which the
        vendor does not limit, are not counted.
      - The module waits only when a request would exceed the limit, so a task of a few requests is never slowed down;
        a long list of pack changes runs at about this rate.
      - A value above 1 is rounded down to whole requests per second; below 1, requests are sent 1/O(rate_limit) seconds apart.
      - V(0) turns the pacing off; MailUp then answers the excess with HTTP 429, which the module retries after the
        C(Retry-After) the vendor sends. At most 1000.
    type: float
    default: 5
  rate_limit_scope:
    description:
      - What one window of O(rate_limit) covers. MailUp documents its limit as "5 calls per second per resource" without
        defining a resource.
      - V(resource) reads a resource as one request path without its query, such as C(Account/23056/Pack/12), each with
        its own window; the calls to different paths (the packs of several accounts in one bulk task) are not slowed down
        by each other.
      - V(token) is the stricter reading, in which every call made with the task's access token shares one window, so
        the whole task sends at most O(rate_limit) calls a second. Set it when MailUp answers HTTP 429 although the
        module paces itself.
      - Either way a 429 is MailUp's refusal before it did anything, which the module waits for and sends again; it
        never applies a write twice.
    type: str
    choices: [resource, token]
    default: resource
'''

    # The two options that name a customer account, as in retailer_account_argument_spec().
    ACCOUNT = r'''
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
  external_user_id_location:
    description:
      - Where the O(external_user_id) is sent. MailUp documents it as "transversal to all calls" without saying how;
        V(header) (an C(ExternalUserId) header) is the reading the collection starts from.
      - V(query) sends it as an C(ExternalUserId) query parameter instead, V(both) as both. Run the contract check
        (C(playbooks/contract.yml)) on a new account to see which one it takes.
    type: str
    choices: [header, query, both]
    default: header
'''

    # What retailer_account creates a new account with (state=present), as in NEW_ACCOUNT of _retailer_options.
    NEW_ACCOUNT = r'''
options:
  email:
    description:
      - The e-mail address of the customer's new account (C(Email)).
      - This and the four options below are sent only when O(state=present) creates the account. MailUp documents no way to
        change them later, so they are not compared with an existing account, and they need O(state=present).
      - The names of the create body are not documented by MailUp; the collection sends those of MailUp's public
        TrialActivation API, which the contract check of C(playbooks/contract.yml) cannot confirm without creating an account.
    type: str
  company:
    description: The company name of the new account (C(Company)).
    type: str
  contact_name:
    description: The name and surname of the new account's contact (C(NameAndSurname)).
    type: str
  phone:
    description: The phone number of the new account's contact (C(PhoneNumber)).
    type: str
  language:
    description:
      - The console language of the new account (C(Language)), a code such as V(EN) or V(IT)
        (C(Management/Profile/{id}/Language) lists those of a profile).
      - When omitted, MailUp chooses.
    type: str
  create_without_lookup:
    description:
      - Create the account even though MailUp keeps no list of accounts to find it in later (C(GET Account) answers 404 or
        405), so that nothing could stop a second run from creating a second account.
      - Set it for the one run that creates the account, keep the RV(account_id) it returns, and give that as O(account_id)
        from then on. With V(false), such a task is refused before any write.
    type: bool
    default: false
'''
