# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""MailUp's field names, spelled here and nowhere else.

RetailerService answers are read into small records that the planners and modules use
by attribute; what the modules return in MailUp's own shape (an account status, a pack
with its limits) is rendered here too, and so are the bodies, queries and headers MailUp
expects. If MailUp renamed a field, this file is the one to change.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

from urllib.parse import unquote_plus

from ansible_collections.channel.partner.plugins.module_utils._values import ShapeError, as_bool, identifier, number, record, records, text_of

ACCOUNT_ENABLED = 0
ACCOUNT_DISABLED = 1
STATE_DESCRIPTIONS = {ACCOUNT_ENABLED: 'Enabled', ACCOUNT_DISABLED: 'Disabled'}
# The state and profile of an account that does not exist, as diffs and plans show it.
ABSENT = {'state': 'absent', 'profile_id': None}

EXTERNAL_USER_ID_HEADER = 'ExternalUserId'
# Where the ExternalUserId goes: the spec reads "a header" as most plausible, the query as the other reading.
EXTERNAL_USER_ID_LOCATIONS = ('header', 'query', 'both')
# An account that does not exist, or no longer: MailUp's answer is one of these, the spec leaves which.
MISSING_ACCOUNT_STATUSES = (404, 403)

# The vendor's names of the pack write modes.
ABSOLUTE = 'absolute'
INCREMENTAL = 'incremental'


class Profile:
    """A retailer profile of ``Management/Profile``."""

    def __init__(self, item, field='profile'):
        self.vendor = record(item, field)
        self.id = identifier(item.get('Id'), field + '.Id')
        self.name = text_of(item.get('Name'), field + '.Name')
        self.description = text_of(item.get('Description'), field + '.Description')
        self.client_code = text_of(item.get('ClientCode'), field + '.ClientCode')

    def as_result(self):
        """Every field MailUp sent, the documented ones always there."""
        return dict(self.vendor, Id=self.id, Name=self.name, Description=self.description, ClientCode=self.client_code)


class ProfilePack:
    """A pack a profile allows (``Management/Profile/{id}/Pack``), with the totals it allows."""

    def __init__(self, item, field='pack'):
        self.vendor = record(item, field)
        self.id = identifier(item.get('Id'), field + '.Id')
        self.name = text_of(item.get('Name'), field + '.Name')
        self.description = text_of(item.get('Description'), field + '.Description')
        # The limits decide what may be written: a pack without them is not one the modules can check.
        self.minimum = number(item.get('Min'), field + '.Min', required=True, whole=True)
        self.maximum = number(item.get('Max'), field + '.Max', required=True, whole=True)

    def as_result(self):
        """Every field MailUp sent, the documented ones always there."""
        return dict(self.vendor, **pack_summary(self.id, self))


def pack_summary(pack_id, pack=None, quantity=None, **more):
    """A pack as the modules return it, in MailUp's spelling: its id and, when the profile's packs were read,
    its name and limits (else None); ``quantity`` as the account's total; ``more`` as the collection's own keys."""
    summary = {'Id': pack_id, 'Name': None, 'Min': None, 'Max': None}
    if pack is not None:
        summary.update(Name=pack.name, Min=pack.minimum, Max=pack.maximum)
    if quantity is not None:
        summary['Quantity'] = quantity
    summary.update(more)
    return summary


