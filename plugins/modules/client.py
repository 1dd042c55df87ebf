#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: client
short_description: Create, change, suspend, unsuspend or delete a client of a Prolateral My-Engine partner
version_added: 1.0.0
description:
  - Manages one client (a customer of the partner) through the My-Engine Partner API.
  - The client is found by O(external_userid), the partner's own id of the customer (KB 392 "use this to link the
    My-Engine Client to your Solution"), or by O(client_id). With O(external_userid) and O(state=present), a client
    that does not exist is created (C(POST /clients)); a second run finds it and creates nothing.
  - Only the fields the task gives are compared and changed (C(PATCH /clients/{id})); a field left out is never touched.
  - O(enabled) suspends or unsuspends the client (C(PATCH /clients/{id}/enabled), KB 401). Suspending a client suspends its
    services; B(unsuspending a client leaves its services suspended) (KB 401), so resume them one by one.
  - O(state=absent) deletes the client (C(DELETE /clients/{id}), KB 399). B(The vendor does not remove it). It anonymises the
    client record and disables and suspends all of its services, which it does B(not) delete. A deleted client cannot be
    undeleted; creating the customer again makes a new client with a new id.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - channel.partner.attributes
  - channel.partner.attributes.partner_group
  - channel.partner.attributes.writes
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the client and sends no write; the result says what the real run would do.
  diff_mode:
    support: full
    details:
      - The diff shows the managed fields (C(state), the fields given, C(enabled)) before and after.
  idempotent:
    support: full
options:
  external_userid:
    description:
      - Your own id of the customer; it finds the client (C(GET /clients?search=('external_userid':'...'))) and is
        sent when the client is created.
      - With O(client_id) as well, the client is found by its id and O(external_userid) is a field to set.
      - One of O(external_userid) and O(client_id) is required. A client is created only when O(external_userid) is given.
    type: str
  client_id:
    description:
      - The My-Engine id of an existing client.
    type: int
  state:
    description:
      - V(present) creates the client when it is missing and sets the fields given; V(absent) deletes (anonymises) it.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - V(false) suspends the client and, with it, its services; V(true) unsuspends the client but B(not) its services.
      - Left out, the client is neither suspended nor unsuspended.
    type: bool
  email:
    description:
      - The client's e-mail address; required to create a client.
    type: str
  username:
    description:
      - The client's login name; the vendor's example uses the e-mail address, which the emulator takes when it is left out.
    type: str
  title:
    description: The client's title, for example C(Mr).
    type: str
  firstname:
    description: The client's first name.
    type: str
  surname:
    description: The client's surname.
    type: str
notes:
  - A no-op costs one request (the client by its O(external_userid) or O(client_id)). A change adds its writes, one per kind
    (create, edit, suspend or unsuspend, delete), and one read of the client only when the vendor answers a write without
    the client's record.
  - A create whose answer is lost is B(not) sent again (a second create would be a second client); the client is looked up by
    O(external_userid), which says whether it was made.
seealso:
  - module: channel.partner.client_info
  - module: channel.partner.live_service_info
'''

EXAMPLES = r'''
- name: The customer 123456 is a client
  channel.partner.client:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    external_userid: "123456"
    email: fred@example.com
    title: Mr
    firstname: Fred
    surname: Bloggs
  register: customer

- name: Show the client id
  ansible.builtin.debug:
    msg: "{{ customer.client.id }}"

- name: Suspend a customer who does not pay (their services with them)
  channel.partner.client:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    external_userid: "123456"
    enabled: false

- name: End the customer (the vendor anonymises the client and suspends its services)
  channel.partner.client:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    client_id: 9987600
    state: absent
'''

RETURN = r'''
client:
  description:
    - The client after the run, as the vendor shows it (predicted in check mode); V(null) when it is absent.
    - C(enabled) is the vendor's C(active) as a boolean; every other field is as the vendor sent it.
  returned: success
  type: dict
  sample: {id: 9987604, external_userid: "123456", email: fred@example.com, username: fred@example.com, title: Mr,
           firstname: Fred, surname: Bloggs, active: 1, enabled: true, verified: 0}
plan:
  description:
    - A stable summary of what the task did (or would do in check mode), for reports and callback plugins.
    - On a failure, what the task tried to do, with C(outcome) and C(failed).
  returned: success, and a failure after the client was looked up
  type: dict
  contains:
    resource: {description: "C(client/<id>), or C(client/external_userid=<id>) before it exists.", type: str, returned: always,
               sample: client/9987604}
    action: {description: "V(none), V(create), V(update) or V(delete).", type: str, returned: always, sample: update}
    before: {description: "The managed fields before the run.", type: dict, returned: always, sample: {state: present, enabled: true}}
    after: {description: "The managed fields after the run.", type: dict, returned: always, sample: {state: present, enabled: false}}
  sample: {resource: client/9987600, action: update, before: {state: present, enabled: true}, after: {state: present, enabled: false}}
