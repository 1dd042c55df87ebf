# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The MailUp RetailerService: profiles, packs and the retailer's customer accounts, over OAuth2."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

from ansible_collections.channel.partner.plugins.module_utils._argspec import RETAILER_CONNECTION_RULES, RETAILER_REQUIRED_TEXT, api_from_module
from ansible_collections.channel.partner.plugins.module_utils._errors import joined
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError, HttpClient
from ansible_collections.channel.partner.plugins.module_utils import _retailer_model as model
from ansible_collections.channel.partner.plugins.module_utils._retailer_token import OAuthTokens
from ansible_collections.channel.partner.plugins.module_utils._retailer_wait import poll_until
from ansible_collections.channel.partner.plugins.module_utils._values import as_int

SERVICE_PATH = '/API/v1.1/Rest/RetailerService.svc'

PACK_REFUSALS = {
    1: 'quantity_limits_exceeded',
    2: 'profile_rules_error',
    3: 'invalid_quantity',
    4: 'invalid_workmode',
}

# MailUp allows 5 calls a second per token and resource; the client paces itself below that by default, each resource
# (request path) in its own window unless the rate_limit_scope is token.
DEFAULT_RATE_LIMIT = 5.0
DEFAULT_RATE_LIMIT_SCOPE = 'resource'


class PackRefused(ApiError):
    """The vendor refused a pack change with one of its business codes (HTTP 403, Code 1..4)."""

    def __init__(self, *positional, **error_fields):
        super(PackRefused, self).__init__(*positional, **error_fields)
        self.code = as_int(self.vendor_code)
        self.refusal = PACK_REFUSALS.get(self.code, 'refused')

    def to_dict(self):
        result = super(PackRefused, self).to_dict()
        result['refusal'] = self.refusal
        return result


class ProfileChangeFailed(ApiError):
    """The asynchronous profile change ended in failure (the PUT answered 500)."""

    # The end of the wait, not a passing failure of one poll.
    final = True


class ActivationFailed(ApiError):
    """MailUp answered that the account activation failed (403, Code 2): no account was made."""

    final = True


class ProfileChangeTimeout(ApiError):
    """The profile change did not finish before the deadline; it may still finish later."""


def retailer_error_parser(response):
    return model.error_of(response.json())


