# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which base URLs the collection sends credentials to: https anywhere, plain http only to this host (or when the user
says so), never a URL with credentials in it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress

from urllib.parse import urlsplit, urlunsplit

from ansible_collections.channel.partner.plugins.module_utils._errors import InsecureUrlError, redact_url


def is_loopback_host(host):
    if not host:
        return False
    host = host.strip('[]').rstrip('.').lower()
    # Only names that are loopback by construction: the resolver may send *.localhost names to DNS.
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url, allow_plain_http=False):
    """Refuse a URL that would send credentials in clear text over a network."""
    if not base_url:
        raise InsecureUrlError(message='api_url must not be empty')
    parts = urlsplit(str(base_url).strip())
    scheme = parts.scheme.lower()
    if parts.username is not None or parts.password is not None:
        raise InsecureUrlError(message='api_url must not carry credentials (user:password@host): give them in their own options, '
                               'which are never shown; nothing was sent')
    if scheme not in ('http', 'https') or not parts.hostname:
        raise InsecureUrlError(url=base_url, message='api_url %s is not an http:// or https:// URL'
                               % redact_url(base_url))
    if scheme == 'http' and not allow_plain_http and not is_loopback_host(parts.hostname):
        raise InsecureUrlError(message='api_url %s uses plain http:// to a host that is not loopback, which would send the '
                               'credentials unencrypted; use https:// or set allow_plain_http=true' % redact_url(base_url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, '', '')).rstrip('/')
