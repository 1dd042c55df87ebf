# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a live service becomes in an inventory: its host variables, its groups, and whether the filters keep it.

Pure functions over the records PartnerApi returns (field names from ``_partner_model``), so that the inventory
plugin only wires them into Ansible, and a table of tests can read them without an inventory.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import json
import re

from ansible_collections.channel.partner.plugins.module_utils._argspec import text
from ansible_collections.channel.partner.plugins.module_utils._partner_model import PRODUCTS, service_state

# Every host variable the plugin sets starts with this, so that no field a vendor sends can set an ansible_* variable
# (ansible_host, ansible_connection) or clash with a variable of the playbook.
HOSTVAR_PREFIX = 'live_service_'
# The group every host of this plugin is in, beside the groups by product, tariff, client and state.
ALL_GROUP = 'live_services'
# What the cache holds; a cached value of another shape (an older plugin, a damaged file) is read again from the API.
CACHE_FORMAT = 1

# The fields every cached live service must have, as PartnerApi reads them.
SERVICE_FIELDS = ('id', 'client_id', 'product', 'tariff_service_name', 'suspended')
# The credentials, each with the environment variable that can give it (the modules' fallbacks).
REQUIRED_OPTIONS = (('partner_id', 'MYENGINE_PARTNER_ID'), ('api_key', 'MYENGINE_API_KEY'))

_PLAIN_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
_NOT_IN_A_GROUP_NAME = re.compile(r'[^A-Za-z0-9_]')
_WHITESPACE = re.compile(r'\s')


def group_name(prefix, value):
    """``<prefix>_<value>`` with every character that is not an ASCII letter, digit or underscore made an underscore."""
    return _NOT_IN_A_GROUP_NAME.sub('_', '%s_%s' % (prefix, value))


def host_variables(service, clients=None):
    """The host variables of a live service: each field under HOSTVAR_PREFIX, its state (active or suspended) and, when
    the clients were read, its client's record (None for a client the list does not have).

    Fields whose names are not plain identifiers are left out: a template could not name them.
    """
    variables = dict((HOSTVAR_PREFIX + name, value) for name, value in service.items() if _PLAIN_NAME.match(str(name)))
    variables[HOSTVAR_PREFIX + 'state'] = service_state(service)
    if clients is not None:
        variables[HOSTVAR_PREFIX + 'client'] = clients.get(str(service['client_id']))
    return variables


def builtin_groups(service):
    """The groups a live service is put in, whatever the options: all, its product, tariff, client and state."""
    groups = [ALL_GROUP, group_name('product', service['product']), group_name('tariff', service['tariff_service_name'])]
    if service['client_id'] is not None:
        groups.append(group_name('client', service['client_id']))
    groups.append(group_name('state', service_state(service)))
    return groups


def default_hostname(service):
    return 'live_service_%s' % service['id']


def hostname_problem(name, service):
    """Why ``name`` (what the hostname option made of ``service``) cannot name a host, or None."""
    if not isinstance(name, str) or not name.strip():
        return 'the hostname option made %r of live service %s; a hostname must be a non-empty text' % (name, service['id'])
    if _WHITESPACE.search(name) or ',' in name:
        return ('the hostname option made %r of live service %s; a hostname must not hold spaces or commas, which host patterns '
                'split on' % (name, service['id']))
    return None


def kept(service, options):
    """Whether the filters of the inventory source keep a live service. Every list filter that is set must hold the
    service's value; suspended services are kept only with include_suspended."""
    if options['products'] and service['product'] not in options['products']:
        return False
    if options['tariff_service_names'] and service['tariff_service_name'] not in options['tariff_service_names']:
        return False
    if options['client_ids'] and str(service['client_id']) not in [str(client_id) for client_id in options['client_ids']]:
        return False
    return bool(options['include_suspended'] or not service['suspended'])


def vendor_search(options):
    """The filters the vendor's ``search`` can apply (its keys are ANDed, so only a single product or client), by the names
    PartnerApi.live_services takes; the others are applied to what it returns."""
    search = {}
    if len(options['products'] or ()) == 1:
        search['product'] = options['products'][0]
    if len(options['client_ids'] or ()) == 1:
        search['client_id'] = options['client_ids'][0]
    return search


