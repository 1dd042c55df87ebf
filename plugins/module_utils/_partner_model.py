# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Partner API's field names, spelled here and nowhere else.

What the vendor sends is read into plain records whose keys are the collection's own
(they are also what the modules return), and what the vendor expects is written from
them. If Prolateral renamed a field, this file is the one to change.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible_collections.channel.partner.plugins.module_utils._values import ShapeError, as_bool, identifier, number, record, records, text_of

# The products whose live services the Partner API regrades.
PRODUCTS = ['outmail', 'profilter', 'fakemx', 'backupmx', 'masterdns', 'backupdns']

# The regrade targets' key, and the spelling of it in the seed's prose, which a server could use as well.
TARGET_FIELDS = ('regrade_servicenames', 'regarde_servicenames')

# The filters of a live service search, by the names the modules use for them.
SEARCH_FIELDS = {'product': 'product', 'client_id': 'client_id', 'whmcs_service_id': 'whmcs_service_id'}


def split_service_names(value, field='regrade_servicenames'):
    """``regrade_servicenames`` as a list, whether the API sent a list, an object of names or a comma-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(',') if name.strip()]
    if isinstance(value, dict):
        value = list(value.values()) if all(isinstance(item, str) for item in value.values()) else list(value)
    if not isinstance(value, list):
        raise ShapeError('%s should be a list of package names, not %r' % (field, value))
    return [str(text_of(name, field)) for name in value if name is not None]


def live_service_record(data, field='data'):
    """A live service with one type per known field, whatever variant the vendor sent, and every other field it sent
    (``suspend_reason``, ``created``, ...) as it sent it. A ShapeError when it is not a live service at all."""
    record(data, field)
    whmcs = data.get('whmcs_service_id')
    current = text_of(data.get('tariff_service_name'), field + '.tariff_service_name')
    targets_field = next((name for name in TARGET_FIELDS if name in data), TARGET_FIELDS[0])
    names = [name for name in split_service_names(data.get(targets_field), '%s.%s' % (field, targets_field)) if name != current]
    other_spellings = dict((name, value) for name, value in data.items() if name not in TARGET_FIELDS[1:])
    return dict(other_spellings, **{
        'id': identifier(data.get('id'), field + '.id'),
        'client_id': identifier(data.get('client_id'), field + '.client_id', required=False),
        'product': text_of(data.get('product'), field + '.product'),
        'tariff_service_name': current,
        'regrade_servicenames': names,
        'suspended': as_bool(data.get('suspended')),
        'whmcs_service_id': None if whmcs in (None, '') else str(text_of(whmcs, field + '.whmcs_service_id')),
    })


def live_service_records(data):
    return [live_service_record(item, 'data[%d]' % position) for position, item in enumerate(records(data, 'data'))]


def price_list(data, meta):
    """The price of every package and the balance, from ``/live_services/service_names``."""
    services = {}
    for position, item in enumerate(records(data, 'data')):
        field = 'data[%d]' % position
        name = text_of(item.get('service_name'), field + '.service_name')
        services[name] = {'service_name': name, 'product': text_of(item.get('product'), field + '.product'),
                          'credits': number(item.get('credits'), field + '.credits')}
    return {'balance': number(meta.get('partner_credits'), 'meta.partner_credits'), 'services': services}


def balance_of_partner(data):
    """The credit balance in the partner's own record (``/clients/self``)."""
    return number(record(data, 'data').get('partner_credits'), 'data.partner_credits')


def regrade_body(tariff_service_name):
    return {'tariff_service_name': tariff_service_name}


def success_payload(body, data_optional=False):
    """``(data, meta)`` of a success envelope; a ShapeError when the body is not one. With ``data_optional``, an
    envelope that says success without ``data`` gives ``(None, meta)``."""
    if data_optional and isinstance(body, dict) and isinstance(body.get('meta'), dict) and body['meta'].get('success') is True:
        if 'data' not in body:
            return None, body['meta']
        if body['data'] is None:
            # Not the documented answer without a record, but a record that is not there.
            raise ShapeError('data should be an object, not None')
    if not isinstance(body, dict) or 'data' not in body:
        raise ShapeError('no "data" in a success envelope: the body is %s' % (
            'an object with %s' % ', '.join(sorted(str(key) for key in body)[:8]) if isinstance(body, dict) else 'a JSON %s' % type(body).__name__))
    meta = body.get('meta') if isinstance(body.get('meta'), dict) else {}
    if meta.get('success') is False:
        raise ShapeError('a success status with meta.success false')
    return body['data'], meta


def error_of(body):
    """``(name, message)`` from either error envelope, ``(None, None)`` for a body that is not one.

    Three of the vendor's four samples read ``{"error": {name, url, message}}``; the
    JavaScript sample reads the same keys at the top level, so both are accepted.
    """
    if not isinstance(body, dict):
        return None, None
    error = body.get('error') if isinstance(body.get('error'), dict) else body
    name = error.get('name')
    message = error.get('message')
    if name is None and message is None:
        return None, None
    if message is None and 'url' in error:
        # Stock CakePHP 2 renders {name, url} with the message text in name.
        return None, name
    return name, message


def _rison_string(value):
    # Every value is quoted, ids included, as in the vendor's search examples; Rison escapes its quote and its
    # escape character with "!".
    return "'%s'" % str(value).replace('!', '!!').replace("'", "!'")


def rison_object(search):
    """The vendor's ``search`` filter: ``('key':'value',...)``, keys ANDed by the API."""
    return '(%s)' % ','.join('%s:%s' % (_rison_string(key), _rison_string(value)) for key, value in sorted(search.items()))