class RetailerApi:
    """The retailer's view of RetailerService, over one HttpClient (one Session) and one token per module run."""

    PAGE_SIZE = 50
    # Ten thousand profiles or packs at the default page size: far more than a retailer has.
    MAX_PAGES = 200
    POLL_INTERVAL = 5.0
    MAX_POLL_INTERVAL = 30.0

    def __init__(self, api_url, client_id, client_secret, username, password, timeout=30, validate_certs=True,
                 ca_path=None, allow_plain_http=False, client=None, page_size=None, poll_interval=None,
                 max_poll_interval=None, clock=None, rate_limit=DEFAULT_RATE_LIMIT, external_user_id_location='header',
                 rate_limit_scope=DEFAULT_RATE_LIMIT_SCOPE, **client_options):
        # rate_limit 0 (or None) turns the pacing off; the pacing reads the same clock as the polling.
        self.client = client or HttpClient(api_url, timeout=timeout, validate_certs=validate_certs, ca_path=ca_path,
                                           allow_plain_http=allow_plain_http, error_parser=retailer_error_parser,
                                           max_requests_per_second=rate_limit or None, clock=clock,
                                           rate_limit_scope=rate_limit_scope, **client_options)
        self._credentials = {'client_id': client_id, 'client_secret': client_secret,
                             'username': username, 'password': password}
        self.client.add_secret(client_secret)
        self.client.add_secret(password)
        self.page_size = int(page_size or self.PAGE_SIZE)
        self.poll_interval = float(poll_interval if poll_interval is not None else self.POLL_INTERVAL)
        self.max_poll_interval = float(max_poll_interval if max_poll_interval is not None else self.MAX_POLL_INTERVAL)
        self.clock = clock or time.monotonic
        self.external_user_id_location = external_user_id_location
        # Which of the variants the spec leaves open this API has shown so far (the contract check reports them).
        self.observed = {}
        self.tokens = OAuthTokens(self.client, self._credentials, self.observed)

    def __repr__(self):
        return '%s(api_url=%r, client_id=%r, username=%r)' % (
            type(self).__name__, self.client.base_url, self._credentials['client_id'], self._credentials['username'])

    @classmethod
    def from_module(cls, module, **options):
        """Build from the options of retailer_argument_spec(); fails the module on a missing library or a refused URL."""
        options.setdefault('rate_limit', module.params.get('rate_limit', DEFAULT_RATE_LIMIT))
        options.setdefault('external_user_id_location', module.params.get('external_user_id_location') or 'header')
        options.setdefault('rate_limit_scope', module.params.get('rate_limit_scope') or DEFAULT_RATE_LIMIT_SCOPE)

        def build(params, transport):
            transport.update(options)
            return cls(params['api_url'], params['client_id'], params['client_secret'], params['username'], params['password'],
                       **transport)
        return api_from_module(module, RETAILER_REQUIRED_TEXT, build, RETAILER_CONNECTION_RULES)

    @property
    def request_count(self):
        return self.client.request_count

    # The token

    @property
    def token_requests(self):
        return self.tokens.requests

    @property
    def access_token(self):
        return self.tokens.access_token

    def ensure_token(self):
        """Obtain the run's access token, unless it has one."""
        self.tokens.ensure()

    def renew_token(self):
        """Replace a refused access token: by its refresh token, or by a new password grant."""
        return self.tokens.renew()

    def _call(self, method, path, external_user_id=None, **request_options):
        """One RetailerService call with the bearer token, renewed once and the call repeated once when it is refused."""
        self.ensure_token()
        headers = {}
        if external_user_id is not None:
            if self.external_user_id_location in ('header', 'both'):
                headers[model.EXTERNAL_USER_ID_HEADER] = str(external_user_id)
            if self.external_user_id_location in ('query', 'both'):
                request_options['params'] = dict(request_options.get('params') or {}, **{model.EXTERNAL_USER_ID_HEADER: str(external_user_id)})
        for attempt in (1, 2):
            token = self.tokens.access_token
            headers['Authorization'] = 'Bearer %s' % token
            try:
                return self.client.request(method, SERVICE_PATH + path, headers=headers, **request_options)
            except ApiError as error:
                if not model.is_token_refusal(error.status, error.vendor_message) or attempt == 2:
                    raise
                self.observed['token_refusal'] = error.status
            self.tokens.renew_refused(token)
        raise AssertionError('unreachable')

    def _call_json(self, method, path, external_user_id=None, **request_options):
        response = self._call(method, path, external_user_id, **request_options)
        return self.client.json_body(method, SERVICE_PATH + path, response, request_options.get('params'))

    def _shaped(self, method, path, parse, *values):
        return self.client.shaped(method, SERVICE_PATH + path, parse, *values)

    def _all_pages(self, path, parse, external_user_id=None, observed_as=None):
        """Every item of a paginated list (each read by ``parse``), asking for the largest page so as to send the fewest
        requests. Reading stops at the total the list gives; a page that repeats the one before, or a list longer than
        MAX_PAGES pages, is an error: a server that never ends its list would otherwise be read for ever. A plain JSON
        array is the whole list; ``observed_as`` names the entry of ``observed`` that records which of the two forms came.
        """
        items, seen = [], None
        for page_number in range(self.MAX_PAGES):
            params = model.page_query(self.page_size, page_number)
            body = self._call_json('GET', path, external_user_id, params=params)
            if observed_as:
                self.observed[observed_as] = 'array' if isinstance(body, list) else 'paginated'
            page, total, paginated = self._shaped('GET', path, model.page_of, body)
            if page_number and page == seen:
                raise self._list_error(path, params, 'page %d repeats page %d (after %d items, of %s the list announces)'
                                       % (page_number, page_number - 1, len(items), total))
            seen = page
            items.extend(self._shaped('GET', path, lambda entries: [parse(entry, 'Items[%d]' % spot) for spot, entry in enumerate(entries)], page))
            if not paginated or not page or total is None or len(items) >= total:
                return items
        raise self._list_error(path, None, 'the list did not end after %d pages (%d items, of %s the list announces)'
                               % (self.MAX_PAGES, len(items), total))

    def _list_error(self, path, params, problem):
        return self.client.error('GET', self.client.display_url(self.client.url_for(SERVICE_PATH + path), params), status=200,
                                 applied=False, message='stopped reading the list: %s' % problem)

    # Management

    def profiles(self):
        return self._all_pages('/Management/Profile', model.Profile)

    def profile_packs(self, profile_id):
        return self._all_pages('/Management/Profile/%s/Pack' % profile_id, model.ProfilePack)

    # Accounts

    def account_status(self, account_id, external_user_id):
        """The account's status (an AccountStatus), or None when the account answers 404 or 403 (deleted, unknown,
        or not the retailer's: MailUp answers one of the two, and which is not documented)."""
        try:
            path = '/Account/%s/Status' % account_id
            return self._shaped('GET', path, model.AccountStatus, self._call_json('GET', path, external_user_id))
        except ApiError as error:
            if error.status in model.MISSING_ACCOUNT_STATUSES:
                self.observed['missing_account'] = error.status
                return None
            raise

    def set_account_enabled(self, account_id, external_user_id, enabled):
        """Enable or disable the account; returns MailUp's answer (an EnableAnswer)."""
        path = '/Account/%s' % account_id
        query = model.enable_query(enabled)
        answer = self.client.shaped('PUT', SERVICE_PATH + path, model.EnableAnswer, self._call_json('PUT', path, external_user_id, params=query),
                                    params=query)
        if answer.enabled != enabled:
            raise self.client.error('PUT', self.client.url_for(SERVICE_PATH + path), status=200, applied=None,
                                    message='MailUp answered that the account is %s, which contradicts the request to %s it'
                                    % ('enabled' if answer.enabled else 'disabled', 'enable' if enabled else 'disable'))
        return answer

    def delete_account(self, account_id, external_user_id):
        self._call('DELETE', '/Account/%s' % account_id, external_user_id)

    def find_accounts(self, external_user_id):
        """The ids of the accounts bound to ``external_user_id``, or None when MailUp offers no such list.

        Inferred: the RetailerService documents no list of accounts; ``GET Account`` with the ExternalUserId (the
        resource a create is posted to) is the most plausible form. A 404 or 405 to it says there is none.
        """
        try:
            found = self._all_pages('/Account', model.listed_account_id, external_user_id=external_user_id)
        except ApiError as error:
            if error.status in (404, 405):
                self.observed['account_lookup'] = 'none'
                self.observed['account_lookup_status'] = error.status
                return None
            raise
        self.observed['account_lookup'] = 'account_list'
        return found

    def create_account(self, external_user_id, profile_id, fields, timeout=300, poll_interval=None, max_poll_interval=None):
        """Create an account and wait for its activation; returns ``(activation id, account id)``.

        Inferred: ``POST Account`` answers an activation id, and ``Account/Activation/{id}/Status`` answers 201 or 202
        with Code 1 while MailUp works, 200 with Code 0 and the account id once done, 403 with Code 2 when it failed
        (no account), -1 or 3 when nobody can tell (Code 3: the account was made but not finalised). The POST is never
        sent twice; once it is answered, any failure but Code 2 leaves the account unknown: MailUp may still make it.
        """
        deadline = self.clock() + float(timeout)
        body = self._call_json('POST', '/Account', external_user_id, json=model.account_create_body(profile_id, fields))
        activation_id = self._shaped('POST', '/Account', model.activation_id_of, body)
        path = '/Account/Activation/%s/Status' % activation_id
        url = self.client.url_for(SERVICE_PATH + path)

        def status():
            try:
                activation = self._shaped('GET', path, model.ActivationStatus,
                                          self._call_json('GET', path, external_user_id, expected=(200, 201, 202)))
            except ApiError as error:
                if error.status == 403 and as_int(error.vendor_code) == model.ACTIVATION_FAILED:
                    raise error.derive(ActivationFailed, applied=False, message='MailUp answered that the activation %s of '
                                       'the account failed; no account was made' % activation_id) from None
                raise
            return activation.account_id if activation.code == model.ACTIVATION_DONE else None

        def timed_out(last_problem):
            message = ('MailUp accepted the account (activation %s) but did not finish activating it within %s seconds; it may '
                       'still do' % (activation_id, timeout)) + (' (last poll: %s)' % last_problem if last_problem else '')
            return self.client.error('GET', url, message=message, applied=None)
        try:
            return activation_id, self._wait(status, deadline, timeout, poll_interval, max_poll_interval, timed_out)
        except ApiError as error:
            if isinstance(error, ActivationFailed) or error.applied is None:
                raise
            raise error.derive(applied=None, message='%s; MailUp accepted the account (activation %s) and may still make it'
                               % (error.detail or 'the activation could not be followed', activation_id)) from None

    def change_profile(self, account_id, external_user_id, profile_id, wait=True, timeout=300, poll_interval=None,
                       max_poll_interval=None):
        """Request the profile change and, with ``wait``, re-send the same PUT until it is done.

        The vendor's only progress signal is the answer to the same PUT again, so
        polling re-sends it: 202 (or 201) running, 200 done, 500 failed. ``timeout`` bounds the whole wait,
        the requests of the polls included (see ``_wait``).
        """
        deadline = self.clock() + float(timeout)
        path = '/Account/%s/Profile/%s' % (account_id, profile_id)
        url = self.client.url_for(SERVICE_PATH + path)

        def put():
            response = self._call('PUT', path, external_user_id, expected=(200, 201, 202, 500))
            if response.status == 500:
                error = self.client.error_from_response('PUT', url, response)
                raise error.derive(ProfileChangeFailed, applied=False, message='the profile change of account %s to profile %s failed'
                                   % (account_id, profile_id))
            return 'done' if response.status == 200 else None

        try:
            # Before the job is known to exist, a failure is simply the failure of the request.
            finished = put()
        except ApiError as error:
            if error.applied is None:
                raise error.derive(message=joined(error.detail, 'MailUp may have started the profile change, which can complete later')) from None
            raise
        if finished or not wait:
            return finished or 'started'

        def timed_out(last_problem):
            message = ('the profile change of account %s to profile %s was requested but did not complete within %s '
                       'seconds; MailUp may still complete it later' % (account_id, profile_id, timeout))
            if last_problem:
                message += ' (last poll: %s)' % last_problem
            return self.client.error('PUT', url, kind=ProfileChangeTimeout, message=message, applied=None)
        return self._wait(put, deadline, timeout, poll_interval, max_poll_interval, timed_out, pause_first=True)

    def _wait(self, poll, deadline, timeout, poll_interval, max_poll_interval, timed_out, pause_first=False):
        """``poll()`` until it returns something (not None), which is returned: the wait of an asynchronous job (see
        ``poll_until``), the pauses starting at the poll interval and growing up to the longest one."""
        interval = float(poll_interval if poll_interval is not None else self.poll_interval)
        ceiling = max(interval, float(max_poll_interval if max_poll_interval is not None else self.max_poll_interval))
        return poll_until(self.client, self.clock, poll, deadline, timeout, interval, ceiling, timed_out, pause_first)

    def add_pack(self, account_id, external_user_id, pack_id, quantity, work_mode=model.ABSOLUTE):
        """Set (absolute) or change (incremental) the quantity of a pack; returns MailUp's answer (a BusinessResult).

        The POST is never sent twice unless MailUp refused it outright (see HttpClient.request): an absolute
        total held up somewhere and applied late could undo a later change, and an increment would add twice.
        """
        path = '/Account/%s/Pack/%s' % (account_id, pack_id)
        try:
            body = self._call_json('POST', path, external_user_id, json=model.pack_write_body(quantity, work_mode))
            answer = self._shaped('POST', path, model.BusinessResult, body)
        except ApiError as error:
            if error.status == 403 and as_int(error.vendor_code) in PACK_REFUSALS:
                refusal = PACK_REFUSALS[as_int(error.vendor_code)]
                raise error.derive(PackRefused, applied=False, message='MailUp refused pack %s for account %s (%s)'
                                   % (pack_id, account_id, refusal)) from None
            raise
        if answer.code != 0:
            # A success status with a refusal in the body: which of the two is true only a read-back can tell.
            raise self.client.error('POST', self.client.url_for(SERVICE_PATH + path), status=200, vendor_code=answer.code,
                                    vendor_message=answer.description, applied=None,
                                    message='MailUp answered 200 but with the business code %s, which contradicts it' % answer.code)
        return answer

    # Logins

    def account_logins(self, account_id, external_user_id):
        """The logins of the account (each a Login), every page of them; the spec leaves open whether MailUp answers its
        paginated envelope or a plain array, so either is read (``observed['login_list']`` says which came)."""
        return self._all_pages('/Account/%s/Login' % account_id, model.Login, external_user_id, observed_as='login_list')

    def login_url(self, account_id, external_user_id, login_id):
        """The one-time console login URL of a login of the account (a string).

        The URL is a credential: it and its code are secrets of the client from the moment they arrive, so that no later
        error message shows them, and an answer that cannot be read is described without its body.
        """
        path = '/Account/%s/Login/%s' % (account_id, login_id)
        # Every success comes back here, not only 200: the client would quote the body of another one in its error.
        response = self._call('GET', path, external_user_id, expected=tuple(range(200, 300)))
        if response.status != 200:
            raise self.client.error('GET', self.client.url_for(SERVICE_PATH + path), status=response.status, reason=response.reason,
                                    applied=False, message='the login URL was answered with HTTP %d instead of 200 (the body, which '
                                    'may hold a login URL, is not shown)' % response.status)
        body = self.client.json_body('GET', SERVICE_PATH + path, response, show_body=False)
        url = self._shaped('GET', path, model.login_url_of, body)
        for secret in model.login_url_secrets(url):
            self.client.add_secret(secret)
        return url
