# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The API-specific connection options of the Prolateral My-Engine Partner API, as in partner_argument_spec().
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the My-Engine Partner API, including the C(/api-v1) path.
      - The production API is at V(https://portal.my-engine.com/api-v1).
      - If not set, the value of the E(MYENGINE_API_URL) environment variable is used, and then the sandbox URL.
      - A URL with credentials in it (V(https://user:password@host)) is refused before any request; give them in their own options.
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
'''
