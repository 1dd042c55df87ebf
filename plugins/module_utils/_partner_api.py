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
from ansible_collections.channel.partner.plugins.module_utils._exchange import MAX_LIST_ANSWER_BYTES
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

    def _one(self, path, parse, wanted_id, kind):
        """The record at ``path``, or None when the vendor does not know it (404: unknown; 403: another partner's, as the spec
        reads the vendor's 403). An answer about another record is an error: nothing may be written on the strength of it."""
        try:
            data, _meta = self._data('GET', path)
        except ApiError as error:
            if error.status in (404, 403):
                self.observed['missing_' + kind.replace(' ', '_')] = error.status
                return None
            raise
        found = self.client.shaped('GET', path, parse, data)
        if str(found['id']) != str(wanted_id):
            raise self.client.error('GET', self.client.url_for(path), status=200, applied=False,
                                    message='the vendor answered with %s %s when asked for %s' % (kind, found['id'], wanted_id))
        return found

    def live_service(self, live_service_id):
        """The live service, or None when the vendor does not know it."""
        return self._one('/live_services/%s' % live_service_id, model.live_service_record, live_service_id, 'live service')

    def live_services(self, **filters):
        """The partner's live services, filtered by ``product``, ``client_id`` and ``whmcs_service_id`` where given.

        The vendor's ``search`` does the filtering; every record it returns is checked here too, so a server that
        ignores the filter (or answers for something else) never puts a service in the list that does not match.
        """
        search = model.live_service_search(**filters)
        params = {'search': search} if search else None
        data, _meta = self._data('GET', '/live_services', params=params, max_answer_bytes=MAX_LIST_ANSWER_BYTES)
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

    # Clients

    def client_by_id(self, client_id):
        """The client, or None when the vendor does not know it."""
        return self._one('/clients/%s' % client_id, model.client_record, client_id, 'client')

    def clients(self, external_userid=None, search=None):
        """The partner's clients: all, those whose ``external_userid`` is the one given, or those a ``search`` (field or
        "field operator": value) selects. Every record the vendor returns is checked against the filter here too, so a
        server that ignores it never puts a client in the list that does not match."""
        if external_userid is not None:
            search = {model.CLIENT_KEY: str(external_userid)}
        params = {'search': model.rison_object(search)} if search else None
        data, _meta = self._data('GET', '/clients', params=params, max_answer_bytes=MAX_LIST_ANSWER_BYTES)
        clients = self.client.shaped('GET', '/clients', model.client_records, data, params=params)
        return [client for client in clients if model.matches(client, search or {})]

    def client_shaped(self, method, path, data):
        return self.client.shaped(method, path, model.client_record, data)

    def create_client(self, fields):
        """``POST /clients`` (KB 392); the new client as the vendor answered it. Never sent twice: a second client would
        be a second customer record."""
        data, _meta = self._data('POST', '/clients', json=model.client_body(fields))
        return self.client_shaped('POST', '/clients', data)

    def edit_client(self, client_id, fields):
        path = '/clients/%s' % client_id
        data, _meta = self._data('PATCH', path, data_optional=True, json=model.client_body(fields))
        return None if data is None else self.client_shaped('PATCH', path, data)

    def set_client_enabled(self, client_id, enabled):
        """Suspend or unsuspend a client with ``PATCH /clients/{id}/enabled`` (KB 401); where the vendor answers that it has
        no such resource (404 or 405, so nothing was done) with the ``active`` field of ``PATCH /clients/{id}``. Returns
        the client as the vendor answered, or None when it answered without the record."""
        resource = self.observed.get('client_enable', 'enabled')
        path = '/clients/%s/enabled' % client_id if resource == 'enabled' else '/clients/%s' % client_id
        try:
            data, _meta = self._data('PATCH', path, data_optional=True, json=model.client_enabled_body(enabled, resource))
        except ApiError as error:
            if resource != 'enabled' or error.status not in (404, 405):
                raise
            self.observed['client_enable'] = 'active field'
            return self.set_client_enabled(client_id, enabled)
        self.observed.setdefault('client_enable', 'enabled')
        return None if data is None else self.client_shaped('PATCH', path, data)

    def delete_client(self, client_id):
        """``DELETE /clients/{id}`` (KB 399): the vendor anonymises the client and suspends its services."""
        self._data('DELETE', '/clients/%s' % client_id, data_optional=True)

    # The life of a live service

    def set_suspension(self, live_service_id, suspend):
        """Suspend or resume a live service with ``PATCH /live_services/{id}/suspension`` (KB 401); where the vendor answers
        that it has no such resource (404 or 405: nothing was done), with the ``suspended`` field of the live service.
        Returns the live service as answered, or None when the answer has no record."""
        resource = self.observed.get('live_service_suspension', 'suspension')
        path = '/live_services/%s%s' % (live_service_id, '/suspension' if resource == 'suspension' else '')
        try:
            data, _meta = self._data('PATCH', path, data_optional=True, json=model.suspension_body(suspend, resource))
        except ApiError as error:
            if resource == 'suspension' and error.status in (404, 405):
                self.observed['live_service_suspension'] = 'suspended field'
                return self.set_suspension(live_service_id, suspend)
            if error.status == 403 and not suspend:
                raise error.derive(message='the vendor refused to resume it (403): a service suspended by the system (abuse, '
                                           'billing, ...) cannot be resumed through the Partner API (KB 405)') from None
            raise
        self.observed.setdefault('live_service_suspension', 'suspension')
        return None if data is None else self.client.shaped('PATCH', path, model.live_service_record, data)

    def terminate(self, live_service_id):
        """``DELETE /live_services/{id}`` (KB 406)."""
        self._data('DELETE', '/live_services/%s' % live_service_id, data_optional=True)

    def create_service(self, product, client_id, service_name, whmcs_service_id=None):
        """Create a service of ``product`` (``POST /outmails``, KB 407, and the other products' paths by analogy); returns its
        live service, read back by the id the answer gives. Never sent twice: a second service would be charged again."""
        path = '/%s' % model.PRODUCT_COLLECTIONS[product]
        try:
            data, _meta = self._data('POST', path, json=model.create_service_body(client_id, service_name, whmcs_service_id))
        except ApiError as error:
            if error.status == 405:
                raise error.derive(InsufficientCredits, message='insufficient partner credits to create a %s service on %s'
                                   % (product, service_name), applied=False) from None
            raise
        live_service_id = self.client.shaped('POST', path, model.created_live_service_id, data)
        try:
            service = self.live_service(live_service_id)
        except ApiError as error:
            # The create was answered; what is unknown is only what the service looks like, which a read-back settles.
            raise error.derive(message='the vendor answered the create with live service %s, but reading it failed: %s'
                               % (live_service_id, error.detail), applied=None) from None
        if service is None:
            raise self.client.error('POST', self.client.url_for(path), status=200, applied=None,
                                    message='the vendor answered the create with live service %s, which it does not show' % live_service_id)
        return service
