# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Prolateral My-Engine Partner API: live services, their tariffs and the partner's credits.

The class hides the vendor's quirks behind plain answers: None for a live service that
does not exist, a live service that always carries its regrade targets when asked for
them, a refusal for credits as its own error. Field names are in ``_partner_model``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import PARTNER_REQUIRED_TEXT, api_from_module
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError, HttpClient
from ansible_collections.channel.partner.plugins.module_utils import _partner_model as model


class InsufficientCredits(ApiError):
    """The vendor refused a regrade because the partner's credit balance is too low (HTTP 405)."""

    DETAILS = ('balance', 'cost')


def partner_error_parser(response):
    return model.error_of(response.json())


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
        return self.client.shaped(method, path, model.success_payload, body, status=response.status, reason=response.reason,
                                  params=request_options.get('params'))

    def live_service(self, live_service_id):
        """The live service, or None when the vendor does not know it (404: unknown, or another partner's)."""
        path = '/live_services/%s' % live_service_id
        try:
            data, _meta = self._data('GET', path)
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        service = self.client.shaped('GET', path, model.live_service_record, data)
        if str(service['id']) != str(live_service_id):
            # Nothing may be written on the strength of an answer about another service.
            raise self.client.error('GET', self.client.url_for(path), status=200, applied=False,
                                    message='the vendor answered with live service %s when asked for %s' % (service['id'], live_service_id))
        return service

    def live_services(self, **filters):
        """The partner's live services, filtered by ``product``, ``client_id`` and ``whmcs_service_id`` where given.

        The vendor's ``search`` does the filtering; every record it returns is checked here too, so a server that
        ignores the filter (or answers for something else) never puts a service in the list that does not match.
        """
        search = model.live_service_search(**filters)
        params = {'search': search} if search else None
        data, _meta = self._data('GET', '/live_services', params=params)
        wanted = dict((name, str(value)) for name, value in filters.items() if value is not None)
        services = self.client.shaped('GET', '/live_services', model.live_service_records, data, params=params)
        return [service for service in services if all(str(service[name]) == value for name, value in wanted.items())]

    def with_targets(self, service):
        """The live service with its regrade targets: the vendor's list may leave them out, only the service itself is
        sure to carry them, so it is read again only when they are missing."""
        if service['regrade_servicenames']:
            return service
        return self.live_service(service['id']) or service

    def service_catalogue(self):
        """The price list: ``{'balance': credits, 'services': {name: {service_name, product, credits}}}`` in one read."""
        data, meta = self._data('GET', '/live_services/service_names')
        return self.client.shaped('GET', '/live_services/service_names', model.price_list, data, meta)

    def credit_balance(self):
        data, _meta = self._data('GET', '/clients/self')
        return self.client.shaped('GET', '/clients/self', model.balance_of_partner, data)

    def regrade(self, live_service_id, tariff_service_name, balance=None, cost=None):
        """Move a live service to another tariff; returns the live service as the vendor answered it.

        The PATCH is never sent twice unless the vendor refused it outright (see HttpClient.request): one held
        up somewhere and applied late could move the service back after a later change, and charge again.
        An answer that shows another service or another package is an error whose outcome is unknown.
        """
        path = '/live_services/%s' % live_service_id
        try:
            data, _meta = self._data('PATCH', path, json=model.regrade_body(tariff_service_name))
        except ApiError as error:
            if error.status == 405:
                raise self._insufficient_credits(error, live_service_id, tariff_service_name, balance, cost) from None
            raise
        service = self.client.shaped('PATCH', path, model.live_service_record, data)
        if str(service['id']) != str(live_service_id) or service['tariff_service_name'] != tariff_service_name:
            raise self.client.error('PATCH', self.client.url_for(path), status=200, applied=None,
                                    message='the vendor answered the regrade to %s with live service %s on %s, which contradicts it'
                                    % (tariff_service_name, service['id'], service['tariff_service_name']))
        return service

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
        return error.derive(InsufficientCredits, message='insufficient partner credits: %s' % wording, applied=False,
                            balance=balance, cost=cost)
