# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The contract check of the MailUp Retailer API: which variant of each open behaviour an account shows.

As in ``_contract`` (the Partner API's), each probe reads raw answers through the RetailerApi's own client and
token, and reports what it saw; only the round trip writes, and only when asked for.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._contract import finding
from ansible_collections.channel.partner.plugins.module_utils import _retailer_model as model
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import SERVICE_PATH

# An account id no retailer has: its answer shows how MailUp says "no such account".
NO_SUCH_ACCOUNT = 2147483646
PROFILES = '/Management/Profile'
# A token no server has issued: the answer shows how an invalid token is refused.
INVALID_TOKEN = 'channel-partner-contract-check-invalid-token'


def _get(api, path, params=None, headers=None, token=True):
    """(status, parsed body) of a GET below RetailerService with the run's token, renewed once if it is refused (or
    with ``headers`` as given)."""
    for attempt in (1, 2):
        sent = dict(headers or {})
        if token:
            api.ensure_token()
            sent['Authorization'] = 'Bearer %s' % api.access_token
        response = api.client.request('GET', SERVICE_PATH + path, params=params, headers=sent, expected=(200, 400, 401, 403, 404, 405))
        body = response.json()
        if not token or attempt == 2 or not model.is_token_refusal(response.status, model.error_of(body)[1]):
            return response.status, body
        api.renew_token()
    raise AssertionError('unreachable')


def _items(body):
    if isinstance(body, dict) and isinstance(body.get('Items'), list):
        return body['Items']
    return body if isinstance(body, list) else []


def token_finding(api):
    api.ensure_token()
    fields = api.observed.get('token_fields', [])
    return finding('token_answer', 'access_token, refresh_token, expires_in', ', '.join(fields) or 'nothing', 'access_token' in fields,
                   None if 'refresh_token' in fields else 'no refresh token: an expired token is replaced by a new password grant')


def paging_findings(api):
    _status, whole = _get(api, PROFILES)
    listed = _items(whole)
    unasked = 'the whole list' if not (isinstance(whole, dict) and whole.get('IsPaginated')) else 'the first page only'
    found = [finding('paging_without_parameters', 'the whole list', unasked, True)]
    if len(listed) < 2 and unasked == 'the whole list':
        found.append(finding('paging_parameters', 'PageSize and PageNumber', 'not determined (fewer than two profiles)', None))
        return found
    honoured = []
    for spelling in (('PageSize', 'PageNumber'), ('pageSize', 'pageNumber')):
        _status, body = _get(api, PROFILES, params={spelling[0]: 1, spelling[1]: 0})
        if len(_items(body)) == 1:
            honoured.append(spelling[0])
    variant = ' and '.join(honoured) if honoured else 'neither (the list comes whole)'
    found.append(finding('paging_parameters', 'PageSize and PageNumber', variant, True,
                         'both spellings are sent with every page request' if honoured != ['PageSize'] else None))
    return found


def invalid_token_finding(api):
    status, body = _get(api, PROFILES, headers={'Authorization': 'Bearer %s' % INVALID_TOKEN}, token=False)
    description = (model.error_of(body) or (None, None))[1]
    handled = model.is_token_refusal(status, description)
    return finding('invalid_token', '401', '%s %s' % (status, description or ''), handled,
                   None if handled else 'an expired token would not be renewed: report it')


def external_user_id_findings(api, account_id, external_user_id):
    if account_id is None or external_user_id is None:
        return [finding('external_user_id', 'a header', 'not checked (give account_id and external_user_id)', None),
                finding('missing_account', '404 or 403', 'not checked (give external_user_id)', None)]
    path = '/Account/%s/Status' % account_id
    header_status, body = _get(api, path, headers={model.EXTERNAL_USER_ID_HEADER: external_user_id})
    if header_status == 200:
        location, handled, note = 'a header', True, None
        working = {'headers': {model.EXTERNAL_USER_ID_HEADER: external_user_id}}
    else:
        query_status, body = _get(api, path, params={model.EXTERNAL_USER_ID_HEADER: external_user_id})
        working = {'params': {model.EXTERNAL_USER_ID_HEADER: external_user_id}}
        if query_status == 200:
            location, handled, note = 'the query only', True, 'set external_user_id_location: query on every account task'
        else:
            location, handled, note = 'neither (%s, then %s)' % (header_status, query_status), False, 'check account_id and external_user_id'
    found = [finding('external_user_id', 'a header', location, handled, note)]
    if handled:
        found.append(_status_shape_finding(body))
    missing_status, _body = _get(api, '/Account/%d/Status' % NO_SUCH_ACCOUNT, **working)
    found.append(finding('missing_account', '404 or 403', str(missing_status), missing_status in model.MISSING_ACCOUNT_STATUSES,
                         None if missing_status in model.MISSING_ACCOUNT_STATUSES else 'state: absent cannot tell a deleted account'))
    if handled:
        found += [account_lookup_finding(api, account_id, working), login_list_finding(api, account_id, working)]
    return found


def account_lookup_finding(api, account_id, working):
    """Whether GET Account lists the accounts of an ExternalUserId, as the modules use it to find an account without its id."""
    status, body = _get(api, '/Account', **working)
    listed = [str(item.get('IdAccount')) for item in _items(body) if isinstance(item, dict)]
    if status == 200 and str(account_id) in listed:
        return finding('account_lookup', 'GET Account lists the ExternalUserId\'s accounts', 'a list, with the account', True)
    if status in (404, 405):
        return finding('account_lookup', 'GET Account lists the ExternalUserId\'s accounts', 'none (%s)' % status, True,
                       'give account_id on every account task; a create needs create_without_lookup: true for that one run')
    return finding('account_lookup', 'GET Account lists the ExternalUserId\'s accounts', '%s without the account' % status, False,
                   'give account_id on every account task, and report it')


def login_list_finding(api, account_id, working):
    """The form of the list of an account's logins (GET Account/{id}/Login): paginated, or a plain array."""
    status, body = _get(api, '/Account/%s/Login' % account_id, **working)
    if status != 200:
        return finding('login_list', 'the paginated envelope', 'answered %s' % status, False, 'retailer_account_login_info cannot list them')
    variant = 'a plain array' if isinstance(body, list) else ('the paginated envelope' if isinstance(body, dict) and 'Items' in body else
                                                              'another shape')
    return finding('login_list', 'the paginated envelope', variant, variant != 'another shape')


def _status_shape_finding(body):
    try:
        status = model.AccountStatus(body)
        variant = 'Code %s, IdProfile %s, %d ActivePacks' % (status.vendor.get('Code'), status.profile_id, len(status.held()))
        handled = True
    except ValueError as problem:
        variant, handled = 'another shape (%s)' % problem, False
    return finding('account_status', 'Code, IdProfile, ActivePacks with Id and Quantity', variant, handled)


def rate_limit_finding(api):
    seen = api.client.retry_after_seen
    if not seen:
        return finding('rate_limit_answer', '429 with Retry-After', 'no 429 met', None)
    variant = '429 with Retry-After' if all(seen) else '429 without Retry-After'
    return finding('rate_limit_answer', '429 with Retry-After', variant, True, None if all(seen) else 'backed off instead')


def retailer_findings(api, account_id=None, external_user_id=None):
    """Every read-only finding of the Retailer API."""
    found = [token_finding(api)] + paging_findings(api) + [invalid_token_finding(api)]
    found += external_user_id_findings(api, account_id, external_user_id)
    return found + [rate_limit_finding(api)]


def pack_round_trip(api, account_id, external_user_id, pack_id, writes):
    """Set the pack one step within its limits and back: what MailUp answered and what the status shows after each.
    Each write done is added to ``writes`` as it is done; returns the findings."""
    status = api.account_status(account_id, external_user_id)
    if status is None:
        raise ValueError('the account %s does not exist; nothing was written' % account_id)
    packs = dict((pack.id, pack) for pack in api.profile_packs(status.profile_id))
    if pack_id not in packs:
        raise ValueError('the profile %s of the account %s has no pack %s; nothing was written' % (status.profile_id, account_id, pack_id))
    before = status.quantity(pack_id)
    there = before + 1 if before < packs[pack_id].maximum else before - 1
    shown = []
    for total in (there, before):
        api.add_pack(account_id, external_user_id, pack_id, total)
        writes.append('set pack %s of the account %s to %s' % (pack_id, account_id, total))
        shown.append(api.account_status(account_id, external_user_id).quantity(pack_id))
    handled = shown == [there, before]
    return [finding('pack_write', 'Code 0, the total read back as Quantity', 'read back %s after setting %s, then %s after %s'
                    % (shown[0], there, shown[1], before), handled,
                    None if handled else 'Quantity does not show the total set: report it')]
