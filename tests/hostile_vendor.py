"""Both vendors' APIs, answered well-formed by a ScriptedServer, with any route replaced by a hostile answer.

The emulator behaves as the documented APIs do, with faults the vendors' own servers could
show; this server answers what a broken or hostile endpoint might (a body that trickles in,
the same page forever, a shape the API never documents, a secret echoed back), route by
route, so that a test can aim one hostile answer at one request of a module and see the rest
of the exchange go as a well-behaved vendor would have it.

Credentials are the emulator's (tests/emulator/fixtures/default.json), so that the secret
scan of the test run looks for exactly them in what the modules print.
"""

import json
import re
import threading
import time

from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from scripted_server import Answer, ScriptedServer

SERVICE_ID = 1
ACCOUNT_ID = 7
EXTERNAL_USER_ID = 'customer-7'
RETAILER_SERVICE = '/API/v1.1/Rest/RetailerService.svc'
TOKEN = 'hostile-access-token-5e1f77a0'
REFRESH_TOKEN = 'hostile-refresh-token-0c42b9'


def envelope(data, **meta):
    return {'data': data, 'meta': dict({'success': True}, **meta)}


def live_service(tariff='Outmail500', **fields):
    service = {'id': SERVICE_ID, 'client_id': 5, 'product': 'outmail', 'tariff_service_name': tariff,
               'regrade_servicenames': ['Outmail500', 'Outmail1000'], 'suspended': False, 'whmcs_service_id': '77'}
    service.update(fields)
    return service


def price_list(**fields):
    prices = [{'service_name': 'Outmail500', 'product': 'outmail', 'credits': 5},
              {'service_name': 'Outmail1000', 'product': 'outmail', 'credits': 10}]
    return envelope([dict(price, **fields) for price in prices], partner_credits=100)


def page(items, total=None):
    return {'Items': items, 'TotalElementsCount': len(items) if total is None else total, 'IsPaginated': True}


PROFILES = [{'Id': 1, 'Name': 'Basic', 'Description': 'The basic profile', 'ClientCode': 'B'},
            {'Id': 2, 'Name': 'Pro', 'Description': 'The pro profile', 'ClientCode': 'P'}]
PACKS = [{'Id': 3, 'Name': 'Extra users', 'Description': 'Users', 'Min': 0, 'Max': 50}]


def account_status(**fields):
    status = {'IdAccount': ACCOUNT_ID, 'Code': 0, 'Description': 'Enabled', 'IdProfile': 1,
              'ActivePacks': [{'Id': 3, 'Quantity': 2, 'CurrentQuantity': 2}]}
    status.update(fields)
    return status


def well_formed_routes():
    """(method, path pattern, answer) of a vendor that answers every request of the modules as documented."""
    token = {'access_token': TOKEN, 'refresh_token': REFRESH_TOKEN, 'token_type': 'bearer', 'expires_in': 3600}
    return [
        ('GET', r'^/live_services/service_names', Answer.json(200, price_list())),
        ('GET', r'^/live_services/%d$' % SERVICE_ID, Answer.json(200, envelope(live_service()))),
        ('GET', r'^/live_services(\?|$)', Answer.json(200, envelope([live_service()]))),
        ('PATCH', r'^/live_services/%d$' % SERVICE_ID, Answer.json(200, envelope(live_service('Outmail1000')))),
        ('GET', r'^/clients/self', Answer.json(200, envelope({'id': 100200, 'partner_credits': 95}))),
        ('POST', r'^/Authorization/OAuth/Token', Answer.json(200, token)),
        ('GET', r'/Management/Profile/\d+/Pack', Answer.json(200, page(PACKS))),
        ('GET', r'/Management/Profile(\?|$)', Answer.json(200, page(PROFILES))),
        ('GET', r'/Account/%d/Status' % ACCOUNT_ID, Answer.json(200, account_status())),
        ('PUT', r'/Account/%d/Profile/\d+' % ACCOUNT_ID, Answer.json(200, {})),
        ('PUT', r'/Account/%d\?' % ACCOUNT_ID, Answer.json(200, {'Code': 1, 'Description': 'Deactivated'})),
        ('POST', r'/Account/%d/Pack/\d+' % ACCOUNT_ID, Answer.json(200, {'Code': 0, 'Description': 'Success'})),
        ('DELETE', r'/Account/%d$' % ACCOUNT_ID, Answer(200, b'')),
    ]


class HostileVendor(ScriptedServer):
    """A ScriptedServer that routes: ``hostile`` is ``(method, pattern, answer)`` rows tried before the well-formed ones.

    An answer may be an Answer, or a callable ``(request, count) -> Answer`` where ``count`` is how many requests
    this row has answered before (to answer differently each time, or to echo the request).
    """

    def __init__(self, *hostile):
        super(HostileVendor, self).__init__()
        self.routes = [list(row) + [0] for row in hostile] + [list(row) + [0] for row in well_formed_routes()]

    def answer_for(self, request):
        with self.lock:
            self.received.append(request)
            for route in self.routes:
                method, pattern, answer, count = route
                if method == request.method and re.search(pattern, request.path):
                    route[3] += 1
                    break
            else:
                return Answer.json(404, {'error': {'name': 'NotFound', 'message': 'no such route'}})
        return answer(request, count) if callable(answer) else answer

    def sent(self):
        """(method, path without its query) of every request received, in order."""
        return [(request.method, request.path.split('?')[0].replace(RETAILER_SERVICE, '')) for request in self.received]

    def partner_args(self, **options):
        args = dict(PARTNER_LOGIN, api_url=self.url, timeout=1)
        args.update(options)
        return args

    def retailer_args(self, account=True, **options):
        args = dict(RETAILER_LOGIN, api_url=self.url, timeout=1, rate_limit=0)
        if account:
            args.update(account_id=ACCOUNT_ID, external_user_id=EXTERNAL_USER_ID)
        args.update(options)
        return args


# Hostile bodies

def trickle(total_bytes=200, every=1.5):
    """A body that sends one byte every ``every`` seconds: each read of the socket succeeds, the answer never ends."""
    stop = threading.Event()

    def write(socket_file):
        for _index in range(total_bytes):
            try:
                socket_file.write(b' ')
                socket_file.flush()
            except OSError:
                return
            if stop.wait(every):
                return
    return Answer(200, write)


def deeply_nested(depth=100000):
    return Answer(200, '[' * depth + ']' * depth)


def same_page_forever(items, total=10 ** 9):
    return Answer.json(200, page(items, total))


def new_page_every_time(request, count):
    return Answer.json(200, page([{'Id': 1000 + count, 'Name': 'Profile %d' % count}], total=10 ** 9))


def echo(status=400, what='body'):
    """An error that quotes the request back: its body (a form, URL-encoded) or its headers (the Basic credentials)."""
    def answer(request, _count):
        quoted = request.body.decode('utf-8', 'replace') if what == 'body' else json.dumps(request.headers)
        return Answer.json(status, {'error': {'name': 'BadRequest', 'message': 'cannot handle %s' % quoted},
                                    'error_description': 'cannot handle %s' % quoted})
    return answer


def page_with_secret_at(position, secret, status=502):
    """An HTML error page whose text holds ``secret`` at ``position``, so that a 200-character excerpt would cut it."""
    text = 'x' * position + secret + ' and more text after it'
    return Answer(status, '<html><body><p>%s</p></body></html>' % text, content_type='text/html')


class Stopwatch:
    def __enter__(self):
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.monotonic() - self.started
