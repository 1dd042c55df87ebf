# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the live_service module has to write to take live services from one state (active, suspended, absent) to another.

No HTTP here. The one rule the vendor adds: a service the system suspended (KB 405) cannot be resumed through the Partner
API, so a task that wants it active is refused before its first write, naming it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Write, advice_after_a_create
from ansible_collections.channel.partner.plugins.module_utils._partner_model import service_state, suspended_by_system

# (to do, done) of each write, with the service's name in the task.
WORDS = {
    'create': ('create the %(product)s service %(name)s on %(tariff)s', 'created the %(product)s service %(name)s on %(tariff)s'),
    'suspend': ('suspend the live service %(name)s', 'suspended the live service %(name)s'),
    'resume': ('resume the live service %(name)s', 'resumed the live service %(name)s'),
    'terminate': ('terminate the live service %(name)s', 'terminated the live service %(name)s'),
}


def planned_writes(before, after):
    if before == after:
        return []
    if after == 'absent':
        return ['terminate']
    if before == 'absent':
        # A new service is active: only a wanted suspended service needs a second write.
        return ['create'] + (['suspend'] if after == 'suspended' else [])
    return ['suspend' if after == 'suspended' else 'resume']


class ServiceChange(Item):
    """One live service: its state before the run and as wanted (``service`` is what the vendor shows; None: none)."""

    def __init__(self, name, service, state, product=None, tariff=None):
        before = {'state': service_state(service)}
        wanted = {'state': state}
        words = {'name': name, 'product': product or (service or {}).get('product'), 'tariff': tariff}
        writes = [Write(write, WORDS[write][0] % words, WORDS[write][1] % words,
                        expects={'state': 'active'} if write == 'create' else {'state': state})
                  for write in planned_writes(before['state'], state)]
        action = 'create' if before['state'] == 'absent' and state != 'absent' else ('terminate' if state == 'absent' else 'update')
        super(ServiceChange, self).__init__('live_service/%s' % name, before, wanted, action, writes=writes,
                                            identity={'live_service_id': service['id']} if service else {})
        self.service = service
        self.by_system = suspended_by_system(service)
        if self.by_system:
            self.plan_fields['suspended_by'] = 'system'


def service_changes(entries, single):
    """``entries`` are ``(name, service or None, wanted state, product, tariff)``; the ChangeSet of the task."""
    return ChangeSet([ServiceChange(*entry) for entry in entries], single=single)


def system_refusals(changes):
    """The services the task would resume that the system suspended: no write may be sent for any of them."""
    return ['%s (suspended by the system, reason %s)' % (change.resource.split('/', 1)[1], change.service.get('suspend_reason'))
            for change in changes.items if change.by_system and change.wanted['state'] == 'active']


# How to finish a live_service task that failed without making, and charging, a second service.
finish_advice = advice_after_a_create('service', 'channel.partner.live_service_info with the client_id and product',
                                      'the lost create may still arrive and a rerun would then make (and charge) a second service')
