# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OAuth2 tokens of one RetailerApi: asked for once, renewed once when MailUp refuses them.

The workers of a bulk task share one RetailerApi, so they share its tokens. One of them asks for the token (or
renews it) while the others wait; a worker whose call was refused renews only the token it sent, so that when
several calls with the same expired token come back refused, the first renews it and the others take the new one.
That matters because a refresh token is single-use: a second refresh with it would fail and cost a password grant.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading

from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError, joined
from ansible_collections.channel.partner.plugins.module_utils import _retailer_model as model

TOKEN_PATH = '/Authorization/OAuth/Token'


class OAuthTokens:
    """The access and refresh token of a run, over the run's HttpClient; ``observed`` is the API's record of variants."""

    def __init__(self, client, credentials, observed):
        self.client = client
        self._credentials = credentials
        self.observed = observed
        self.access_token = None
        self.refresh_token = None
        self._lock = threading.RLock()
        # How many tokens were asked for (the tests and the contract check count them).
        self.requests = 0

    def _grant(self, form, repeatable):
        self.requests += 1
        data = dict(form, client_id=self._credentials['client_id'], client_secret=self._credentials['client_secret'])
        try:
            # MailUp limits the calls made with a token, not the requests for one: the token endpoint is not paced.
            # A token answer that is not JSON may still hold tokens, which the client cannot mask: its body is not shown.
            _response, body = self.client.request_json('POST', TOKEN_PATH, data=data, repeatable=repeatable, paced=False, show_body=False)
        except ApiError as error:
            raise error.derive(message=joined('could not obtain an OAuth2 access token', error.detail)) from None
        token, refresh_token = model.tokens_of(body)
        # The names of the fields only: the values are secrets.
        self.observed['token_fields'] = sorted(str(name) for name in body) if isinstance(body, dict) else []
        if not token:
            raise self.client.error('POST', self.client.url_for(TOKEN_PATH), status=200,
                                    message='the token endpoint answered without an access_token')
        # Secrets of the client before any thread can send them, so that no message ever shows them.
        self.client.add_secret(token)
        self.client.add_secret(refresh_token)
        self.access_token = token
        self.refresh_token = refresh_token
        return token

    def _password_grant(self):
        # Asking for a token twice only wastes a token, so this POST may be repeated.
        return self._grant(model.token_form('password', username=self._credentials['username'],
                                            password=self._credentials['password']), repeatable=True)

    def ensure(self):
        """Obtain the run's access token, unless it has one."""
        with self._lock:
            if self.access_token is None:
                self._password_grant()

    def renew(self):
        """Replace the access token: by its refresh token, or by a new password grant."""
        with self._lock:
            if self.refresh_token:
                try:
                    # A refresh token is single-use: a lost answer makes a repeat fail, so never repeat it here.
                    return self._grant(model.token_form('refresh_token', refresh_token=self.refresh_token), repeatable=False)
                except ApiError:
                    self.refresh_token = None
            return self._password_grant()

    def renew_refused(self, refused):
        """Renew the token the vendor refused, unless another thread has already replaced it."""
        with self._lock:
            if self.access_token == refused:
                self.renew()