def _client_id(value):
    """A client id as an integer, or None when ``value`` is not a positive whole number (Ansible leaves list elements as
    the text the source gave)."""
    if isinstance(value, bool) or not re.match(r'^\s*[0-9]+\s*$', str(value)) or int(value) <= 0:
        return None
    return int(value)


def read_filters(options):
    """``(filters, problems)``: the filter options with the client ids as integers, and what is wrong with them, each
    naming the option and what it takes."""
    filters = dict(options)
    found = []
    for position, product in enumerate(options['products'] or ()):
        if product not in PRODUCTS:
            found.append(product_problem(position, product))
    client_ids = []
    for position, value in enumerate(options['client_ids'] or ()):
        client_id = _client_id(value)
        if client_id is None:
            found.append('client_ids[%d] must be a My-Engine client id, a whole number greater than 0, not %r' % (position, value))
        client_ids.append(client_id)
    filters['client_ids'] = client_ids
    for position, name in enumerate(options['tariff_service_names'] or ()):
        found.append(text('a package, for example Outmail1000')('tariff_service_names[%d]' % position, name))
    return filters, [problem for problem in found if problem]


def product_problem(position, product):
    return 'products[%d] must be one of %s, not %r' % (position, ', '.join(PRODUCTS), product)


def source_problems(source, environment):
    """What is wrong with the inventory source as written, found before Ansible reads its options: Ansible's own messages
    would quote a key given as a list, and name neither the environment variable of a missing credential nor the products
    a misspelt one could be."""
    if not isinstance(source, dict):
        return []
    found = []
    for option, variable in REQUIRED_OPTIONS:
        if source.get(option) is None and not environment.get(variable):
            found.append('%s must be set, in the inventory source or in the %s environment variable (in AWX, attach the '
                         'My-Engine Partner API credential to the inventory source)' % (option, variable))
    if isinstance(source.get('api_key'), (list, dict)):
        found.append('api_key must be a text, the Partner API key, not a %s' % ('list' if isinstance(source['api_key'], list) else 'mapping'))
    products = source.get('products')
    if isinstance(products, str):
        products = [name.strip() for name in products.split(',')]
    for position, product in enumerate(products if isinstance(products, list) else ()):
        if product not in PRODUCTS:
            found.append(product_problem(position, product))
    return found


def source_secrets(source, environment):
    """The API key as the source or the environment gives it, to mask in any message Ansible makes of the options."""
    secrets = [environment.get(dict(REQUIRED_OPTIONS)['api_key'])]
    if isinstance(source, dict) and isinstance(source.get('api_key'), (str, int, float)):
        secrets.append(str(source['api_key']))
    return [secret for secret in secrets if secret]


def cache_key(plugin_name, connection, search, include_clients):
    """The cache key of what one set of credentials read with one vendor search.

    The connection (URL, partner id and key) is hashed with the search, so that the key holds no credential, and the
    data of one partner or key is never served to another.
    """
    identity = json.dumps([connection['api_url'], str(connection['partner_id']), str(connection['api_key']),
                           sorted((name, str(value)) for name, value in search.items()), bool(include_clients)])
    digest = hashlib.sha256(identity.encode('utf-8')).hexdigest()[:24]
    return '%s_%s' % (plugin_name.replace('.', '_'), digest)


def cached_answer(value):
    """The cached ``{'live_services': [...], 'clients': [...] or None}``, or None when the value is not one."""
    if not isinstance(value, dict) or value.get('format') != CACHE_FORMAT or not isinstance(value.get('live_services'), list):
        return None
    if not all(isinstance(service, dict) and all(name in service for name in SERVICE_FIELDS) for service in value['live_services']):
        return None
    if value.get('clients') is not None and not isinstance(value['clients'], list):
        return None
    return value


def answer_to_cache(services, clients):
    return {'format': CACHE_FORMAT, 'live_services': services, 'clients': clients}


def clients_by_id(clients):
    """{client id as text: client record}, or None when the clients were not read."""
    if clients is None:
        return None
    return dict((str(client['id']), client) for client in clients)
