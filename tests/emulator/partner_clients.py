"""The clients of the Partner API (KB 392-401): listed, read, created, edited, suspended, unsuspended and deleted.

A mixin of PartnerApi (partner.py), which routes to these handlers and gives them ``store``, ``filtered`` and
``patch_body``; the error and the success envelope both files answer with are here.
"""

from .common import json_response

CLIENT_FIELDS = ('id', 'external_userid', 'email', 'username', 'title', 'firstname', 'surname', 'company', 'active',
                 'client_status_id', 'verified', 'partner_id')
# What a partner may set on a client (KB 392 names all but company, which the emulator adds).
CLIENT_EDITABLE = ('external_userid', 'email', 'username', 'title', 'firstname', 'surname', 'company')
# KB 399: a deleted client is anonymised, not removed: everything a partner set on it is emptied.
CLIENT_ANONYMISED = CLIENT_EDITABLE
FIRST_CLIENT_ID = 9987600


class PartnerError(Exception):

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def ok(data, meta=None):
    envelope_meta = {'success': True}
    if isinstance(data, list):
        envelope_meta['count'] = len(data)
    envelope_meta.update(meta or {})
    return json_response(200, {'meta': envelope_meta, 'data': data})


class ClientResource:
    """The handlers of /clients and /clients/self."""

    def list_clients(self, request):
        shown = [client for client in self.store.data['clients']
                 if not (client.get('deleted') and self.store.config['deleted_client_read'] == 'not_found')]
        clients = [self.render_client(client) for client in shown]
        return ok(self.filtered(request, clients))

    def client_self(self, _request):
        partner = self.store.data['partner']
        data = dict((key, value) for key, value in partner.items() if key not in ('api_key', 'partner_id'))
        data['partner_credits'] = self.balance()
        return ok(data)

    def client(self, client_id):
        for client in self.store.data['clients']:
            if str(client['id']) == str(client_id):
                if client.get('deleted') and self.store.config['deleted_client_read'] == 'not_found':
                    break
                return client
        raise PartnerError(404, 'Client %s not found' % client_id)

    @staticmethod
    def render_client(client):
        return dict((key, client.get(key)) for key in CLIENT_FIELDS)

    def get_client(self, _request, client_id):
        return ok(self.render_client(self.client(client_id)))

    def client_fields(self, request, required=()):
        body = self.patch_body(request)
        unknown = sorted(set(body) - set(CLIENT_EDITABLE) - {'active'})
        if unknown:
            raise PartnerError(400, 'Unknown client field(s): %s' % ', '.join(unknown))
        for name in CLIENT_EDITABLE:
            if name in body and not isinstance(body[name], str):
                raise PartnerError(400, '%s must be a string' % name)
        for name in required:
            if not body.get(name):
                raise PartnerError(400, '%s is required' % name)
        return body

    def create_client(self, request):
        body = self.client_fields(request, required=('email',))
        if 'active' in body:
            raise PartnerError(400, 'A new client is always active')
        clients = self.store.data['clients']
        client = dict((name, body.get(name)) for name in CLIENT_EDITABLE)
        client.update(id=max([FIRST_CLIENT_ID - 1] + [c['id'] for c in clients]) + 1, username=body.get('username') or body['email'],
                      active=1, client_status_id=1, verified=0, partner_id=self.store.data['partner']['id'])
        clients.append(client)
        # KB 392: "the client ID is returned during the initial create"; 200, as the samples test for.
        return ok(self.render_client(client))

    def edit_client(self, request, client_id):
        client = self.client(client_id)
        body = self.client_fields(request)
        if 'active' in body:
            if self.store.config['client_enable'] != 'client_patch':
                raise PartnerError(400, 'active cannot be set here: use /clients/%s/enabled' % client_id)
            self.enable_client(client, body.pop('active'))
        if client.get('deleted') and body:
            raise PartnerError(400, 'Client %s is deleted' % client_id)
        client.update(body)
        return ok(self.render_client(client))

    def set_client_enabled(self, request, client_id):
        if self.store.config['client_enable'] != 'enabled_resource':
            raise PartnerError(404, 'Not Found')
        client = self.client(client_id)
        body = self.patch_body(request)
        if set(body) != {'enable'}:
            raise PartnerError(400, 'Send {"enable": 1} or {"enable": 0}')
        self.enable_client(client, body['enable'])
        return ok(self.render_client(client))

    def enable_client(self, client, value):
        if isinstance(value, str) and value in ('0', '1'):
            value = int(value)
        if isinstance(value, bool) or value not in (0, 1):
            raise PartnerError(400, 'enable must be 0 or 1')
        if client.get('deleted'):
            raise PartnerError(400, 'Client %s is deleted' % client['id'])
        if value == client['active']:
            return
        client['active'] = value
        if not value:
            # Suspending a client suspends its services; KB 401: unsuspending it leaves them suspended.
            for service in self.client_services(client['id']):
                if not service['suspended']:
                    service.update(suspended=True, suspend_reason='partner')

    def client_services(self, client_id):
        return [service for service in self.store.data['live_services'] if str(service['client_id']) == str(client_id)]

    def delete_client(self, _request, client_id):
        client = self.client(client_id)
        if not client.get('deleted'):
            # KB 399: anonymised, disabled, and every service suspended but not deleted.
            client.update(dict.fromkeys(CLIENT_ANONYMISED), active=0, deleted=True)
            for service in self.client_services(client_id):
                if not service['suspended']:
                    service.update(suspended=True, suspend_reason='partner')
        return ok(self.render_client(client))
