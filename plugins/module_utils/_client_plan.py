# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the client module has to write to take a My-Engine client from what it is to what is wanted.

No HTTP here. A client's managed fields are ``state`` (present or absent), the fields the task gives
(``email``, ``username``, ...) and ``enabled`` when the task gives it; only those are compared, so a
field the task leaves out is never changed.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Write, advice_after_a_create
from ansible_collections.channel.partner.plugins.module_utils._partner_model import CLIENT_FIELDS, CLIENT_KEY, is_anonymised

# (to do, done) of each write, with the client's name in the task (its id, or its external_userid when it has no id yet).
WORDS = {
    'create': ('create the client %(name)s', 'created the client %(name)s'),
    'edit': ('change %(fields)s of the client %(name)s', 'changed %(fields)s of the client %(name)s'),
    'enable': ('enable the client %(name)s', 'enabled the client %(name)s'),
    'disable': ('disable the client %(name)s', 'disabled the client %(name)s'),
    'delete': ('delete the client %(name)s', 'deleted (anonymised) the client %(name)s'),
}


def several_clients(found, external_userid):
    """The words for a key that finds more than one client (``%(ids)s`` stands for their ids)."""
    return '%d clients have external_userid %s (ids %%(ids)s)' % (len(found), external_userid)


def managed(client, wanted_fields, enabled):
    """What the task manages of ``client`` (None: no such client): its state, the fields given, and whether it is enabled
    when the task says."""
    if client is None or is_anonymised(client):
        return {'state': 'absent'}
    fields = {'state': 'present'}
    fields.update((name, client.get(name)) for name in wanted_fields if name not in ('state', 'enabled'))
    if enabled is not None:
        fields['enabled'] = client['enabled']
    return fields


def wanted(state, wanted_fields, enabled):
    if state == 'absent':
        return {'state': 'absent'}
    fields = dict(wanted_fields, state='present')
    if enabled is not None:
        fields['enabled'] = enabled
    return fields


def planned_writes(before, after):
    if after['state'] == 'absent':
        return ['delete'] if before['state'] == 'present' else []
    if before['state'] == 'absent':
        # A new client is enabled (KB 392 creates it active): only a wanted disabled client needs a second write.
        return ['create'] + (['disable'] if after.get('enabled') is False else [])
    writes = []
    if any(before.get(name) != after[name] for name in after if name not in ('state', 'enabled')):
        writes.append('edit')
    if 'enabled' in after and before.get('enabled') != after['enabled']:
        writes.append('enable' if after['enabled'] else 'disable')
    return writes


def expected(write, before, after):
    """What the client shows once ``write`` is applied, in the fields that write sets."""
    if write in ('enable', 'disable'):
        return {'enabled': write == 'enable'}
    if write == 'edit':
        return dict((name, value) for name, value in after.items() if name not in ('state', 'enabled') and before.get(name) != value)
    if write == 'create':
        return dict((name, value) for name, value in after.items() if name != 'enabled')
    return {'state': 'absent'}


def client_changes(client, params):
    """The ChangeSet of one client task: ``client`` is what the vendor shows (None: none found)."""
    given = dict((name, params[name]) for name in (CLIENT_KEY,) + CLIENT_FIELDS if params.get(name) is not None)
    if params.get('client_id') is None:
        # The key finds the client; it is not a field to change.
        given.pop(CLIENT_KEY, None)
    before = managed(client, given, params['enabled'])
    after = wanted(params['state'], given, params['enabled'])
    present = client is not None and not is_anonymised(client)
    name = client['id'] if present else (params.get('client_id') or '%s=%s' % (CLIENT_KEY, params.get(CLIENT_KEY)))
    writes = []
    for write in planned_writes(before, after):
        words = {'name': name, 'fields': ', '.join(sorted(expected(write, before, after)))}
        writes.append(Write(write, WORDS[write][0] % words, WORDS[write][1] % words, expects=expected(write, before, after)))
    identity = {'client_id': client['id']} if present else {}
    item = Item('client/%s' % name, before, after, 'delete' if after['state'] == 'absent' else ('create' if not present else 'update'),
                writes=writes, identity=identity)
    return ChangeSet([item], single=True)


def predicted(client, changes):
    """The client as the writes of ``changes`` will leave it (check mode): ``client`` as read, with the wanted fields."""
    item = changes.items[0]
    if item.wanted['state'] == 'absent':
        return None
    shown = dict(client or {})
    shown.update((name, value) for name, value in item.wanted.items() if name != 'state')
    return shown


# How to finish a client task that failed without making a second client.
finish_advice = advice_after_a_create('client', 'channel.partner.client_info with its external_userid',
                                      'the lost create may still arrive and a rerun would then make a second client')
