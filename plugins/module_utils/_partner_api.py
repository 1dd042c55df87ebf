# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Prolateral My-Engine Partner API: live services, their tariffs and the partner's credits."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import PARTNER_REQUIRED_TEXT, api_from_module
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError, HttpClient


# The products whose live services the Partner API regrades, and the ways its price of a regrade can be read.
PRODUCTS = ['outmail', 'profilter', 'fakemx', 'backupmx', 'masterdns', 'backupdns']
COST_MODELS = ['difference', 'full']


class InsufficientCredits(ApiError):
    """The vendor refused a regrade because the partner's credit balance is too low (HTTP 405)."""

    def __init__(self, method=None, url=None, status=None, vendor_code=None, vendor_message=None,
                 reason=None, message=None, applied=False, attempts=1, balance=None, cost=None):
        self.balance = balance
        self.cost = cost
        super(InsufficientCredits, self).__init__(method, url, status=status, vendor_code=vendor_code,
                                                  vendor_message=vendor_message, reason=reason, message=message,
                                                  applied=applied, attempts=attempts)

    def to_dict(self):
        result = super(InsufficientCredits, self).to_dict()
        result.update(balance=self.balance, cost=self.cost)
        return result


def partner_error_parser(response):
    """Vendor code and message from either error envelope.

    Three of the vendor's four samples read ``{"error": {name, url, message}}``; the
    JavaScript sample reads the same keys at the top level, so both are accepted.
    """
    body = response.json()
    if not isinstance(body, dict):
        return None, None
    error = body.get('error') if isinstance(body.get('error'), dict) else body
    name = error.get('name')
    message = error.get('message')
    if name is None and message is None:
        return None, None
    return name, message


def split_service_names(value):
    """``regrade_servicenames`` as a list, whether the API sent a list or a comma-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(',') if name.strip()]
    if isinstance(value, dict):
        value = list(value.values()) if all(isinstance(item, str) for item in value.values()) else list(value)
    return [str(name) for name in value]


def _as_bool(value):
    if isinstance(value, str):
        return value.strip().lower() in ('1', 'true', 'yes', 'y', 'on')
    return bool(value)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def normalize_live_service(data):
    """The fields the modules manage, with one type each whatever the vendor's variant."""
    whmcs = data.get('whmcs_service_id')
    current = data.get('tariff_service_name')
    names = [name for name in split_service_names(data.get('regrade_servicenames')) if name != current]
    return {
        'id': _as_int(data.get('id')),
        'client_id': _as_int(data.get('client_id')),
        'product': data.get('product'),
        'tariff_service_name': current,
        'regrade_servicenames': names,
        'suspended': _as_bool(data.get('suspended')),
        'whmcs_service_id': None if whmcs in (None, '') else str(whmcs),
    }


def rison_string(value):
    # Every value is quoted, ids included, as in the vendor's search examples; Rison escapes its quote and its
    # escape character with "!".
    return "'%s'" % str(value).replace('!', '!!').replace("'", "!'")


def rison_object(search):
    """The vendor's ``search`` filter: ``('key':'value',...)``, keys ANDed by the API."""
    return '(%s)' % ','.join('%s:%s' % (rison_string(key), rison_string(value)) for key, value in sorted(search.items()))


def credit_amount(value):
    """A credit figure as the price list writes it: 10 stays 10 (not 10.0), 2.5 stays 2.5; None when unknown."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def regrade_cost(catalogue, current_tariff, wanted_tariff, model='difference'):
    """Credits a regrade will cost under the vendor's pricing model ('difference' or 'full')."""
    services = catalogue.get('services', catalogue) if isinstance(catalogue, dict) else {}

    def credits(name):
        entry = services.get(name) or {}
        return entry.get('credits') or 0

    if current_tariff == wanted_tariff:
        return 0
    if model == 'full':
        return credits(wanted_tariff)
    if model != 'difference':
        raise ValueError('unknown regrade cost model %r (expected difference or full)' % (model,))
    return max(0, credits(wanted_tariff) - credits(current_tariff))


