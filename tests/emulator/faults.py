"""Fault injection and the request log.

Faults are checked before a request reaches the vendor handlers; a fault that must not
apply the request answers (or drops) without calling the handler at all.
"""

import random
import re
import threading
import time

FAULT_KINDS = ('latency', 'status', 'drop_before', 'drop_after', 'html', 'hang', 'applied_answer', 'late_apply', 'redirect',
               'contradict')
# Kinds that let the request reach the vendor handlers (and so change the state) before they act.
APPLYING_KINDS = ('drop_after', 'applied_answer', 'late_apply')
STATUS_FAULTS = (429, 500, 502, 503, 504)
# What a write may be answered with after it was applied: a proxy's bare 5xx, or a success the client does not expect.
APPLIED_ANSWERS = (200, 201, 204, 500, 502, 503, 504)
REDIRECTS = (301, 302, 303, 307, 308)


class Fault:
    """One registered fault; ``count`` and the random generator are consumed as it fires."""

    def __init__(self, fault_id, kind, route=None, method=None, count=None, probability=None, seed=None,
                 status=None, retry_after=None, seconds=None, location=None):
        if kind not in FAULT_KINDS:
            raise ValueError('unknown fault kind %r (expected one of %s)' % (kind, ', '.join(FAULT_KINDS)))
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ValueError('count must be a positive integer')
        if probability is not None and not 0 <= probability <= 1:
            raise ValueError('probability must be between 0 and 1')
        if kind == 'status':
            status = 503 if status is None else status
            if status not in STATUS_FAULTS:
                raise ValueError('status fault must be one of %s' % (', '.join(str(s) for s in STATUS_FAULTS)))
        elif kind == 'html':
            status = 502 if status is None else status
            if not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError('html fault status must be 400..599')
        elif kind == 'applied_answer':
            status = 502 if status is None else status
            if status not in APPLIED_ANSWERS:
                raise ValueError('applied_answer fault status must be one of %s' % ', '.join(str(s) for s in APPLIED_ANSWERS))
        elif kind == 'redirect':
            status = 307 if status is None else status
            if status not in REDIRECTS:
                raise ValueError('redirect fault status must be one of %s' % ', '.join(str(s) for s in REDIRECTS))
            if not isinstance(location, str) or not location.startswith(('http://', 'https://')):
                raise ValueError('a redirect fault needs location, an http:// or https:// URL')
        if kind == 'status' and status == 429 and retry_after is None:
            # A 429 without Retry-After would not look like MailUp's rate limiter.
            retry_after = 1
        if seconds is None:
            seconds = {'hang': 60.0, 'latency': 1.0, 'late_apply': 3.0}.get(kind)
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0):
            raise ValueError('seconds must be a non-negative number')
        self.id = fault_id
        self.kind = kind
        self.route = route
        self.pattern = re.compile(route) if route else None
        self.method = method.upper() if method else None
        self.count = count
        self.probability = probability
        self.seed = seed
        self.random = random.Random(seed)
        self.status = status
        self.retry_after = retry_after
        self.seconds = seconds
        self.location = location
        self.fired = 0

    def matches(self, method, path):
        if self.method and self.method != method.upper():
            return False
        return self.pattern is None or self.pattern.search(path) is not None

    def describe(self):
        return {'id': self.id, 'kind': self.kind, 'route': self.route, 'method': self.method, 'count': self.count,
                'probability': self.probability, 'seed': self.seed, 'status': self.status,
                'retry_after': self.retry_after, 'seconds': self.seconds, 'location': self.location, 'fired': self.fired}


class FaultRegistry:
    """The active faults; ``release`` wakes every sleeping latency or hang fault (reset, clear, stop)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []
        self.next_id = 1
        self.release_event = threading.Event()

    def add(self, kind, **options):
        with self.lock:
            fault = Fault(self.next_id, kind, **options)
            self.next_id += 1
            self.faults.append(fault)
            return fault.describe()

    def clear(self):
        with self.lock:
            self.faults = []
            self.release()

    def release(self):
        # Sleepers hold the old event; a fresh one keeps later faults sleeping.
        self.release_event.set()
        self.release_event = threading.Event()

    def list(self):
        with self.lock:
            return [fault.describe() for fault in self.faults]

    def sleep(self, seconds):
        self.release_event.wait(seconds)

    def select(self, method, path):
        """The total added latency and the first terminal fault (or None) for this request."""
        latency = 0.0
        terminal = None
        with self.lock:
            for fault in list(self.faults):
                if not fault.matches(method, path):
                    continue
                if fault.kind != 'latency' and terminal is not None:
                    continue
                if fault.probability is not None and fault.random.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                if fault.kind == 'latency':
                    latency += fault.seconds
                else:
                    terminal = fault
        return latency, terminal


class RequestLog:
    """Every vendor request in arrival order; the entry is filled in with the status when it completes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []
        # Set by a test harness (POST /_emulator/label) to tell whose requests these are, such as the task now running.
        self.label = None

    def start(self, method, path, query, api):
        entry = {'method': method, 'path': path, 'query': query, 'status': None, 'time': time.time(), 'api': api, 'label': self.label}
        with self.lock:
            self.entries.append(entry)
        return entry

    def finish(self, entry, status):
        with self.lock:
            entry['status'] = status

    def clear(self):
        with self.lock:
            self.entries = []
            self.label = None

    def list(self, api=None, method=None):
        with self.lock:
            return [dict(entry, query=dict(entry['query'])) for entry in self.entries
                    if (api is None or entry['api'] == api) and (method is None or entry['method'] == method.upper())]

    def writes(self):
        return [entry for entry in self.list() if entry['method'] not in ('GET', 'HEAD') and entry['api'] != 'oauth']
