# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The connection options of the Prolateral My-Engine Partner API, as in partner_argument_spec().
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the My-Engine Partner API, including the C(/api-v1) path.
      - The production API is at V(https://portal.my-engine.com/api-v1).
      - If not set, the value of the E(MYENGINE_API_URL) environment variable is used, and then the sandbox URL.
    type: str
    default: https://sandbox.my-engine.com/api-v1
  partner_id:
    description:
      - The Partner ID, the user name of the HTTP Basic authentication.
      - If not set, the value of the E(MYENGINE_PARTNER_ID) environment variable is used.
    type: str
    required: true
  api_key:
    description:
      - The Partner API key, the password of the HTTP Basic authentication.
      - If not set, the value of the E(MYENGINE_API_KEY) environment variable is used.
      - It never appears in the output or in error messages.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API.
      - Set to V(false) only against a test server with a self-signed certificate.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the API's certificate with, instead of the system's bundle.
      - Ignored when O(validate_certs=false).
    type: path
  timeout:
    description:
      - How long, in seconds, to wait for each HTTP request to connect and to answer.
      - Retries and their waits come on top of this, up to a bounded total.
    type: float
    default: 30
  allow_plain_http:
    description:
      - Allow an V(http://) O(api_url) on a host that is not loopback.
      - Plain HTTP sends the API key unencrypted, so it is refused unless this is V(true).
        Loopback hosts (V(localhost), V(127.0.0.0/8), V(::1)) are always allowed.
    type: bool
    default: false
requirements:
  - requests
'''