class PartnerApi:
    """One partner's view of the Partner API, over one HttpClient (one Session) per module run."""

    def __init__(self, api_url, partner_id, api_key, timeout=30, validate_certs=True, ca_path=None,
                 allow_plain_http=False, client=None, **client_options):
        self.client = client or HttpClient(api_url, timeout=timeout, validate_certs=validate_certs, ca_path=ca_path,
                                           allow_plain_http=allow_plain_http, auth=(str(partner_id), str(api_key)),
                                           error_parser=partner_error_parser, **client_options)
        self.client.add_secret(api_key)

    @classmethod
    def from_module(cls, module, **client_options):
        """Build from the options of partner_argument_spec(); fails the module on a missing library or a refused URL."""
        def build(params, transport):
            transport.update(client_options)
            return cls(params['api_url'], params['partner_id'], params['api_key'], **transport)
        return api_from_module(module, PARTNER_REQUIRED_TEXT, build)

    @property
    def request_count(self):
        return self.client.request_count

    def _data(self, method, path, **request_options):
        response, body = self.client.request_json(method, path, **request_options)
        meta = body.get('meta') if isinstance(body, dict) else None
        if not isinstance(body, dict) or 'data' not in body or (isinstance(meta, dict) and meta.get('success') is False):
            raise ApiError(method, self.client.url_for(path), status=response.status, reason=response.reason,
                           message='unexpected response: no data in the success envelope',
                           applied=None).scrub(self.client.secrets)
        return body['data'], (meta if isinstance(meta, dict) else {})

    def live_service(self, live_service_id):
        data, _meta = self._data('GET', '/live_services/%s' % live_service_id)
        return normalize_live_service(data)

    def live_services(self, search=None):
        params = {'search': rison_object(search)} if search else None
        data, _meta = self._data('GET', '/live_services', params=params)
        return [normalize_live_service(item) for item in data or []]

    def service_catalogue(self):
        data, meta = self._data('GET', '/live_services/service_names')
        services = {}
        for item in data or []:
            name = item.get('service_name')
            services[name] = {'service_name': name, 'product': item.get('product'), 'credits': item.get('credits')}
        return {'balance': meta.get('partner_credits'), 'services': services}

    def credit_balance(self):
        data, _meta = self._data('GET', '/clients/self')
        return data.get('partner_credits') if isinstance(data, dict) else None

    def regrade(self, live_service_id, tariff_service_name, balance=None, cost=None):
        """Move a live service to another tariff; returns the live service as it is afterwards."""
        path = '/live_services/%s' % live_service_id
        try:
            data, _meta = self._data('PATCH', path, json={'tariff_service_name': tariff_service_name})
        except ApiError as error:
            if error.status == 405:
                raise self._insufficient_credits(error, live_service_id, tariff_service_name, balance, cost) from None
            if error.status == 400 and error.attempts > 1:
                # An earlier attempt whose answer was lost may have applied the regrade already.
                current = self.live_service(live_service_id)
                if current['tariff_service_name'] == tariff_service_name:
                    return current
            raise
        return normalize_live_service(data)

    def _insufficient_credits(self, error, live_service_id, tariff_service_name, balance, cost):
        if balance is None:
            try:
                balance = self.credit_balance()
            except ApiError:
                balance = None
        wording = 'regrading live service %s to %s' % (live_service_id, tariff_service_name)
        if cost is not None:
            wording += ' costs %s credits' % cost
        if balance is not None:
            wording += '%s balance is %s' % (',' if cost is not None else ';', balance)
        return InsufficientCredits(error.method, error.url, status=error.status, vendor_code=error.vendor_code,
                                   vendor_message=error.vendor_message, reason=error.reason,
                                   message='insufficient partner credits: %s' % wording,
                                   applied=False, attempts=error.attempts, balance=balance, cost=cost).scrub(self.client.secrets)
