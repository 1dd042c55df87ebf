# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which profile or pack the user means: pure lookups over the records RetailerApi returned.

A reference that does not match exactly one record raises ResolveError, a refusal whose
message is meant to be shown to the user as it is.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal


class ResolveError(Refusal):
    """A user-supplied reference (profile, pack) does not match exactly one record."""


def _describe(records):
    return ', '.join('%s (%s)' % (record.id, record.name) for record in records) or 'none'


def _by_name(records, name):
    """The records named exactly ``name``; failing that, the case-insensitive matches."""
    found = [record for record in records if record.name == name]
    return found or [record for record in records if str(record.name or '').lower() == str(name).lower()]


def resolve_profile(profiles, wanted):
    """Return the one profile whose id or name is ``wanted``.

    A string of digits is read as an id first, because ids are unique and names
    need not be; only when no profile has that id is it tried as a name. A name
    must match exactly (case-sensitive) one profile; when it does not match at
    all, a case-insensitive match is accepted if it is unique, so that
    ``economy`` finds ``Economy`` but never picks one of two look-alikes.
    """
    wanted = str(wanted).strip()
    if wanted.isdigit():
        by_id = [profile for profile in profiles if str(profile.id) == str(int(wanted))]
        if by_id:
            return by_id[0]
    found = _by_name(profiles, wanted)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ResolveError('unknown retailer profile %r; the profiles are: %s' % (wanted, _describe(profiles)))
    raise ResolveError('ambiguous retailer profile name %r: it matches the profiles %s; give the profile id instead'
                       % (wanted, _describe(found)))


def resolve_pack(packs, profile_id, pack_id=None, pack_name=None):
    """Return the pack of the account's profile given by ``pack_id`` or ``pack_name``."""
    if pack_id is not None:
        found = [pack for pack in packs if str(pack.id) == str(pack_id)]
        wanted = pack_id
    else:
        found = _by_name(packs, pack_name)
        wanted = pack_name
    if len(found) == 1:
        return found[0]
    if not found:
        raise ResolveError('unknown pack %r in the profile %s of the account; the packs of that profile are: %s'
                           % (wanted, profile_id, _describe(packs)))
    raise ResolveError('ambiguous pack name %r in the profile %s: it matches the packs %s; give pack_id instead'
                       % (wanted, profile_id, _describe(found)))
