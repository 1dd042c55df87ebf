# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of the Partner API modules, and every check they get before the first request."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import (
    list_problems,
    partner_argument_spec,
    positive_integer,
    problems,
    repeated,
    single_form,
    text,
)
from ansible_collections.channel.partner.plugins.module_utils._partner_model import PRODUCTS

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
    )
    return spec


REGRADE_EXCLUSIVE = SELECTORS_EXCLUSIVE + [('services', option) for option in sorted(set(SELECTORS) | set(REGRADE_ITEM))]


def selector_problems(params):
    return problems(params, RULES)


def regrade_problems(params):
    """Why the options of live_service_regrade cannot be sent as they are; an empty list when they can."""
    if params['services'] is not None:
        items = params['services']
        return list_problems('services', items, RULES) + repeated(
            'services', [item['live_service_id'] for item in items], lambda service_id: 'live service %s' % service_id)
    if params['tariff_service_name'] is None:
        # Ansible cannot say "required unless services is given", so the module says it.
        return ['missing required arguments: tariff_service_name (required unless services is given)']
    found = selector_problems(params)
    if not found and params['product'] and params['whmcs_service_id'] is None and params['client_id'] is None:
        # A product alone would match every service of that product.
        found.append('product=%s needs whmcs_service_id or client_id to select one live service (or give live_service_id instead)'
                     % params['product'])
    return found
