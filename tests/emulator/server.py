"""The WSGI application (vendor dispatch, faults, request log, control endpoints) and the Emulator class."""

import contextlib
import json
import socket
import sys
import threading
import traceback

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .common import TOKEN_PATH, api_of, json_response, vendor_error
from .faults import APPLYING_KINDS, FaultRegistry, RequestLog
from .oauth import OAuth
from .partner import PartnerApi, envelope_style
from .retailer import RetailerApi
from .state import Store

CONTROL_PREFIX = '/_emulator'
FAULT_OPTIONS = ('route', 'method', 'count', 'probability', 'seed', 'status', 'retry_after', 'seconds', 'location')
# What a proxy in front of the vendor sends when the upstream connection breaks after the request went through (Envoy's words).
PROXY_TEXT = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination'
HTML_PAGE = ('<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n'
             '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's per-request access log would flood test output; the request log replaces it."""

    def log_request(self, code='-', size='-'):
        del code, size


def _drop(environ):
    # shutdown() (not close()) makes Werkzeug's own write fail with a broken pipe, which it treats as a
    # dropped client quietly; the client sees the connection end with no status line.
    sock = environ.get('werkzeug.socket')
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    return Response(b'', status=500)


class Application:
    """The WSGI callable shared by the in-process Emulator and the CLI."""

    def __init__(self, fixture='default', config=None):
        self.store = Store(fixture, config)
        self.faults = FaultRegistry()
        self.log = RequestLog()
        self.oauth = OAuth(self.store)
        self.partner = PartnerApi(self.store)
        self.retailer = RetailerApi(self.store)

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + '/'):
            return self.control(request)(environ, start_response)
        entry = self.log.start(request.method, request.path, request.args.to_dict(), api_of(request.path))
        response = self.vendor(request, environ)
        self.log.finish(entry, None if response is None else response.status_code)
        if response is None:
            response = _drop(environ)
        return response(environ, start_response)

    def vendor(self, request, environ):
        """The vendor response, or None when the connection is to be dropped."""
        latency, fault = self.faults.select(request.method, request.path)
        # The latency switch is the network and the vendor's own time of every request, as a benchmark wants it.
        latency += self.store.config['latency']
        if latency:
            self.faults.sleep(latency)
        if fault is not None and fault.kind not in APPLYING_KINDS:
            return self.fault_response(fault, request)
        request.get_data(cache=True)
        if fault is not None and fault.kind == 'late_apply':
            # The request is held past the client's timeout and only then applied: the client has given up on it.
            self.faults.sleep(fault.seconds)
        response = self.dispatch(request)
        if fault is None or fault.kind == 'late_apply':
            return response
        if fault.kind == 'applied_answer':
            return self.applied_answer(fault.status)
        return None

    @staticmethod
    def applied_answer(status):
        """The answer to a request that was applied: a proxy's bare 5xx, an empty 201 or 204, or a 200 that is not JSON."""
        if status >= 500:
            return Response(PROXY_TEXT, status=status, content_type='text/plain')
        if status == 200:
            return Response('OK', status=200, content_type='text/plain')
        return Response(b'', status=status)

    def fault_response(self, fault, request):
        if fault.kind == 'status':
            headers = {'Retry-After': str(fault.retry_after)} if fault.retry_after is not None else None
            if fault.status == 429 and not self.store.config['retry_after']:
                headers = None
            flat = envelope_style(self.store.config)
            return vendor_error(request.path, fault.status, 'Injected fault: HTTP %d' % fault.status, flat=flat, headers=headers)
        if fault.kind == 'html':
            reason = Response(status=fault.status).status.split(' ', 1)[1]
            return Response(HTML_PAGE.format(status=fault.status, reason=reason), status=fault.status,
                            content_type='text/html')
        if fault.kind == 'hang':
            self.faults.sleep(fault.seconds)
        if fault.kind == 'redirect':
            # The same path and query on another origin, as a misconfigured or hostile proxy would send it.
            location = fault.location.rstrip('/') + request.full_path.rstrip('?')
            return Response(b'', status=fault.status, headers={'Location': location})
        if fault.kind == 'contradict':
            with self.store.lock:
                return self.contradiction(request)
        return None

    def contradiction(self, request):
        """A success that contradicts the request, with nothing applied (see README: the contradict fault)."""
        api = api_of(request.path)
        if api == 'partner':
            return self.partner.contradiction(request)
        if api == 'retailer' and self.oauth.check_bearer(request) is None:
            return self.retailer.contradiction(request)
        return json_response(200, {})

    def dispatch(self, request):
        try:
            api = api_of(request.path)
            if api == 'partner':
                return self.partner(request)
            if api == 'oauth':
                return self.oauth.token_endpoint(request)
            denied = self.oauth.check_bearer(request)
            return denied if denied is not None else self.retailer(request)
        except Exception:  # pylint: disable=broad-exception-caught
            # A bug in the emulator must still look like a vendor 500 to the client under test.
            traceback.print_exc(file=sys.stderr)
            return vendor_error(request.path, 500, 'Emulator internal error')

    # Control endpoints

    def control(self, request):
        try:
            return self._control(request)
        except (ValueError, TypeError) as error:
            return json_response(400, {'error': str(error)})

    def _control(self, request):
        resource = request.path[len(CONTROL_PREFIX):].strip('/')
        method = request.method
        body = {}
        if method in ('POST', 'PATCH') and request.get_data():
            body = json.loads(request.get_data().decode('utf-8'))
            if not isinstance(body, dict):
                raise ValueError('the body must be a JSON object')
        if resource == 'requests' and method == 'GET':
            return json_response(200, self.log.list(api=request.args.get('api'), method=request.args.get('method')))
        if resource == 'requests' and method == 'DELETE':
            self.log.clear()
            return json_response(200, {'cleared': True})
        if resource == 'writes' and method == 'GET':
            return json_response(200, self.log.writes())
        if resource == 'label' and method == 'POST':
            label = body.get('label')
            if label is not None and not isinstance(label, str):
                raise ValueError('label must be a string or null')
            self.log.label = label
            return json_response(200, {'label': label})
        if resource == 'reset' and method == 'POST':
            self.reset(body.get('fixture'))
            return json_response(200, {'reset': True, 'fixture': body.get('fixture') or self.store.fixture})
        if resource == 'config' and method == 'GET':
            return json_response(200, dict(self.store.config))
        if resource == 'config' and method == 'PATCH':
            self.store.configure(**body)
            return json_response(200, dict(self.store.config))
        if resource == 'faults' and method == 'GET':
            return json_response(200, self.faults.list())
        if resource == 'faults' and method == 'POST':
            unknown = set(body) - set(FAULT_OPTIONS) - {'kind'}
            if unknown or 'kind' not in body:
                raise ValueError('a fault needs "kind" and only the options %s' % ', '.join(FAULT_OPTIONS))
            return json_response(200, self.faults.add(body.pop('kind'), **body))
        if resource == 'faults' and method == 'DELETE':
            self.faults.clear()
            return json_response(200, {'cleared': True})
        if resource == 'tokens/expire' and method == 'POST':
            self.oauth.expire_all()
            return json_response(200, {'expired': True})
        if resource == 'state' and method == 'GET':
            return json_response(200, self.store.snapshot())
        if resource == 'state' and method == 'PUT':
            self.store.load(json.loads(request.get_data().decode('utf-8')))
            return json_response(200, {'loaded': True})
        return json_response(404, {'error': 'unknown control endpoint %s %s' % (method, request.path)})

    def reset(self, fixture=None):
        self.faults.clear()
        self.store.reset(fixture)
        self.log.clear()


class Emulator:
    """Both vendor APIs on one threaded local HTTP server (see README.md)."""

    def __init__(self, fixture='default', config=None, host='127.0.0.1', port=0):
        self.app = Application(fixture, config)
        self.host = host
        self.port = port
        self._server = None
        self._thread = None

    @property
    def url(self):
        if self._server is None:
            raise RuntimeError('the emulator is not started')
        return 'http://%s:%d' % (self.host, self._server.server_port)

    @property
    def partner_url(self):
        return self.url + '/api-v1'

    @property
    def retailer_url(self):
        return self.url

    @property
    def token_url(self):
        return self.url + TOKEN_PATH

    def start(self):
        if self._server is not None:
            return self
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name='emulator', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is None:
            return
        self.app.faults.release()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self, fixture=None):
        self.app.reset(fixture)

    def configure(self, **switches):
        self.app.store.configure(**switches)

    def config(self):
        return dict(self.app.store.config)

    def add_fault(self, kind, route=None, method=None, count=None, probability=None, seed=None, status=None,
                  retry_after=None, seconds=None, location=None):
        return self.app.faults.add(kind, route=route, method=method, count=count, probability=probability, seed=seed,
                                   status=status, retry_after=retry_after, seconds=seconds, location=location)

    def clear_faults(self):
        self.app.faults.clear()

    def faults(self):
        return self.app.faults.list()

    def requests(self, api=None, method=None):
        return self.app.log.list(api=api, method=method)

    def writes(self):
        return self.app.log.writes()

    def clear_requests(self):
        self.app.log.clear()

    def label_requests(self, label):
        """Tag the requests logged from now on with ``label`` (None: no label), as ``POST /_emulator/label`` does."""
        self.app.log.label = label

    def expire_tokens(self):
        self.app.oauth.expire_all()

    def connection_environment(self):
        """The environment variables the modules fall back to for their connection options, set to this emulator.

        A playbook written for the real APIs runs unchanged against the emulator with these set.
        """
        state = self.snapshot()
        oauth_client = state['retailer']['oauth_clients'][0]
        user = state['retailer']['users'][0]
        return {
            'EMULATOR_URL': self.url,
            'MYENGINE_API_URL': self.partner_url,
            'MYENGINE_PARTNER_ID': str(state['partner']['partner_id']),
            'MYENGINE_API_KEY': state['partner']['api_key'],
            'MAILUP_API_URL': self.retailer_url,
            'MAILUP_CLIENT_ID': oauth_client['client_id'],
            'MAILUP_CLIENT_SECRET': oauth_client['client_secret'],
            'MAILUP_USERNAME': user['username'],
            'MAILUP_PASSWORD': user['password'],
        }

    def snapshot(self):
        return self.app.store.snapshot()

    def load_state(self, state):
        self.app.store.load(state)

    @contextlib.contextmanager
    def edit_state(self):
        """A snapshot to change in place; it becomes the emulator's state when the block ends (``PUT /_emulator/state``)."""
        state = self.snapshot()
        yield state
        self.load_state(state)
