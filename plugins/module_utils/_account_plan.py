# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What retailer_account has to write to take an account from one state to another.

No HTTP here: the order of the writes, their words, and what the account status will
read after them (the check-mode prediction, and the result of an enable or disable).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Write

# (to do, done) of each write, with the account id and the wanted profile id.
WORDS = {
    'enable': ('enable the account %(account)s', 'enabled the account %(account)s'),
    'disable': ('disable the account %(account)s', 'disabled the account %(account)s'),
    'profile': ('change the profile of the account %(account)s to %(profile)s', 'changed the profile of the account %(account)s to %(profile)s'),
    'delete': ('delete the account %(account)s', 'deleted the account %(account)s'),
}


def planned_writes(before, after):
    """The writes that take ``before`` to ``after``, in the documented order.

    The account is enabled first and disabled last, so that a profile change happens on an active account.
    """
    if after['state'] == 'absent':
        return ['delete'] if before['state'] != 'absent' else []
    writes = []
    if before['state'] == 'disabled' and after['state'] == 'enabled':
        writes.append('enable')
    if after.get('profile_id') != before['profile_id']:
        writes.append('profile')
    if before['state'] == 'enabled' and after['state'] == 'disabled':
        writes.append('disable')
    return writes


def expected(write, after):
    """What the account shows once ``write`` is applied, in the fields that write sets."""
    if write == 'profile':
        return {'profile_id': after.get('profile_id')}
    if write == 'delete':
        return dict(after)
    return {'state': 'enabled' if write == 'enable' else 'disabled'}


def account_changes(account_id, before, after):
    """The change set of one account (``after`` holds ``profile`` as asked until the profile is resolved)."""
    words = {'account': account_id, 'profile': after.get('profile_id')}
    writes = [Write(name, WORDS[name][0] % words, WORDS[name][1] % words, expects=expected(name, after))
              for name in planned_writes(before, after)]
    action = 'delete' if after['state'] == 'absent' else 'update'
    return ChangeSet([Item('retailer_account/%s' % account_id, before, after, action, writes=writes)], single=True)


def predicted(status, after, answer=None):
    """The account status once the writes are applied (an empty one for a deleted account)."""
    if after['state'] == 'absent' or status is None:
        return {}
    return status.predicted(state=after['state'], profile_id=after['profile_id'], answer=answer).as_result()
