"""The Prolateral My-Engine Partner API (paths below /api-v1)."""

import re

from .common import PARTNER_PREFIX, basic_credentials, json_response, partner_error, read_json
from .partner_clients import ClientResource, PartnerError, ok
from .rison import RisonError, apply_fields, apply_search, parse_fields, parse_search

PRODUCT_PATHS = {
    'outmails': 'outmail', 'profilters': 'profilter', 'fakemxs': 'fakemx',
    'backupmxs': 'backupmx', 'masterdns': 'masterdns', 'backupdns': 'backupdns',
}
LIVE_SERVICE_FIELDS = ('id', 'client_id', 'product', 'tariff_service_name', 'regrade_servicenames', 'suspended',
                       'suspend_reason', 'whmcs_service_id', 'created')
FIRST_LIVE_SERVICE_ID = 1234900
FIRST_RECORD_ID = 7000


def envelope_style(config):
    """The ``flat`` argument of partner_error() for the partner_error_envelope switch."""
    return {'nested': False, 'flat': True, 'cake': 'cake'}[config['partner_error_envelope']]


class PartnerApi(ClientResource):
    """Routes of the Partner API; every handler runs with the store lock held. The clients' handlers are in partner_clients."""

    def __init__(self, store):
        self.store = store
        self.routes = [
            (r'/clients', {'GET': self.list_clients, 'POST': self.create_client}),
            (r'/clients/self', {'GET': self.client_self}),
            (r'/clients/(\d+)', {'GET': self.get_client, 'PATCH': self.edit_client, 'DELETE': self.delete_client}),
            (r'/clients/(\d+)/enabled', {'PATCH': self.set_client_enabled}),
            (r'/live_services', {'GET': self.list_live_services}),
            (r'/live_services/service_names', {'GET': self.service_names}),
            (r'/live_services/(\d+)', {'GET': self.get_live_service, 'PATCH': self.patch_live_service,
                                       'DELETE': self.terminate_live_service}),
            (r'/live_services/(\d+)/suspension', {'PATCH': self.set_suspension}),
            (r'/(%s)' % '|'.join(PRODUCT_PATHS), {'GET': self.list_products, 'POST': self.create_product}),
            (r'/(%s)/(\d+)' % '|'.join(PRODUCT_PATHS), {'GET': self.get_product}),
        ]

    def __call__(self, request):
        store = self.store
        flat = envelope_style(store.config)
        if not self.authorised(request):
            return partner_error(401, request.path, 'Invalid partner credentials', flat=flat,
                                 headers={'WWW-Authenticate': 'Basic realm="api"'})
        sub_path = request.path[len(PARTNER_PREFIX):].rstrip('/') or '/'
        for pattern, methods in self.routes:
            match = re.fullmatch(pattern, sub_path)
            if not match:
                continue
            handler = methods.get(request.method)
            if handler is None:
                return partner_error(405, request.path, 'Method %s is not supported on this resource' % request.method,
                                     flat=flat, headers={'Allow': ', '.join(sorted(methods))})
            try:
                with store.lock:
                    return handler(request, *match.groups())
            except PartnerError as error:
                return partner_error(error.status, request.path, error.message, flat=flat)
        return partner_error(404, request.path, 'Not Found', flat=flat)

    def authorised(self, request):
        credentials = basic_credentials(request)
        if credentials is None:
            return False
        user, password = credentials
        partner = self.store.data['partner']
        return user == str(partner['partner_id']) and password == partner['api_key']

    # Rendering

    def tariff(self, name):
        return self.store.tariff(name)

    def render_live_service(self, service):
        current = self.tariff(service['tariff_service_name'])
        names = [name for name in (current or {}).get('regrade_to', []) if name != service['tariff_service_name']]
        if self.store.config['regrade_servicenames_format'] == 'csv':
            names = ','.join(names)
        record = dict((key, service.get(key)) for key in LIVE_SERVICE_FIELDS if key != 'regrade_servicenames')
        record[self.store.config['regrade_servicenames_field']] = names
        return record

    @staticmethod
    def render_product(service):
        return {'id': service['record_id'], 'live_service_id': service['id'], 'client_id': service['client_id'],
                'service_name': service['tariff_service_name'], 'whmcs_service_id': service['whmcs_service_id'],
                'suspended': service['suspended']}

    def filtered(self, request, items):
        try:
            if request.args.get('search') and self.store.config['search_filter'] == 'honoured':
                items = apply_search(items, parse_search(request.args['search']))
            if request.args.get('fields'):
                items = apply_fields(items, parse_fields(request.args['fields']))
        except RisonError as error:
            raise PartnerError(400, 'Invalid search or fields parameter: %s' % error) from None
        return items

    def live_service(self, service_id):
        service = self.store.live_service(service_id)
        if service is None:
            raise PartnerError(404, 'Live service %s not found' % service_id)
        return service

    def balance(self):
        return self.store.data['partner']['partner_credits']

    # Live services

    def list_live_services(self, request):
        items = [self.render_live_service(service) for service in self.store.data['live_services']]
        return ok(self.filtered(request, items))

    def service_names(self, _request):
        data = [{'service_name': t['service_name'], 'product': t['product'], 'credits': t['credits']}
                for t in self.store.data['tariffs']]
        meta = {'partner_credits': self.balance()} if self.store.config['price_list_balance'] == 'meta' else {}
        return ok(data, meta)

    def get_live_service(self, _request, service_id):
        return ok(self.render_live_service(self.live_service(service_id)))

    def patch_live_service(self, request, service_id):
        service = self.live_service(service_id)
        body = self.patch_body(request)
        if 'tariff_service_name' not in body and 'suspended' not in body:
            raise PartnerError(400, 'Nothing to change: send tariff_service_name or suspended')
        if 'suspended' in body and self.store.config['live_service_suspension'] != 'live_service_patch':
            raise PartnerError(400, 'suspended cannot be set here: use /live_services/%s/suspension' % service_id)
        # Validate everything before touching the state so that a rejected PATCH changes nothing.
        cost, target = self.regrade_cost(service, body.get('tariff_service_name'))
        suspended = self.suspend_value(service, body.get('suspended'))
        if cost > self.balance():
            raise PartnerError(405, 'Insufficient partner credits')
        if target is not None:
            self.store.data['partner']['partner_credits'] = self.balance() - cost
            service['tariff_service_name'] = target
        if suspended is not None and suspended != service['suspended']:
            service['suspended'] = suspended
            service['suspend_reason'] = 'partner' if suspended else None
        if self.store.config['regrade_answer'] == 'meta_only':
            # The branch of the vendor's C# sample for a success without a record.
            return json_response(200, {'meta': {'success': True}})
        return ok(self.render_live_service(service))

    def patch_body(self, request):
        content_type = (request.mimetype or '').lower()
        if content_type == 'application/x-www-form-urlencoded':
            if not self.store.config['partner_form_bodies']:
                raise PartnerError(400, 'Request body must be JSON')
            return request.form.to_dict()
        try:
            body = read_json(request)
        except ValueError:
            raise PartnerError(400, 'Request body is not valid JSON') from None
        if not isinstance(body, dict):
            raise PartnerError(400, 'Request body must be a JSON object')
        return body

    def regrade_cost(self, service, target):
        """(cost, target name or None when there is nothing to regrade)."""
        if target is None:
            return 0, None
        if not isinstance(target, str) or not target:
            raise PartnerError(400, 'tariff_service_name must be a non-empty string')
        current = service['tariff_service_name']
        if target == current:
            if self.store.config['regrade_to_current'] == 'error':
                raise PartnerError(400, 'The live service is already on %s' % target)
            return 0, None
        allowed = (self.tariff(current) or {}).get('regrade_to', [])
        new = self.tariff(target)
        if new is None or target not in allowed:
            raise PartnerError(400, 'Cannot regrade %s to %s: not in regrade_servicenames' % (current, target))
        if self.store.config['regrade_cost_model'] == 'full':
            return new['credits'], target
        return max(0, new['credits'] - self.tariff(current)['credits']), target

    @staticmethod
    def suspend_value(service, value):
        if value is None:
            return None
        if isinstance(value, str) and value.lower() in ('true', '1', 'false', '0'):
            value = value.lower() in ('true', '1')
        if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
            value = bool(value)
        if not isinstance(value, bool):
            raise PartnerError(400, 'suspended must be true or false')
        if not value and service['suspended'] and service.get('suspend_reason') not in (None, 'partner'):
            raise PartnerError(403, 'A service suspended by the system cannot be unsuspended through the Partner API')
        return value

    def set_suspension(self, request, service_id):
        if self.store.config['live_service_suspension'] != 'suspension_resource':
            raise PartnerError(404, 'Not Found')
        service = self.live_service(service_id)
        body = self.patch_body(request)
        if set(body) != {'suspend'} or body['suspend'] not in (0, 1, '0', '1') or isinstance(body['suspend'], bool):
            raise PartnerError(400, 'Send {"suspend": 1} or {"suspend": 0}')
        suspended = self.suspend_value(service, int(body['suspend']))
        if suspended != service['suspended']:
            service.update(suspended=suspended, suspend_reason='partner' if suspended else None)
        return ok(self.render_live_service(service))

    def terminate_live_service(self, _request, service_id):
        # KB 406: a live service is deleted (terminated) by its id; the product record goes with it.
        service = self.live_service(service_id)
        self.store.data['live_services'].remove(service)
        return ok({'id': service['id'], 'terminated': True})

    def create_product(self, request, collection):
        """KB 407 (outMail; the other products by analogy): a client id (or the partner's own), a service name from the
        price list and an optional whmcs_service_id. The package's credits are charged; too few: 405."""
        product = PRODUCT_PATHS[collection]
        body = self.patch_body(request)
        field = self.store.config['create_service_field']
        name = body.get(field)
        if not isinstance(name, str) or not name:
            raise PartnerError(400, '%s is required' % field)
        tariff = self.tariff(name)
        if tariff is None or tariff['product'] != product:
            raise PartnerError(400, '%s is not a %s package' % (name, product))
        client_id = str(body.get('client_id', ''))
        partner_id = str(self.store.data['partner']['id'])
        if client_id != partner_id:
            client = self.client(client_id)
            if client.get('deleted') or not client['active']:
                raise PartnerError(400, 'Client %s is not active' % client_id)
        whmcs = body.get('whmcs_service_id')
        if whmcs is not None and not isinstance(whmcs, (str, int)):
            raise PartnerError(400, 'whmcs_service_id must be a string')
        if tariff['credits'] > self.balance():
            raise PartnerError(405, 'Insufficient partner credits')
        self.store.data['partner']['partner_credits'] = self.balance() - tariff['credits']
        services = self.store.data['live_services']
        service = {'id': max([FIRST_LIVE_SERVICE_ID] + [entry['id'] for entry in services]) + 1, 'client_id': int(client_id),
                   'product': product, 'tariff_service_name': name, 'suspended': False, 'suspend_reason': None,
                   'whmcs_service_id': None if whmcs in (None, '') else str(whmcs),
                   'record_id': max([FIRST_RECORD_ID] + [entry['record_id'] for entry in services]) + 1, 'created': 'now'}
        services.append(service)
        return ok(self.render_product(service))

    # The contradict fault: a success that says something other than what was asked, with nothing applied.

    def contradiction(self, request):
        sub_path = request.path[len(PARTNER_PREFIX):].rstrip('/')
        match = re.fullmatch(r'/live_services/(\d+)', sub_path)
        services = self.store.data['live_services']
        if match is None or not any(str(service['id']) == match.group(1) for service in services):
            return ok({})
        position = [str(service['id']) for service in services].index(match.group(1))
        service = services[position]
        if request.method == 'GET':
            # Another service's record for the id asked for.
            return ok(self.render_live_service(services[(position + 1) % len(services)]))
        try:
            asked = self.patch_body(request).get('tariff_service_name')
        except PartnerError:
            asked = None
        others = [t['service_name'] for t in self.store.data['tariffs']
                  if t['product'] == service['product'] and t['service_name'] not in (asked, service['tariff_service_name'])]
        shown = dict(service, tariff_service_name=others[0] if others else service['tariff_service_name'])
        return ok(self.render_live_service(shown))

    # Product records

    def list_products(self, request, collection):
        product = PRODUCT_PATHS[collection]
        items = [self.render_product(s) for s in self.store.data['live_services'] if s['product'] == product]
        return ok(self.filtered(request, items))

    def get_product(self, _request, collection, record_id):
        product = PRODUCT_PATHS[collection]
        for service in self.store.data['live_services']:
            if service['product'] == product and str(service['record_id']) == record_id:
                return ok(self.render_product(service))
        raise PartnerError(404, '%s %s not found' % (product, record_id))
