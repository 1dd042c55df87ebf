"""A small HTTP server on 127.0.0.1 that answers from a script and records everything it receives.

Tests use it where the emulator would be too well-behaved: as the other origin a redirect
points to (it must never be contacted, so nothing it records may hold a credential), and as
a broken or hostile endpoint that answers whatever a test tells it to.

A script entry is a callable ``(request) -> Answer`` or an ``Answer``; the last entry answers
every request after the script runs out. ``Answer.body`` may be bytes, text, or a callable
that writes to the socket itself (to trickle bytes, say).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Answer:
    def __init__(self, status=200, body=b'', headers=None, content_type='application/json'):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.content_type = content_type

    @classmethod
    def json(cls, status, value, headers=None):
        return cls(status, json.dumps(value).encode('utf-8'), headers)


class Received:
    """One request as the server saw it."""

    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        # When it arrived (time.monotonic()), to tell what was sent after a deadline.
        self.at = time.monotonic()

    def text(self):
        """Everything the request carried, as one text to search for secrets."""
        headers = '\n'.join('%s: %s' % item for item in self.headers.items())
        return '%s %s\n%s\n\n%s' % (self.method, self.path, headers, self.body.decode('utf-8', 'replace'))


class ScriptedServer:
    def __init__(self, script=None):
        self.script = list(script or [Answer.json(200, {})])
        self.received = []
        self.lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self._server.server_port

    def answer_for(self, request):
        with self.lock:
            self.received.append(request)
            entry = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return entry(request) if callable(entry) else entry

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *_arguments):
                pass

            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                answer = owner.answer_for(Received(self.command, self.path, dict(self.headers), body))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if callable(answer.body):
                    self.send_header('Content-Type', answer.content_type)
                    self.send_header('Connection', 'close')
                    self.end_headers()
                    answer.body(self.wfile)
                    self.close_connection = True
                    return
                data = answer.body.encode('utf-8') if isinstance(answer.body, str) else answer.body
                self.send_header('Content-Type', answer.content_type)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
