# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # How a module reaches either API, as in _transport_options() of module_utils/_argspec.py.
    DOCUMENTATION = r'''
options:
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
      - The most seconds one HTTP request may take, from connecting to the last byte of the answer, whatever the server
        does (an answer that trickles in byte by byte ends at this deadline too). At most 86400.
      - A read that times out is sent again, up to 4 attempts in all with short waits between them; a write is not,
        since it may have been applied. Waiting for an asynchronous job (a profile change) has its own limit, which
        bounds its polls too.
      - An answer larger than 4 MiB is not read (64 MiB for the Partner API's lists of live services and of clients, which it sends
        whole); a vendor's message is cut to 500 characters in the result.
    type: float
    default: 30
  allow_plain_http:
    description:
      - Allow an V(http://) O(api_url) on a host that is not loopback.
      - Plain HTTP sends the credentials (and any access tokens) unencrypted, so it is refused unless this is V(true).
        Loopback hosts (V(localhost), V(127.0.0.0/8), V(::1)) are always allowed; other names that end in
        V(.localhost) are not, since a resolver may send them to DNS.
    type: bool
    default: false
requirements:
  - requests
'''
