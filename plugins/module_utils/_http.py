# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place of the collection that speaks HTTP.

Everything vendor-specific (paths, bodies, the meaning of a status) lives in the
API classes; this module only knows how to send a request safely, when sending it
again is harmless, and how to turn any failure into one ApiError.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import contextlib
import email.utils
import http.client
import random
import threading
import time
import traceback

from urllib.parse import urlencode, urlsplit

from ansible.module_utils.basic import missing_required_lib

# ApiError is imported from here by the API classes and the modules: one import path for the HTTP layer.
from ansible_collections.channel.partner.plugins.module_utils._errors import (
    ApiError,
    SCANNED_TEXT,
    basic_credentials,
    joined,
    mask,
    text_excerpt,
)
from ansible_collections.channel.partner.plugins.module_utils._exchange import (
    MAX_ANSWER_BYTES,
    READ_METHODS,
    ApiResponse,
    ExchangeProblem,
    exchange,
)
from ansible_collections.channel.partner.plugins.module_utils._http_failures import describe_exception, never_sent, retryable_exception
from ansible_collections.channel.partner.plugins.module_utils._pacing import Pacer, Pacing
from ansible_collections.channel.partner.plugins.module_utils._urls import check_base_url
from ansible_collections.channel.partner.plugins.module_utils._values import ShapeError

try:
    import requests
    from requests.exceptions import RequestException
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    requests = None

    class RequestException(Exception):
        """Stands in so that ``except RequestException`` still parses without requests."""
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None


COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'channel.partner/%s' % COLLECTION_VERSION


