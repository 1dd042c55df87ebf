# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of the Partner API modules, and every check they get before the first request."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import (
    CONCURRENCY_RULES,
    list_problems,
    partner_argument_spec,
    positive_integer,
    problems,
    repeated,
    single_form,
    text,
)
from ansible_collections.channel.partner.plugins.module_utils._partner_model import CLIENT_FIELDS, PRODUCTS, search_problem

# How the vendor may charge a regrade, which it does not document (see the cost_model option).
COST_MODELS = ['difference', 'full']

# The options that select live services, shared by live_service_info and the single form of live_service_regrade.
SELECTORS = dict(
    live_service_id=dict(type='int'),
    product=dict(type='str', choices=PRODUCTS),
    whmcs_service_id=dict(type='str'),
    client_id=dict(type='int'),
)
SELECTORS_EXCLUSIVE = [('live_service_id', 'product'), ('live_service_id', 'whmcs_service_id'), ('live_service_id', 'client_id')]
COST_MODEL = dict(type='str', default='difference', choices=COST_MODELS)
# Writes of a bulk task in flight together. The Partner API documents no rate limit: eight, about the connections one web
# browser opens to a site, bring a long list within a small multiple of the vendor's answer time and keep its load modest.
PARTNER_CONCURRENCY = 8
CONCURRENCY = dict(type='int', default=PARTNER_CONCURRENCY)

# One item of the services list of live_service_regrade; the single form takes the same options.
REGRADE_ITEM = dict(
    live_service_id=dict(type='int', required=True),
    tariff_service_name=dict(type='str', required=True),
)

RULES = {
    'live_service_id': positive_integer,
    'client_id': positive_integer,
    'whmcs_service_id': text(),
    'tariff_service_name': text('a package, for example Outmail1000'),
}


def info_argument_spec():
    spec = partner_argument_spec()
    spec.update(SELECTORS, include_costs=dict(type='bool', default=True), cost_model=COST_MODEL)
    return spec


def regrade_argument_spec():
    spec = partner_argument_spec()
    spec.update(SELECTORS)
    spec.update(single_form(REGRADE_ITEM))
    spec.update(
        services=dict(type='list', elements='dict', options=REGRADE_ITEM),
        credit_check=dict(type='bool', default=True),
        cost_model=COST_MODEL,
        concurrency=CONCURRENCY,
    )
    return spec


REGRADE_EXCLUSIVE = SELECTORS_EXCLUSIVE + [('services', option) for option in sorted(set(SELECTORS) | set(REGRADE_ITEM))]


def selector_problems(params):
    return problems(params, RULES)


def services_problems(items):
    """What is wrong with the services list of a bulk form: each item's options, and a live service listed twice."""
    return list_problems('services', items, RULES) + repeated(
        'services', [item['live_service_id'] for item in items], lambda service_id: 'live service %s' % service_id)


def regrade_problems(params):
    """Why the options of live_service_regrade cannot be sent as they are; an empty list when they can."""
    found = problems(params, CONCURRENCY_RULES)
    if found:
        return found
    if params['services'] is not None:
        return services_problems(params['services'])
    if params['tariff_service_name'] is None:
        # Ansible cannot say "required unless services is given", so the module says it.
        return ['missing required arguments: tariff_service_name (required unless services is given)']
    found = selector_problems(params)
    if not found and params['product'] and params['whmcs_service_id'] is None and params['client_id'] is None:
        # A product alone would match every service of that product.
        found.append('product=%s needs whmcs_service_id or client_id to select one live service (or give live_service_id instead)'
                     % params['product'])
    return found


# The fields of a client a task may set, by the vendor's names (see _partner_model.CLIENT_FIELDS).
CLIENT_FIELD_OPTIONS = dict((name, dict(type='str')) for name in CLIENT_FIELDS)
CLIENT_RULES = dict(((name, text()) for name in CLIENT_FIELDS), client_id=positive_integer,
                    external_userid=text('your own id of the customer, for example 123456'))


def client_argument_spec():
    spec = partner_argument_spec()
    spec.update(CLIENT_FIELD_OPTIONS, client_id=dict(type='int'), external_userid=dict(type='str'),
                state=dict(type='str', default='present', choices=['present', 'absent']), enabled=dict(type='bool'))
    return spec


def client_problems(params):
    found = problems(params, CLIENT_RULES)
    if params['client_id'] is None and params['external_userid'] is None:
        found.append('one of client_id and external_userid is required: external_userid (your own id of the customer) finds or '
                     'creates the client, client_id finds an existing one')
    return found


def client_info_argument_spec():
    spec = partner_argument_spec()
    spec.update(client_id=dict(type='int'), external_userid=dict(type='str'), search=dict(type='dict'))
    return spec


CLIENT_INFO_EXCLUSIVE = [('client_id', 'external_userid'), ('client_id', 'search'), ('external_userid', 'search')]


def client_info_problems(params):
    found = problems(params, CLIENT_RULES)
    for key, value in sorted((params['search'] or {}).items()):
        problem = search_problem(key)
        if problem:
            found.append('search: %s' % problem)
        elif isinstance(value, (dict, list, bool)) or value is None or not str(value).strip():
            found.append('search["%s"] must be a text or a number to compare with, not %r' % (key, value))
    return found


SERVICE_STATES = ['active', 'suspended', 'absent']
# One item of the services list of live_service: the state of an existing service by its id.
SERVICE_ITEM = dict(live_service_id=dict(type='int', required=True), state=dict(type='str', required=True, choices=SERVICE_STATES))


def service_argument_spec():
    spec = partner_argument_spec()
    spec.update(SELECTORS)
    spec.update(
        client_external_userid=dict(type='str'),
        # No default, so that it can be exclusive with services; the single form reads a missing state as active.
        state=dict(type='str', choices=SERVICE_STATES),
        tariff_service_name=dict(type='str'),
        services=dict(type='list', elements='dict', options=SERVICE_ITEM),
        concurrency=CONCURRENCY,
    )
    return spec


SERVICE_EXCLUSIVE = SELECTORS_EXCLUSIVE + [('client_id', 'client_external_userid'), ('live_service_id', 'client_external_userid')] + [
    ('services', option) for option in sorted(set(SELECTORS) | {'tariff_service_name', 'state', 'client_external_userid'})]


def service_problems(params):
    found = problems(params, CONCURRENCY_RULES)
    if found:
        return found
    if params['services'] is not None:
        return services_problems(params['services'])
    found = problems(params, dict(RULES, client_external_userid=CLIENT_RULES['external_userid']))
    client = params['client_id'] if params['client_id'] is not None else params['client_external_userid']
    if not found and params['live_service_id'] is None and (params['product'] is None or client is None):
        found.append('a live service is named by live_service_id, or by client_id (or client_external_userid) and product (with '
                     'whmcs_service_id to tell several services of one product apart), or services lists many by id')
    return found