class AccountStatus:
    """One answer of ``Account/{id}/Status``: the state, profile and packs the modules manage.

    The vendor's record is kept whole, so that the modules return it as MailUp sent it
    and a prediction changes only the fields it predicts.
    """

    def __init__(self, vendor):
        # Checked whole on arrival, so that every reading below is of a known shape.
        self.vendor = record(vendor, 'the account status')
        identifier(vendor.get('IdAccount'), 'IdAccount', required=False)
        number(vendor.get('Code'), 'Code', whole=True)
        identifier(vendor.get('IdProfile'), 'IdProfile', required=False)
        for position, pack in enumerate(records(vendor.get('ActivePacks'), 'ActivePacks', empty_when_null=True)):
            identifier(pack.get('Id'), 'ActivePacks[%d].Id' % position)
            number(pack.get('Quantity'), 'ActivePacks[%d].Quantity' % position, whole=True)

    @property
    def account_id(self):
        return identifier(self.vendor.get('IdAccount'), 'IdAccount', required=False)

    @property
    def state(self):
        # Only Code is reliable: the vendor's Description vocabulary differs between resources.
        code = number(self.vendor.get('Code'), 'Code', whole=True)
        return 'enabled' if code == ACCOUNT_ENABLED else 'disabled'

    @property
    def profile_id(self):
        return identifier(self.vendor.get('IdProfile'), 'IdProfile', required=False)

    def _packs(self):
        return self.vendor.get('ActivePacks') or []

    def _held(self, pack_id):
        for pack in self._packs():
            if str(identifier(pack.get('Id'), 'Id')) == str(pack_id):
                return pack
        return None

    def lists(self, pack_id):
        """Whether the account lists the pack in its ActivePacks."""
        return self._held(pack_id) is not None

    def quantity(self, pack_id):
        """The requested total of a pack on the account; a pack not listed counts as 0.

        ``Quantity`` (what was asked for) is used rather than ``CurrentQuantity``
        (what has propagated so far): comparing with the latter would re-send a
        change that is merely still propagating.
        """
        pack = self._held(pack_id)
        return 0 if pack is None else (number(pack.get('Quantity'), 'Quantity', whole=True) or 0)

    def summary(self):
        """The managed fields of the account, as diffs and plans show them."""
        return {'state': self.state, 'profile_id': self.profile_id}

    def held(self):
        """(pack id, requested total) of every pack the account lists, in its order."""
        return [(identifier(pack.get('Id'), 'Id'), number(pack.get('Quantity'), 'Quantity', whole=True) or 0) for pack in self._packs()]

    def reshaped(self, profile_id, offered):
        """The status as MailUp leaves it after a change to ``profile_id``, whose packs are ``offered`` (ids, in the
        profile's order): a pack it offers keeps the account's entry (a new one at 0), the packs it does not offer are gone."""
        vendor = copy.deepcopy(self.vendor)
        held = dict((str(pack.get('Id')), pack) for pack in vendor.get('ActivePacks') or [])
        vendor['ActivePacks'] = [held.get(str(pack_id), {'CurrentQuantity': 0, 'Id': pack_id, 'Quantity': 0}) for pack_id in offered]
        vendor['IdProfile'] = profile_id
        return AccountStatus(vendor)

    def predicted(self, state=None, profile_id=None, totals=(), answer=None):
        """The status once the account has ``state``, ``profile_id`` and each (pack id, total) of ``totals``;
        ``answer`` (of an enable or disable) brings the validity dates MailUp answered with."""
        vendor = copy.deepcopy(self.vendor)
        if state is not None:
            code = ACCOUNT_ENABLED if state == 'enabled' else ACCOUNT_DISABLED
            if vendor.get('Code') != code:
                vendor['Code'] = code
                vendor['Description'] = STATE_DESCRIPTIONS[code]
        if profile_id is not None:
            vendor['IdProfile'] = profile_id
        for pack_id, quantity in totals:
            packs = vendor.setdefault('ActivePacks', [])
            held = [pack for pack in packs if str(pack.get('Id')) == str(pack_id)]
            if not held:
                held = [{'Id': int(pack_id)}]
                packs.append(held[0])
            held[0]['Quantity'] = quantity
            held[0]['CurrentQuantity'] = quantity
        if answer is not None:
            vendor.update(answer.validity)
        return AccountStatus(vendor)

    def as_result(self):
        return copy.deepcopy(self.vendor)


def summary_of(status):
    """The managed fields of an account status, or of an account that does not exist (None)."""
    return dict(ABSENT) if status is None else status.summary()


class EnableAnswer:
    """MailUp's answer to an enable or disable: ``Code`` 0 Active / 1 Deactivated, and the validity dates."""

    def __init__(self, vendor):
        record(vendor, 'the answer')
        self.enabled = number(vendor.get('Code'), 'Code', required=True, whole=True) == ACCOUNT_ENABLED
        self.validity = dict((key, vendor[key]) for key in ('ValidFrom', 'ValidTo') if key in vendor)


class BusinessResult:
    """A ``{Code, Description}`` answer (a pack write); Code 0 is success."""

    def __init__(self, vendor):
        record(vendor, 'the answer')
        self.code = number(vendor.get('Code'), 'Code', required=True, whole=True)
        self.description = text_of(vendor.get('Description'), 'Description')


def business_result(code, description, **more):
    """A business result in MailUp's shape, as the modules return a refused one (with ``more`` of their own keys)."""
    return dict(more, Code=code, Description=description)


def enable_query(enabled):
    return {'Enable': 'true' if enabled else 'false'}


def pack_write_body(quantity, work_mode):
    return {'Quantity': quantity, 'WorkMode': work_mode}


# The fields of a new account, by the collection's option names. MailUp's create body is not documented: these are the
# names of its public TrialActivation API, which the spec reads as the most plausible.
NEW_ACCOUNT_FIELDS = (('email', 'Email'), ('company', 'Company'), ('contact_name', 'NameAndSurname'),
                      ('phone', 'PhoneNumber'), ('language', 'Language'))

# The Code of an activation status: 1 running, 0 done; 2 failed with no account made.
ACTIVATION_DONE, ACTIVATION_RUNNING, ACTIVATION_FAILED = 0, 1, 2


def account_create_body(profile_id, fields):
    body = {'IdProfile': profile_id}
    body.update((vendor, fields[name]) for name, vendor in NEW_ACCOUNT_FIELDS if fields.get(name) is not None)
    return body


def activation_id_of(body):
    """The activation id a create answers: ``{"IdActivation": n}``, or a bare ``n`` (the spec leaves which)."""
    return identifier(body.get('IdActivation') if isinstance(body, dict) else body, 'IdActivation')