def missing_requests_message():
    return missing_required_lib('requests')


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None when unusable."""
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (AttributeError, TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def no_vendor_error(_response):
    # Without a vendor's parser the error message falls back to an excerpt of the body.
    return None, None


class HttpClient:
    """A requests Session with the retry rules of the collection.

    One instance per module run, so that connections are reused and every call
    of the run shares one retry budget for sleeping.

    Safe to use from several threads (the workers of a bulk task): each request borrows a Session that no other
    request uses meanwhile (requests does not promise that one Session may be shared), and the request count, the
    retry budget and the pacing are kept under locks. The task's ``deadline`` is shared by every thread; ``until``
    narrows it for the calling thread only.
    """

    MAX_ATTEMPTS = 4
    BACKOFF_BASE = 0.5
    BACKOFF_MAX = 8.0
    RETRY_AFTER_CAP = 30.0
    TOTAL_SLEEP_BUDGET = 60.0

    def __init__(self, base_url, timeout=30, validate_certs=True, ca_path=None, allow_plain_http=False,
                 auth=None, headers=None, error_parser=None, max_attempts=None, backoff_base=None,
                 backoff_max=None, retry_after_cap=None, total_sleep_budget=None, sleep=None,
                 jitter=None, secrets=None, session=None, max_requests_per_second=None, clock=None, max_answer_bytes=None,
                 rate_limit_scope='resource'):
        self.base_url = check_base_url(base_url, allow_plain_http)
        self.timeout = float(timeout) if timeout is not None else None
        self.verify = (ca_path or True) if validate_certs else False
        self.error_parser = error_parser or no_vendor_error
        self.max_attempts = max(1, int(max_attempts if max_attempts is not None else self.MAX_ATTEMPTS))
        self.backoff_base = float(backoff_base if backoff_base is not None else self.BACKOFF_BASE)
        self.backoff_max = float(backoff_max if backoff_max is not None else self.BACKOFF_MAX)
        self.retry_after_cap = float(retry_after_cap if retry_after_cap is not None else self.RETRY_AFTER_CAP)
        self.total_sleep_budget = float(total_sleep_budget if total_sleep_budget is not None else self.TOTAL_SLEEP_BUDGET)
        self.sleep = sleep or time.sleep
        self.jitter = jitter or random.random
        self.secrets = set(secret for secret in (secrets or ()) if secret)
        self.request_count = 0
        self.slept = 0.0
        self.clock = clock or time.monotonic
        # One window per resource (or per token), each safe to share between threads.
        self.pacer = Pacing(max_requests_per_second, rate_limit_scope, sleep=self.sleep, clock=self.clock)
        self.max_answer_bytes = int(max_answer_bytes or MAX_ANSWER_BYTES)
        # The task's own deadline (monotonic seconds; None: none), seen by every thread: every request, retry and wait ends
        # by then. ``until`` narrows it for one thread, around a wait such as a profile change's polling.
        self.deadline = None
        self._narrowed = threading.local()
        self.retry_after_seen = []
        self._lock = threading.Lock()
        # A Session given by the caller is its own to make safe, and is shared; otherwise each thread in flight gets its own.
        self._shared_session = session is not None
        if session is None:
            if not HAS_REQUESTS:
                raise ApiError(message=missing_requests_message())
            session = requests.Session()
        self.session = session
        self._idle_sessions = [session]
        self.session.headers['User-Agent'] = USER_AGENT
        self.session.headers.setdefault('Accept', 'application/json')
        if headers:
            self.session.headers.update(headers)
        if auth is not None:
            self.session.auth = auth
            if isinstance(auth, tuple):
                self.secrets.update(part for part in auth[1:] if part)
                # The Basic header is base64 of "id:key", which decodes to the key.
                self.secrets.add(basic_credentials(*auth))

    def add_secret(self, value):
        if value:
            with self._lock:
                # A copy, not a change in place: another thread may be masking with the set right now.
                self.secrets = self.secrets | {str(value)}

    @contextlib.contextmanager
    def until(self, deadline):
        """Within the block, this thread's requests, retries and waits end by ``deadline`` too (the task's stays)."""
        outer = getattr(self._narrowed, 'deadline', None)
        self._narrowed.deadline = deadline if outer is None else min(deadline, outer)
        try:
            yield
        finally:
            self._narrowed.deadline = outer

    def current_deadline(self):
        """The deadline of the calling thread: the task's, or the one ``until`` set when it is sooner (None: none)."""
        found = [deadline for deadline in (self.deadline, getattr(self._narrowed, 'deadline', None)) if deadline is not None]
        return min(found) if found else None

    @contextlib.contextmanager
    def _borrowed_session(self):
        # The first Session is the one built with the client; more are made only while several requests are in flight.
        with self._lock:
            session = self._idle_sessions.pop() if self._idle_sessions else None
        if session is None:
            session = self.session if self._shared_session else self._new_session()
        reusable = True
        try:
            yield session
        except ExchangeProblem as problem:
            # An exchange given up at its deadline goes on in its own thread, in this Session: no other request may use it.
            reusable = self._shared_session or problem.kind != 'deadline'
            raise
        finally:
            with self._lock:
                if reusable and session not in self._idle_sessions:
                    self._idle_sessions.append(session)

    def _new_session(self):
        session = requests.Session()
        session.headers.clear()
        session.headers.update(self.session.headers)
        session.auth = self.session.auth
        return session

    def _count_request(self):
        with self._lock:
            self.request_count += 1

    def _take_from_budget(self, wait, deadline):
        """Whether ``wait`` more seconds of sleep fit in the run's retry budget and before ``deadline``; takes them if so."""
        with self._lock:
            if self.slept + wait > self.total_sleep_budget or (deadline is not None and self.clock() + wait >= deadline):
                return False
            self.slept += wait
            return True

    def url_for(self, path):
        if path.startswith(('http://', 'https://')):
            return path
        return self.base_url + '/' + path.lstrip('/')

    def display_url(self, url, params):
        if not params:
            return url
        pairs = params.items() if isinstance(params, dict) else params
        joiner = '&' if '?' in url else '?'
        return url + joiner + urlencode([(name, value) for name, value in pairs if value is not None], safe="()',!*:")

    def request(self, method, path, params=None, json=None, data=None, headers=None, expected=(200,),
                repeatable=None, auth=None, paced=True, max_answer_bytes=None):
        """Send one logical request, retrying what is safe to retry; return an ApiResponse.

        ``expected`` lists the statuses handed back to the caller; anything else is retried or raised.
        A read is retried after a timeout, a lost connection or a 5xx. A write is retried only when the
        vendor refused it before doing anything (429, or a 503 in the vendor's own error shape) or it never
        left this host: a timeout, a lost connection, a proxy's 5xx or an unexpected success answer leave its
        outcome unknown (``applied`` None), and sending it again could apply it twice. ``repeatable=True``
        marks a write that is harmless to repeat (asking for a token). ``paced=False`` leaves the request
        out of the pacing (a call the vendor does not count). ``max_answer_bytes`` raises the size cap for
        one read whose answer is known to grow with the estate.
        """
        method = method.upper()
        url = self.url_for(path)
        pacer = self.pacer.for_path(urlsplit(url).path) if paced else Pacer()
        display_url = self.display_url(url, params)
        if repeatable is None:
            repeatable = method in READ_METHODS
        attempt = 0
        while True:
            attempt += 1
            self._count_request()
            wait = None
            pacer.wait()
            try:
                seconds = self._seconds_left(method, display_url, attempt)
                with self._borrowed_session() as session:
                    raw, text = exchange(session, method, url, seconds, max_answer_bytes or self.max_answer_bytes, params=params, json=json, data=data,
                                         headers=headers, auth=auth, verify=self.verify)
            except ExchangeProblem as problem:
                # A redirect is refused before anything reached the vendor; a deadline or a huge answer leaves it unknown.
                error = self.error(method, display_url, status=problem.status, reason=_reason_phrase(problem.status) if problem.status else None,
                                   message=problem.message, applied=False if problem.kind == 'redirect' else None, attempts=attempt)
                retry = repeatable and problem.kind == 'deadline'
            except RequestException as exception:
                unsent = never_sent(exception)
                error = self.error(method, display_url, message=describe_exception(exception, round(seconds, 2)),
                                   applied=False if unsent else None, attempts=attempt)
                retry = retryable_exception(exception) and (repeatable or unsent)
            else:
                # The standard phrase, not the server's spelling of it (some send "NOT FOUND").
                response = ApiResponse(raw.status_code, _reason_phrase(raw.status_code) or raw.reason, raw.headers, text, raw.url)
                if response.status in expected:
                    return response
                error = self.error_from_response(method, display_url, response, attempt)
                if refused_before_anything(error):
                    retry = True
                    if response.status == 429:
                        # Whether the vendor's rate limiter says when to come back (the contract check reports it).
                        with self._lock:
                            self.retry_after_seen.append(response.headers.get('Retry-After') is not None)
                    wait = parse_retry_after(response.headers.get('Retry-After'))
                    if wait is not None:
                        wait = min(wait, self.retry_after_cap)
                else:
                    retry = repeatable and response.status >= 500
            finally:
                pacer.record()
            if not retry or attempt >= self.max_attempts:
                raise error
            if wait is None:
                wait = self._backoff(attempt)
            if not self._take_from_budget(wait, self.current_deadline()):
                raise error.derive(message=joined(error.detail, 'retry budget exhausted'))
            self.sleep(wait)

    def _seconds_left(self, method, display_url, attempt):
        """How long this attempt may take: the request's own timeout, or less when the task's deadline comes first."""
        seconds = self.timeout if self.timeout is not None else 300.0
        deadline = self.current_deadline()
        if deadline is not None:
            left = deadline - self.clock()
            if left <= 0:
                raise self.error(method, display_url, applied=False, attempts=attempt,
                                 message='not sent: the time the task allows (the wait of this step) is up')
            seconds = min(seconds, left)
        return seconds

    def _backoff(self, attempt):
        # Half fixed, half random: retries of parallel hosts spread out, yet each one waits a little.
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return ceiling / 2 + self.jitter() * ceiling / 2

    def error_from_response(self, method, url, response, attempts=1):
        status = response.status
        code, message = None, None
        if response.json() is not None:
            try:
                code, message = self.error_parser(response)
            except (AttributeError, KeyError, TypeError, ValueError):
                code, message = None, None
        vendor_shaped = message is not None or code is not None
        if not vendor_shaped:
            # Masked before it is cut: a cut through a secret would leave the part before the cut.
            message = self.excerpt(response) or None
        # A 4xx is the vendor's refusal; a 503 only when it comes in the vendor's own error shape, since a proxy's 503
        # (Envoy on an upstream reset) can follow a request the vendor applied. Any other answer leaves it unknown.
        if 400 <= status < 500 or (status == 503 and vendor_shaped):
            applied = False
        else:
            applied = None
        return self.error(method, url, status=status, vendor_code=code, vendor_message=message,
                          reason=response.reason or _reason_phrase(status), applied=applied, attempts=attempts)

    def error(self, method=None, url=None, kind=ApiError, **facts):
        """An error of this client's requests (``kind``, an ApiError class), scrubbed of every secret it knows."""
        return kind(method, url, secrets=self.secrets, **facts)

    def request_json(self, method, path, show_body=True, **request_options):
        """Like request(), but the body must be JSON: returns (response, parsed body)."""
        response = self.request(method, path, **request_options)
        return response, self.json_body(method, path, response, request_options.get('params'), show_body)

    def shaped(self, method, path, parse, *values, **facts):
        """``parse(*values)`` of an answer to ``method path``; an ApiError when the answer is not of the shape it reads.

        A read changes nothing; a write whose answer cannot be read may or may not have been applied (``applied`` None),
        which the outcome model settles by a read-back. ``facts`` are the error's (``params``: the query shown in its URL).
        """
        try:
            return parse(*values)
        except ShapeError as problem:
            method = method.upper()
            facts.setdefault('status', 200)
            raise self.error(method, self.display_url(self.url_for(path), facts.pop('params', None)),
                             applied=False if method in READ_METHODS else None,
                             message='the answer is not of the shape the API documents (%s)' % problem, **facts) from None

    def excerpt(self, response):
        """A short excerpt of an answer's body, every form of every secret masked before it is cut."""
        return text_excerpt(mask(response.text[:SCANNED_TEXT], self.secrets))

    def json_body(self, method, path, response, params=None, show_body=True):
        """The parsed JSON body of a response to ``method path``; an ApiError when the body is not JSON.

        ``show_body=False`` leaves the body out of the message (a token endpoint's answer may hold tokens the client
        has not learnt, so cannot mask).
        """
        body = response.json()
        if body is None:
            shown = self.excerpt(response) if show_body else '%d characters, not shown' % len(response.text or '')
            problem = response.json_problem or 'the response is not JSON'
            raise self.error(method.upper(), self.display_url(self.url_for(path), params),
                             status=response.status, reason=response.reason,
                             message=problem + (': %s' % shown if shown else ''), applied=None)
        return body


def refused_before_anything(error):
    """Whether the vendor turned the request away before doing anything, so that any method may be sent again."""
    return error.applied is False and error.status in (429, 503)


def _reason_phrase(status):
    return http.client.responses.get(status, '')