services_left_suspended:
  description:
    - When the run unsuspended the client, the ids of its live services that are still suspended (KB 401). Resume them
      on their own.
  returned: when the client was unsuspended (in check mode, when it would be)
  type: list
  elements: int
  sample: [1234931]
writes_done:
  description: On a failure, what each write that was applied did, in the order they were sent.
  returned: failure
  type: list
  elements: str
  sample: [created the client external_userid=123456]
writes_unknown:
  description: On a failure, the writes that may or may not have been applied (never sent again).
  returned: failure
  type: list
  elements: str
  sample: []
applied:
  description:
    - When a write failed, whether it took effect. V(false) when the vendor refused it or it never left this host;
      V(null) when nobody can tell, as the vendor may still apply it later.
  returned: failure of a write
  type: bool
  sample: false
read_back:
  description: When a write's outcome is unknown, the managed fields a read-back showed (V(null) when there is no such client).
  returned: failure, when a write's outcome is unknown and the read-back succeeded
  type: dict
  sample: {state: absent}
diff:
  description: The client id (once it exists) and the managed fields, before and after.
  returned: when diff mode is on
  type: dict
  sample: {before: {client_id: 9987600, state: present, enabled: true}, after: {client_id: 9987600, state: present, enabled: false}}
'''

from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome import only_one, only_one_read_back, read, run
from ansible_collections.channel.partner.plugins.module_utils import _client_plan as plan
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_model import CLIENT_FIELDS, CLIENT_KEY
from ansible_collections.channel.partner.plugins.module_utils._partner_options import client_argument_spec, client_problems


def find(api, params):
    """The client the task names, or None; read before any write."""
    if params['client_id'] is not None:
        return read('reading the client %s' % params['client_id'], api.client_by_id, params['client_id'])
    external_userid = params[CLIENT_KEY].strip()
    found = read('looking up the client with external_userid %s' % external_userid, api.clients, external_userid=external_userid)
    return only_one(found, plan.several_clients(found, external_userid), 'give the client_id of the one to manage')


def converge(module, api):
    params = module.params
    client = find(api, params)
    changes = plan.client_changes(client, params)
    item = changes.items[0]
    writes = [write.name for write in item.writes]
    if 'create' in writes and (params['client_id'] is not None or not params['email']):
        changes.refuse('the client %s does not exist; a client is created from external_userid and email%s. Nothing was changed.'
                       % (params['client_id'] or '%s=%s' % (CLIENT_KEY, params[CLIENT_KEY]),
                          ' (client_id finds an existing client only)' if params['client_id'] is not None else ''))
    seen = {'client': client}

    def send(_item, write):
        client_id = seen['client']['id'] if seen['client'] else None
        if write.name == 'create':
            fields = dict((name, params[name]) for name in (CLIENT_KEY,) + CLIENT_FIELDS if params[name] is not None)
            seen['client'] = api.create_client(fields)
        elif write.name == 'edit':
            answered = api.edit_client(client_id, write.expects)
            write.confirm = answered is None
            seen['client'] = answered or seen['client']
        elif write.name in ('enable', 'disable'):
            answered = api.set_client_enabled(client_id, write.name == 'enable')
            write.confirm = answered is None
            seen['client'] = answered or seen['client']
        else:
            api.delete_client(client_id)
            seen['client'] = None

    def observe(_item):
        # After a write: a failure here is a failed read-back (ApiError), which leaves the write's outcome unknown.
        if seen['client']:
            now = api.client_by_id(seen['client']['id'])
        else:
            key = params[CLIENT_KEY].strip()
            found = api.clients(external_userid=key)
            now = only_one_read_back(found, plan.several_clients(found, key))
        if now is not None:
            seen['client'] = now
        return plan.managed(now, item.wanted, params['enabled'])

    changes.apply(send, module.check_mode, observe=observe, warn=module.warn, finish=plan.finish_advice)
    result = {'client': plan.predicted(seen['client'], changes) if module.check_mode else seen['client']}
    if 'enable' in writes:
        result.update(services_left_suspended(module, api, (seen['client'] or {}).get('id')))
    return changes.result(diff=module._diff, **result)


def services_left_suspended(module, api, client_id):
    """KB 401: unsuspending a client leaves its services suspended; the result lists them. This read comes after the write, so
    its failure is a warning: the client was unsuspended all the same."""
    if not client_id:
        return {'services_left_suspended': []}
    try:
        services = api.live_services(client_id=client_id)
    except ApiError as error:
        module.warn('the client %s was unsuspended, but reading its services failed (%s): they may still be suspended (KB 401); '
                    'channel.partner.live_service_info lists them' % (client_id, error))
        return {}
    return {'services_left_suspended': [service['id'] for service in services if service['suspended']]}


def main():
    module = ansible_module(argument_spec=client_argument_spec(), supports_check_mode=True)
    run(module, client_problems, PartnerApi, converge)


if __name__ == '__main__':
    main()
