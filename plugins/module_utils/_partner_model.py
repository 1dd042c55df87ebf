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
