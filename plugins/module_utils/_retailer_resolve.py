# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure helpers shared by the retailer modules: no HTTP here, only the
interpretation of what RetailerApi returned (profiles, packs, account status).

Everything that goes wrong raises ResolveError, whose message is meant to be
shown to the user as it is.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


ACCOUNT_ENABLED = 0
ACCOUNT_DISABLED = 1


class ResolveError(Exception):
    """A user-supplied reference (profile, pack) does not match exactly one object."""


def _describe(items):
    return ', '.join('%s (%s)' % (item.get('Id'), item.get('Name')) for item in items) or 'none'


def resolve_profile(profiles, wanted):
    """Return the one profile whose Id or Name is ``wanted``.

    A string of digits is read as an id first, because ids are unique and names
    need not be; only when no profile has that id is it tried as a name. A name
    must match exactly (case-sensitive) one profile; when it does not match at
    all, a case-insensitive match is accepted if it is unique, so that
    ``economy`` finds ``Economy`` but never picks one of two look-alikes.
    """
    wanted = str(wanted).strip()
    if wanted.isdigit():
        by_id = [p for p in profiles if str(p.get('Id')) == str(int(wanted))]
        if by_id:
            return by_id[0]
    by_name = [p for p in profiles if p.get('Name') == wanted]
    if not by_name:
        by_name = [p for p in profiles if str(p.get('Name', '')).lower() == wanted.lower()]
    if len(by_name) == 1:
        return by_name[0]
    if not by_name:
        raise ResolveError('unknown retailer profile %r; the profiles are: %s' % (wanted, _describe(profiles)))
    raise ResolveError('ambiguous retailer profile name %r: it matches the profiles %s; give the profile id instead'
                       % (wanted, _describe(by_name)))


def resolve_pack(packs, profile_id, pack_id=None, pack_name=None):
    """Return the pack of the account's profile given by ``pack_id`` or ``pack_name``."""
    if pack_id is not None:
        found = [p for p in packs if str(p.get('Id')) == str(pack_id)]
        wanted = pack_id
    else:
        found = [p for p in packs if p.get('Name') == pack_name]
        if not found:
            found = [p for p in packs if str(p.get('Name', '')).lower() == str(pack_name).lower()]
        wanted = pack_name
    if len(found) == 1:
        return found[0]
    if not found:
        raise ResolveError('unknown pack %r in the profile %s of the account; the packs of that profile are: %s'
                           % (wanted, profile_id, _describe(packs)))
    raise ResolveError('ambiguous pack name %r in the profile %s: it matches the packs %s; give pack_id instead'
                       % (wanted, profile_id, _describe(found)))


def active_pack(status, pack_id):
    """The ActivePacks entry of ``pack_id`` in an account status, or None when it is not listed."""
    for pack in status.get('ActivePacks') or []:
        if str(pack.get('Id')) == str(pack_id):
            return pack
    return None


def pack_quantity(status, pack_id):
    """The requested total of a pack on the account; a pack not listed counts as 0.

    ``Quantity`` (what was asked for) is used rather than ``CurrentQuantity``
    (what has propagated so far): comparing with the latter would re-send a
    change that is merely still propagating.
    """
    pack = active_pack(status, pack_id)
    if pack is None:
        return 0
    return int(pack.get('Quantity') or 0)


def account_state(status):
    """'enabled', 'disabled' or 'absent' for an account status (None = the account answered 404)."""
    if status is None:
        return 'absent'
    # Only Code is reliable: the vendor's Description vocabulary differs between resources.
    return 'enabled' if int(status.get('Code', ACCOUNT_DISABLED)) == ACCOUNT_ENABLED else 'disabled'


def account_summary(status):
    """The managed fields of an account, as shown in diff and plan."""
    if status is None:
        return {'state': 'absent', 'profile_id': None}
    profile_id = status.get('IdProfile')
    return {'state': account_state(status), 'profile_id': int(profile_id) if profile_id is not None else None}
