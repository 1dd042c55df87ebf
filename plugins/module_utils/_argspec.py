# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options shared by the modules of each API; the doc fragments describe the same options."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.channel.partner.plugins.module_utils._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ApiError,
    missing_requests_message,
)

PARTNER_DEFAULT_URL = 'https://sandbox.my-engine.com/api-v1'
RETAILER_DEFAULT_URL = 'https://services.mailup.com'


def _transport_options():
    return dict(
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30),
        allow_plain_http=dict(type='bool', default=False),
    )


def partner_argument_spec():
    """A fresh argument spec of the Partner API connection; modules add their own options to it."""
    spec = dict(
        api_url=dict(type='str', default=PARTNER_DEFAULT_URL, fallback=(env_fallback, ['MYENGINE_API_URL'])),
        partner_id=dict(type='str', required=True, fallback=(env_fallback, ['MYENGINE_PARTNER_ID'])),
        api_key=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MYENGINE_API_KEY'])),
    )
    spec.update(_transport_options())
    return spec


def retailer_argument_spec():
    """A fresh argument spec of the Retailer API connection; modules add their own options to it."""
    spec = dict(
        api_url=dict(type='str', default=RETAILER_DEFAULT_URL, fallback=(env_fallback, ['MAILUP_API_URL'])),
        client_id=dict(type='str', required=True, fallback=(env_fallback, ['MAILUP_CLIENT_ID'])),
        client_secret=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MAILUP_CLIENT_SECRET'])),
        username=dict(type='str', required=True, fallback=(env_fallback, ['MAILUP_USERNAME'])),
        password=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MAILUP_PASSWORD'])),
        # Requests per second the client allows itself (0: no pacing); MailUp's own limit is 5.
        rate_limit=dict(type='float', default=5),
    )
    spec.update(_transport_options())
    return spec


# Options that must carry a value: an empty one would only earn a 401 or a confusing error from the vendor.
PARTNER_REQUIRED_TEXT = ('api_url', 'partner_id', 'api_key')
RETAILER_REQUIRED_TEXT = ('api_url', 'client_id', 'client_secret', 'username', 'password')


def connection_problem(params, required_text):
    """The first thing wrong with the connection options, as a message naming the option, or None.

    Checked before the first request, so that a typo in a vault variable or an empty
    environment variable fails clearly instead of reaching the API.
    """
    for name in required_text:
        value = params.get(name)
        if value is None or not str(value).strip():
            return '%s must not be empty; nothing was sent' % name
    if params.get('ca_path') is not None and not str(params['ca_path']).strip():
        return 'ca_path must name a CA bundle file or be omitted, not an empty string; nothing was sent'
    timeout = params.get('timeout')
    if timeout is not None and timeout <= 0:
        return 'timeout must be a number of seconds greater than 0, not %s; nothing was sent' % timeout
    return None


def api_from_module(module, required_text, build):
    """``build(params, transport)`` once the library and the connection options are known to be usable.

    ``transport`` holds the keyword arguments every API class passes to its HTTP client.
    A missing library, an empty option or a refused URL fails the module before any request.
    """
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_requests_message(), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    problem = connection_problem(params, required_text)
    if problem:
        module.fail_json(msg=problem)
    transport = dict(timeout=params.get('timeout', 30), validate_certs=params.get('validate_certs', True),
                     ca_path=params.get('ca_path'), allow_plain_http=params.get('allow_plain_http', False))
    try:
        return build(params, transport)
    except ApiError as error:
        module.fail_json(msg=str(error), error=error.to_dict())


def retailer_account_argument_spec():
    """The Retailer API connection plus the two options that name a customer account."""
    spec = retailer_argument_spec()
    spec.update(
        account_id=dict(type='int', required=True),
        external_user_id=dict(type='str', required=True),
    )
    return spec


def account_identity_problem(params):
    """Why account_id/external_user_id cannot name an account, or None; checked before any request."""
    # MailUp answers 400 "Invalid ExternalUserId." to every account request without one.
    if not (params.get('external_user_id') or '').strip():
        return 'external_user_id must not be empty: MailUp requires the ExternalUserId header on every account request'
    if params['account_id'] <= 0:
        return 'account_id must be a positive integer, not %s' % params['account_id']
    return None


def live_service_selector_problem(params):
    """Why live_service_id, client_id or whmcs_service_id cannot select live services, or None; checked before any request."""
    for option in ('live_service_id', 'client_id'):
        if params[option] is not None and params[option] <= 0:
            return '%s must be a positive integer, not %s; nothing was sent.' % (option, params[option])
    if params['whmcs_service_id'] is not None and not params['whmcs_service_id'].strip():
        return 'whmcs_service_id must not be empty; nothing was sent.'
    return None
