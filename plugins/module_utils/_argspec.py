# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options shared by the modules of each API; the doc fragments describe the same options."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.module_utils.basic import env_fallback

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
    )
    spec.update(_transport_options())
    return spec
