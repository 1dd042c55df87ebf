# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What retailer_account has to write to take an account from one state to another.

Pure functions, no HTTP: the order of the writes, what the account status will
read after them (the check-mode prediction) and how each write is described in
a failure message.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

from ansible_collections.channel.partner.plugins.module_utils._retailer_resolve import ACCOUNT_DISABLED, ACCOUNT_ENABLED

STATUS_DESCRIPTIONS = {ACCOUNT_ENABLED: 'Enabled', ACCOUNT_DISABLED: 'Disabled'}


def planned_writes(before, after):
    """The writes that take ``before`` to ``after``, in the documented order."""
    if after['state'] == 'absent':
        return ['delete'] if before['state'] != 'absent' else []
    writes = []
    if before['state'] == 'disabled' and after['state'] == 'enabled':
        writes.append('enable')
    if after['profile_id'] != before['profile_id']:
        writes.append('profile')
    if before['state'] == 'enabled' and after['state'] == 'disabled':
        writes.append('disable')
    return writes


def predicted_status(status, after):
    """What Account/{id}/Status will say once the writes are applied: the check-mode prediction, and the result of an enable or disable."""
    if after['state'] == 'absent':
        return {}
    predicted = copy.deepcopy(status)
    code = ACCOUNT_ENABLED if after['state'] == 'enabled' else ACCOUNT_DISABLED
    if predicted.get('Code') != code:
        predicted['Code'] = code
        predicted['Description'] = STATUS_DESCRIPTIONS[code]
    predicted['IdProfile'] = after['profile_id']
    return predicted


def describe_write(write, account_id, after):
    return {
        'enable': 'enabled the account %s' % account_id,
        'disable': 'disabled the account %s' % account_id,
        'profile': 'changed the profile of the account %s to %s' % (account_id, after['profile_id']),
        'delete': 'deleted the account %s' % account_id,
    }[write]