class ActivationStatus:
    """An answer of ``Account/Activation/{id}/Status``: ``Code`` 1 Processing (``IdAccount`` 0), 0 Ok with the account id."""

    def __init__(self, vendor):
        record(vendor, 'the activation status')
        self.code = number(vendor.get('Code'), 'Code', required=True, whole=True)
        self.description = text_of(vendor.get('Description'), 'Description')
        self.account_id = identifier(vendor.get('IdAccount'), 'IdAccount', required=self.code == ACTIVATION_DONE)
        if self.code == ACTIVATION_DONE and not self.account_id:
            raise ShapeError('IdAccount should be the new account id with Code 0, not %r' % vendor.get('IdAccount'))


def listed_account_id(item, field):
    """The id of an account in the list of the accounts of an ExternalUserId."""
    return identifier(record(item, field).get('IdAccount'), field + '.IdAccount')


def page_query(page_size, page_number):
    # Both spellings: the RetailerService page writes PageSize, MailUp's general paging page pageSize; a server
    # ignores the one it does not know, as it does any unknown parameter.
    return {'PageSize': page_size, 'PageNumber': page_number, 'pageSize': page_size, 'pageNumber': page_number}


def is_token_refusal(status, description):
    """Whether an error answer refuses the access token: 401, or a 400 whose description is about the token (MailUp's
    newer status list answers an invalid or malformed token with 400)."""
    return status == 401 or (status == 400 and 'token' in str(description or '').lower())


def page_of(body):
    """``(items, total, paginated)`` of a list answer: a paginated envelope, or a bare list (all items)."""
    if isinstance(body, list):
        return records(body, 'the list'), len(body), False
    record(body, 'the list answer')
    total = number(body.get('TotalElementsCount'), 'TotalElementsCount', whole=True)
    if total is not None and total < 0:
        raise ShapeError('TotalElementsCount should not be negative, not %d' % total)
    return records(body.get('Items'), 'Items', empty_when_null=True), total, as_bool(body.get('IsPaginated', True))


def error_of(body):
    """``(code, message)`` of MailUp's error object, a business result, or an OAuth2 error; ``(None, None)`` otherwise."""
    if not isinstance(body, dict):
        return None, None
    if 'ErrorCode' in body or 'ErrorDescription' in body:
        return body.get('ErrorCode'), body.get('ErrorDescription') or body.get('ErrorName')
    if 'Code' in body or 'Description' in body:
        return body.get('Code'), body.get('Description')
    if isinstance(body.get('error'), str):
        return body['error'], body.get('error_description')
    return None, body.get('message') or body.get('Message')


def token_form(grant, **fields):
    """The form of an OAuth2 token request (RFC 6749): ``grant`` is password or refresh_token."""
    return dict(fields, grant_type=grant)


def tokens_of(body):
    """``(access token, refresh token)`` of a token answer; the access token is None when it has none that is text."""
    if not isinstance(body, dict):
        return None, None
    token, refresh_token = body.get('access_token'), body.get('refresh_token')
    return (token if isinstance(token, str) and token else None), (refresh_token if isinstance(refresh_token, str) and refresh_token else None)


# The query parameter of a console login URL that holds its one-time code.
LOGIN_CODE_PARAMETER = 'Code'


class Login:
    """A login of a customer account (``Account/{id}/Login``): its id and user name."""

    def __init__(self, item, field='login'):
        record(item, field)
        self.id = identifier(item.get('Id'), field + '.Id')
        if self.id <= 0:
            raise ShapeError('%s.Id should be a positive whole number, not %d' % (field, self.id))
        self.username = item.get('Username')
        if not isinstance(self.username, str):
            raise ShapeError('%s.Username should be text, not %s' % (field, 'null' if self.username is None else type(self.username).__name__))

    def as_result(self):
        return {'id': self.id, 'username': self.username}


def login_url_of(body):
    """The console login URL of ``Account/{id}/Login/{id_Login}``: a JSON string that is not empty.

    The answer is a credential: what is wrong with it is said by its type alone, never by what it holds.
    """
    if isinstance(body, str):
        if body.strip():
            return body.strip()
        raise ShapeError('the login URL should be a non-empty string, not an empty one')
    kinds = {dict: 'an object', list: 'a list', bool: 'a boolean', type(None): 'null'}
    raise ShapeError('the login URL should be a non-empty string, not %s' % kinds.get(type(body), 'a number'))


def login_url_secrets(url):
    """The parts of a login URL that must be masked wherever they could show: the URL, its query and its one-time code
    (as sent and decoded)."""
    found = [url]
    query = url.partition('?')[2].partition('#')[0]
    if query:
        found.append(query)
    for pair in query.split('&'):
        name, _sep, value = pair.partition('=')
        if value and unquote_plus(name).lower() == LOGIN_CODE_PARAMETER.lower():
            found.extend((value, unquote_plus(value)))
    return found
