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
        # Which of the variants the spec leaves open this API has shown so far (the contract check reports them).
        self.observed = {}

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

    def _data(self, method, path, data_optional=False, **request_options):
        response, body = self.client.request_json(method, path, **request_options)
        return self.client.shaped(method, path, model.success_payload, body, data_optional, status=response.status,
                                  reason=response.reason, params=request_options.get('params'))

    def live_service(self, live_service_id):
        """The live service, or None when the vendor does not know it (404: unknown; 403: another partner's, as the spec
        reads the vendor's 403)."""
        path = '/live_services/%s' % live_service_id
        try:
            data, _meta = self._data('GET', path)
        except ApiError as error:
            if error.status in (404, 403):
                self.observed['missing_live_service'] = error.status
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

    def service_catalogue(self, balance_required=True):
        """The price list: ``{'balance': credits, 'services': {name: {service_name, product, credits}}}``.

        The balance comes with the prices in one read where the price list carries it (``meta.partner_credits``);
        where it does not, it is read from ``/clients/self``, the one place the public KB names for it. Without
        ``balance_required`` a failure of that read leaves the balance None instead of failing.
        """
        data, meta = self._data('GET', '/live_services/service_names')
        catalogue = self.client.shaped('GET', '/live_services/service_names', model.price_list, data, meta)
        self.observed['balance'] = 'price list'
        if catalogue['balance'] is None:
            self.observed['balance'] = 'clients/self'
            try:
                catalogue['balance'] = self.credit_balance()
            except ApiError:
                if balance_required:
                    raise
        return catalogue

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
            data, _meta = self._data('PATCH', path, data_optional=True, json=model.regrade_body(tariff_service_name))
        except ApiError as error:
            if error.status == 405:
                raise self._insufficient_credits(error, live_service_id, tariff_service_name, balance, cost) from None
            raise
        self.observed['regrade_answer'] = 'record' if data is not None else 'meta only'
        if data is None:
            # A success without the record (a branch of the vendor's C# sample): only a read-back can show the service.
            return self._read_back_regrade(path, live_service_id, tariff_service_name)
        service = self.client.shaped('PATCH', path, model.live_service_record, data)
        if str(service['id']) != str(live_service_id) or service['tariff_service_name'] != tariff_service_name:
            raise self.client.error('PATCH', self.client.url_for(path), status=200, applied=None,
                                    message='the vendor answered the regrade to %s with live service %s on %s, which contradicts it'
                                    % (tariff_service_name, service['id'], service['tariff_service_name']))
        return service

    def _read_back_regrade(self, path, live_service_id, tariff_service_name):
        try:
            service = self.live_service(live_service_id)
        except ApiError as error:
            service, problem = None, 'the read-back failed (%s)' % error
        else:
            problem = 'a read-back finds no such service' if service is None else 'a read-back shows it on %s' % service['tariff_service_name']
        if service is not None and service['tariff_service_name'] == tariff_service_name:
            return service
        raise self.client.error('PATCH', self.client.url_for(path), status=200, applied=None,
                                message='the vendor answered the regrade to %s with success but no record, and %s'
                                % (tariff_service_name, problem))

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