def live_service_search(**filters):
    """The ``search`` query value for the filters that are set (by the modules' names), or None for no filter."""
    search = dict((SEARCH_FIELDS[name], value) for name, value in filters.items() if value is not None)
    return rison_object(search) if search else None


# A client's fields a partner sets (KB 392), by the vendor's names, which the modules use as well.
CLIENT_FIELDS = ('email', 'username', 'title', 'firstname', 'surname')
# "Use this to link the My-Engine Client to your Solution": the key a task finds its client by.
CLIENT_KEY = 'external_userid'


def _optional_text(data, name, field):
    value = data.get(name)
    return None if value in (None, '') else str(text_of(value, '%s.%s' % (field, name)))


def client_record(data, field='data'):
    """A client: ``id``, ``external_userid``, the fields of CLIENT_FIELDS, ``enabled`` (the vendor's ``active``), and every
    other field the vendor sent, as it sent it."""
    record(data, field)
    client = dict(data)
    client.update((name, _optional_text(data, name, field)) for name in (CLIENT_KEY,) + CLIENT_FIELDS)
    client['id'] = identifier(data.get('id'), field + '.id')
    client['enabled'] = as_bool(data.get('active'))
    return client


def client_records(data):
    return [client_record(item, 'data[%d]' % position) for position, item in enumerate(records(data, 'data'))]


def is_anonymised(client):
    """KB 399: a deleted client is anonymised, not removed. What is left of it has no key, no e-mail and is disabled."""
    return client[CLIENT_KEY] is None and client['email'] is None and not client['enabled']


def client_body(fields):
    """The body of a client's create or edit: the fields that are set."""
    return dict((name, value) for name, value in fields.items() if value is not None)


def client_enabled_body(enabled, resource):
    """The body that suspends or unsuspends a client: on ``/clients/{id}/enabled`` (KB 401) or, where that resource does
    not exist, as the ``active`` field of the client."""
    return {'enable' if resource == 'enabled' else 'active': 1 if enabled else 0}


# The operators of the vendor's CakePHP-style search keys ("id >", "username LIKE"); no operator is equality.
SEARCH_OPERATORS = ('>=', '<=', '!=', '>', '<', 'LIKE')


def _search_key(key):
    field, _space, operator = str(key).strip().partition(' ')
    operator = operator.strip().upper() or '='
    return field, operator


def _compared(left, right):
    try:
        return float(left), float(right)
    except (TypeError, ValueError):
        return str(left).lower(), str(right).lower()


def _like(value, pattern):
    # SQL LIKE: % is any text, _ one character; the vendor's database compares without case.
    wanted = ''.join('.*' if part == '%' else '.' if part == '_' else re.escape(part) for part in re.split('([%_])', str(pattern)))
    return re.fullmatch(wanted, str(value), re.IGNORECASE | re.DOTALL) is not None


def matches(item, search):
    """Whether a record satisfies a ``search`` filter, as the vendor should have applied it: every record a search returns is
    checked again here, so one the server let through without a match is never taken for one."""
    for key, wanted in search.items():
        field, operator = _search_key(key)
        value = item.get(field)
        if operator == 'LIKE':
            if value is None or not _like(value, wanted):
                return False
            continue
        if value is None:
            return False
        if operator in ('=', '!='):
            # Equal as text, so that an id matches its number and "0123" never matches "123".
            if (str(value) == str(wanted)) != (operator == '='):
                return False
            continue
        left, right = _compared(value, wanted)
        if not {'>': left > right, '<': left < right, '>=': left >= right, '<=': left <= right}.get(operator, False):
            return False
    return True


def search_problem(key):
    """Why a search key cannot be sent, or None."""
    field, operator = _search_key(key)
    if not field or (operator != '=' and operator not in SEARCH_OPERATORS):
        return 'a search key is a field name, optionally followed by one of %s, not %r' % (', '.join(SEARCH_OPERATORS), str(key))
    return None


# The path of each product's records (KB 407 shows /outmails; the others by analogy, see the spec).
PRODUCT_COLLECTIONS = {'outmail': 'outmails', 'profilter': 'profilters', 'fakemx': 'fakemxs', 'backupmx': 'backupmxs',
                       'masterdns': 'masterdns', 'backupdns': 'backupdns'}
# Who suspended a service, when the partner did (the emulator's word; KB 405 names the system's reasons: abuse, billing).
PARTNER_SUSPENSION = (None, '', 'partner')


def service_state(service):
    """``active``, ``suspended`` or ``absent`` (None: no such service)."""
    if service is None:
        return 'absent'
    return 'suspended' if service['suspended'] else 'active'


def suspended_by_system(service):
    """KB 405: a service the system suspended (abuse, billing, ...) cannot be unsuspended through the Partner API."""
    return service is not None and service['suspended'] and service.get('suspend_reason') not in PARTNER_SUSPENSION


def suspension_body(suspend, resource):
    """The body that suspends or resumes a live service: on ``/live_services/{id}/suspension`` or, where that resource does not
    exist, as the ``suspended`` field of the live service."""
    if resource == 'suspension':
        return {'suspend': 1 if suspend else 0}
    return {'suspended': bool(suspend)}


def create_service_body(client_id, service_name, whmcs_service_id=None):
    """KB 407's inputs: the client (or the partner's own id), the package, and the partner's billing id. The package goes under
    both names the API uses for it (``service_name`` in the price list, ``tariff_service_name`` on the live service)."""
    body = {'client_id': client_id, 'service_name': service_name, 'tariff_service_name': service_name}
    if whmcs_service_id is not None:
        body['whmcs_service_id'] = str(whmcs_service_id)
    return body


def created_live_service_id(data, field='data'):
    """The live service id in a product record (the product's own id is another number)."""
    return identifier(record(data, field).get('live_service_id'), field + '.live_service_id')
