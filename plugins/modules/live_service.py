#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: live_service
short_description: Create, suspend, resume or terminate live services of a Prolateral My-Engine partner
version_added: 1.0.0
description:
  - Manages the life of a live service (an outMail, Profilter, fakeMX, backupMX, masterDNS or backupDNS service) through the
    My-Engine Partner API.
  - The service is named by O(live_service_id), or by its client (O(client_id) or O(client_external_userid)) and O(product) (and
    O(whmcs_service_id) to tell several
    services of one product apart). Named that way, a missing service is created with O(tariff_service_name)
    (C(POST /outmails) for outMail, KB 407; the other products' paths by analogy), and a second run finds it.
  - O(state=suspended) suspends it and O(state=active) resumes it (C(PATCH /live_services/{id}/suspension)). A service the
    system suspended (abuse, billing, ...) B(cannot be resumed through the Partner API) (KB 405). The task is then refused before any
    write and names it; C(suspended_by) in RV(plan) says V(system).
  - O(state=absent) terminates it (C(DELETE /live_services/{id}), KB 406). This cannot be undone.
  - With O(services), many existing services are suspended, resumed or terminated in one task (the bulk form), from one read
    of the live service list.
  - This module does not regrade a service; an existing service keeps its package whatever O(tariff_service_name) says.
    Use M(channel.partner.live_service_regrade) for that, which checks the cost in credits before it writes.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - channel.partner.concurrency.partner
  - channel.partner.attributes
  - channel.partner.attributes.partner_group
  - channel.partner.attributes.writes
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the services (and, for a create, the price list) and sends no write.
  diff_mode:
    support: full
    details:
      - The diff shows the state of the service before and after; for O(services), one line per service keyed C(live_service/<id>).
  idempotent:
    support: full
options:
  live_service_id:
    description: The id of an existing live service.
    type: int
  client_id:
    description:
      - The client a service belongs to, with O(product); the partner's own id creates a service under the partner's account.
    type: int
  client_external_userid:
    description:
      - The client a service belongs to, by your own id of the customer (the client's C(external_userid)); instead of O(client_id).
      - In check mode a client that does not exist yet (one an earlier task of the play creates) is taken as having no services,
        so the preview of an onboarding shows the service it would create.
    type: str
  product:
    description: The product of the service, with O(client_id) or O(client_external_userid).
    type: str
    choices: [outmail, profilter, fakemx, backupmx, masterdns, backupdns]
  whmcs_service_id:
    description:
      - The partner's own billing id of the service ("whmcs_service_id" in the portal); finds it among the client's services of
        O(product), and is sent when the service is created.
    type: str
  tariff_service_name:
    description:
      - The package a new service is created on, a C(service_name) of the price list, for example C(Outmail1000).
      - Required only when the service does not exist yet.
    type: str
  state:
    description:
      - V(active) (the default) creates a missing service and resumes a suspended one; V(suspended) creates it if needed and
        suspends it; V(absent) terminates it.
    type: str
    choices: [active, suspended, absent]
  services:
    description:
      - The bulk form, mutually exclusive with the options that name one service.
      - Each item names an existing service by C(live_service_id) and gives its wanted C(state) (V(active), V(suspended),
        V(absent)). A service may appear once. A service that does not exist counts as V(absent).
      - Reads the live service list once, refuses the whole task before its first write when an item cannot be done (a missing
        service wanted active, a service the system suspended wanted active), then sends the writes of the changes, up to
        O(concurrency) at a time, started in list order (the writes of one service one after another).
    type: list
    elements: dict
    suboptions:
      live_service_id: {description: "The id of the live service.", type: int, required: true}
      state: {description: "The state the service must be in.", type: str, required: true, choices: [active, suspended, absent]}
notes:
  - A no-op costs one read (the service by id, or the list filtered by client, product and whmcs id; for O(services), the whole
    list). A create adds the price list, the create and one read of the new service; a suspend, a resume or a terminate adds
    its one write.
  - A create whose answer is lost is B(not) sent again (a second service would be charged again). The client's services are read
    again, which says whether it was made.
seealso:
  - module: channel.partner.live_service_info
  - module: channel.partner.live_service_regrade
  - module: channel.partner.client
'''

EXAMPLES = r'''
- name: The customer has an outMail service on Outmail1000 (created when missing)
  channel.partner.live_service:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    client_id: 9987600
    product: outmail
    whmcs_service_id: "7781"
    tariff_service_name: Outmail1000
  register: outmail

- name: Suspend the service of a customer who does not pay
  channel.partner.live_service:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    live_service_id: "{{ outmail.live_service.id }}"
    state: suspended

- name: Resume, suspend and terminate many services in one task
  channel.partner.live_service:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    services:
      - {live_service_id: 1234931, state: active}
      - {live_service_id: 1234932, state: suspended}
      - {live_service_id: 1234935, state: absent}
'''

RETURN = r'''
live_service:
  description: The service after the run as the vendor shows it (predicted in check mode); V(null) when it is absent.
  returned: success, without O(services)
  type: dict
  sample: {id: 1234940, client_id: 9987600, product: outmail, tariff_service_name: Outmail1000, suspended: false,
           whmcs_service_id: "7781", regrade_servicenames: [Outmail500, Outmail5000]}
credits_cost:
  description: When a service is created, the price of its package in the price list (what the vendor is expected to charge).
  returned: when the run creates a service (or would, in check mode)
  type: float
  sample: 10
plan:
  description:
    - A stable summary of what the task did (or would do in check mode), for reports and callback plugins.
    - C(suspended_by) is V(system) for a service the system suspended.
  returned: without O(services), on success and on a failure after the service was looked up
  type: dict
  contains:
    resource: {description: "C(live_service/<id>), or C(live_service/<client>/<product>[/<whmcs id>]) before it exists.", type: str,
               returned: always, sample: live_service/1234931}
    action: {description: "V(none), V(create), V(update) or V(terminate).", type: str, returned: always, sample: update}
    before: {description: "The state before the run.", type: dict, returned: always, sample: {state: active}}
    after: {description: "The state after the run.", type: dict, returned: always, sample: {state: suspended}}
    suspended_by: {description: "V(system) for a service the system suspended.", type: str, returned: when the system suspended it,
                   sample: system}
  sample: {resource: live_service/1234931, action: update, before: {state: active}, after: {state: suspended}}
plans:
  description: With O(services), one RV(plan) per item, in list order; on a failure with C(outcome) and C(failed).
  returned: with O(services)
  type: list
  elements: dict
  sample: [{resource: live_service/1234932, action: update, before: {state: active}, after: {state: suspended}}]
refused:
  description: The services the task would resume that the system suspended, which the Partner API cannot resume.
  returned: failure, when a service suspended by the system is wanted active
  type: list
  elements: str
  sample: ["1234939 (suspended by the system, reason system)"]
writes_done:
  description: On a failure, what each write that was applied did, in list order.
  returned: failure
  type: list
  elements: str
  sample: [suspended the live service 1234931]
writes_unknown:
  description: On a failure, the writes that may or may not have been applied (never sent again).
  returned: failure
  type: list
  elements: str
  sample: []
applied:
  description: When a write failed, whether it took effect (V(null) when nobody can tell).
  returned: failure of a write
  type: bool
  sample: false
read_back:
  description: When a write's outcome is unknown, the state a read-back showed.
  returned: failure, when a write's outcome is unknown and the read-back succeeded
  type: dict
  sample: {state: active}
diff:
  description: The state before and after; with O(services), keyed C(live_service/<id>).
  returned: when diff mode is on
  type: dict
  sample: {before: {live_service_id: 1234931, state: active}, after: {live_service_id: 1234931, state: suspended}}
'''

from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module
from ansible_collections.channel.partner.plugins.module_utils._client_plan import several_clients
from ansible_collections.channel.partner.plugins.module_utils._outcome import Refusal, only_one, only_one_read_back, read, run
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_model import service_state
from ansible_collections.channel.partner.plugins.module_utils._partner_options import (
    SERVICE_EXCLUSIVE,
    service_argument_spec,
    service_problems,
)
from ansible_collections.channel.partner.plugins.module_utils import _service_plan as plan


def services_by_key(api, params):
    return api.live_services(**dict((name, params[name]) for name in ('client_id', 'product', 'whmcs_service_id') if params[name] is not None))


def several_services(found, params):
    return 'client %s has %d %s services (%%(ids)s)' % (params['client_id'], len(found), params['product'])


def find_by_key(api, params):
    """The client's service of the product (and whmcs id), or None; read before any write."""
    found = read('looking up the %s services of client %s' % (params['product'], params['client_id']), services_by_key, api, params)
    return only_one(found, several_services(found, params), 'give whmcs_service_id or live_service_id to name one')


def client_of(api, params, check_mode):
    """The options with O(client_external_userid) resolved to a client_id (None: no such client yet, in check mode only)."""
    key = params['client_external_userid']
    if key is None:
        return params
    found = read('looking up the client with external_userid %s' % key, api.clients, external_userid=key.strip())
    only_one(found, several_clients(found, key.strip()), 'give client_id')
    if not found and not check_mode:
        raise Refusal('no client has external_userid %s: create it first (channel.partner.client); nothing was changed.' % key)
    return dict(params, client_id=found[0]['id'] if found else None)


def single_entry(api, params):
    state = params['state'] or 'active'
    if params['live_service_id'] is not None:
        service = read('reading the live service %s' % params['live_service_id'], api.live_service, params['live_service_id'])
        if service is None and state != 'absent':
            raise Refusal('the live service %s does not exist; a service is created from client_id, product and '
                          'tariff_service_name. Nothing was changed.' % params['live_service_id'])
        return (service['id'] if service else params['live_service_id'], service, state, None, None)
    # A client that does not exist yet (check mode) has no services.
    service = find_by_key(api, params) if params['client_id'] is not None else None
    client = params['client_id'] if params['client_external_userid'] is None else 'external_userid=%s' % params['client_external_userid']
    name = service['id'] if service else '/'.join(str(part) for part in (client, params['product'], params['whmcs_service_id'])
                                                  if part is not None)
    return (name, service, state, params['product'], params['tariff_service_name'])


def converge(module, api):
    single = module.params['services'] is None
    params = client_of(api, module.params, module.check_mode) if single else module.params
    if single:
        entries = [single_entry(api, params)]
    else:
        listed = dict((service['id'], service) for service in read('reading the live services', api.live_services))
        entries = [(item['live_service_id'], listed.get(item['live_service_id']), item['state'], None, None) for item in params['services']]
        missing = [str(item['live_service_id']) for item in params['services']
                   if item['live_service_id'] not in listed and item['state'] != 'absent']
        if missing:
            raise Refusal('no live service %s: the bulk form manages existing services only; nothing was changed.' % ', '.join(missing))
    changes = plan.service_changes(entries, single)
    refused = plan.system_refusals(changes)
    if refused:
        changes.refuse('the Partner API cannot resume a service the system suspended (KB 405): %s; nothing was changed.'
                       % '; '.join(refused), refused=refused)
    result = {}
    creating = [change for change in changes.items if change.before['state'] == 'absent' and change.must_change]
    if creating:
        result['credits_cost'] = price_of_new_service(changes, api, params)
    seen = dict((change.resource, change.service) for change in changes.items)

    def send(change, write):
        current = seen[change.resource]
        if write.name == 'create':
            seen[change.resource] = api.create_service(params['product'], params['client_id'], params['tariff_service_name'],
                                                       params['whmcs_service_id'])
        elif write.name == 'terminate':
            api.terminate(current['id'])
            seen[change.resource] = None
        else:
            answered = api.set_suspension(current['id'], write.name == 'suspend')
            write.confirm = answered is None
            seen[change.resource] = answered or current

    def observe(change):
        # After a write: a failure here is a failed read-back (ApiError), which leaves the write's outcome unknown.
        current = seen[change.resource]
        if current:
            now = api.live_service(current['id'])
        elif single and params['client_id']:
            found = services_by_key(api, params)
            now = only_one_read_back(found, several_services(found, params))
        else:
            now = None
        seen[change.resource] = now
        return {'state': service_state(now)}

    changes.apply(send, module.check_mode, observe=observe, warn=module.warn, finish=plan.finish_advice,
                  concurrency=module.params['concurrency'])
    if single:
        change = changes.items[0]
        shown = seen[change.resource]
        if module.check_mode and change.wanted['state'] == 'absent':
            shown = None
        elif module.check_mode:
            new = dict((name, params[name]) for name in ('client_id', 'product', 'whmcs_service_id'))
            shown = dict(shown or dict(new, tariff_service_name=params['tariff_service_name']), suspended=change.wanted['state'] == 'suspended')
        result['live_service'] = shown
    return changes.result(diff=module._diff, **result)


def price_of_new_service(changes, api, params):
    """The price of the package a new service is created on, after checking that the package is one of the product's."""
    tariff = params['tariff_service_name']
    if not tariff:
        changes.refuse('the %s service of client %s does not exist and tariff_service_name is not given, so it cannot be created; '
                       'nothing was changed.' % (params['product'], params['client_id']))
    catalogue = changes.read('reading the price list', api.service_catalogue, balance_required=False)
    package = catalogue['services'].get(tariff)
    if package is None or package['product'] != params['product']:
        offered = sorted(name for name, entry in catalogue['services'].items() if entry['product'] == params['product'])
        changes.refuse('tariff_service_name=%s is not a %s package; the price list offers %s. Nothing was changed.'
                       % (tariff, params['product'], ', '.join(offered) or 'none'))
    if catalogue['balance'] is not None and catalogue['balance'] < package['credits']:
        # The vendor would refuse it with a 405; saying so first keeps the preview and the real run alike.
        changes.refuse('insufficient partner credits: creating the %s service on %s costs %s credits, the balance is %s; nothing was '
                       'changed.' % (params['product'], tariff, package['credits'], catalogue['balance']),
                       credits_cost=package['credits'], credits_balance=catalogue['balance'])
    return package['credits']


def main():
    module = ansible_module(argument_spec=service_argument_spec(), mutually_exclusive=SERVICE_EXCLUSIVE, supports_check_mode=True)
    run(module, service_problems, PartnerApi, converge)


if __name__ == '__main__':
    main()
