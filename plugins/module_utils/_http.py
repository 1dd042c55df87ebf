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

import email.utils
import http.client
import json as json_module
import collections
import ipaddress
import random
import re
import time
import traceback

from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from ansible.module_utils.basic import missing_required_lib

# ApiError is imported from here by the API classes and the modules: one import path for the HTTP layer.
from ansible_collections.channel.partner.plugins.module_utils._errors import (
    ApiError,
    InsecureUrlError,
    redact_url,
    text_excerpt,
)

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


COLLECTION_VERSION = '0.1.0'
USER_AGENT = 'channel.partner/%s' % COLLECTION_VERSION

# Methods that only read. They are sent again after a timeout, a lost connection or a 5xx; every other method is a
# write, sent again only when the vendor provably refused it before doing anything (see refused_before_anything).
READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
# Redirects a read follows within its own origin (a load balancer's trailing-slash fix, say); a write follows none.
MAX_REDIRECTS = 3


def missing_requests_message():
    return missing_required_lib('requests')


def is_loopback_host(host):
    if not host:
        return False
    host = host.strip('[]').rstrip('.').lower()
    if host == 'localhost' or host.endswith('.localhost'):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


class ApiResponse:
    """What a caller needs of a response, detached from requests; json() is None for a body that is not JSON."""

    def __init__(self, status, reason, headers, text, url):
        self.status, self.reason, self.headers, self.text, self.url = status, reason, headers, text, url
        try:
            self._parsed = json_module.loads(text) if text and text.strip() else None
        except ValueError:
            self._parsed = None

    def json(self):
        return self._parsed


class HttpClient:
    """A requests Session with the retry rules of the collection.

    One instance per module run, so that connections are reused and every call
    of the run shares one retry budget for sleeping.
    """

    MAX_ATTEMPTS = 4
    BACKOFF_BASE = 0.5
    BACKOFF_MAX = 8.0
    RETRY_AFTER_CAP = 30.0
    TOTAL_SLEEP_BUDGET = 60.0

    def __init__(self, base_url, timeout=30, validate_certs=True, ca_path=None, allow_plain_http=False,
                 auth=None, headers=None, error_parser=None, max_attempts=None, backoff_base=None,
                 backoff_max=None, retry_after_cap=None, total_sleep_budget=None, sleep=None,
                 jitter=None, secrets=None, session=None, max_requests_per_second=None, clock=None):
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
        self.pacer = Pacer(max_requests_per_second, sleep=self.sleep, clock=clock)
        if session is None:
            if not HAS_REQUESTS:
                raise ApiError(message=missing_requests_message())
            session = requests.Session()
        self.session = session
        self.session.headers['User-Agent'] = USER_AGENT
        self.session.headers.setdefault('Accept', 'application/json')
        if headers:
            self.session.headers.update(headers)
        if auth is not None:
            self.session.auth = auth
            if isinstance(auth, tuple):
                self.secrets.update(part for part in auth[1:] if part)

    def add_secret(self, value):
        if value:
            self.secrets.add(str(value))

    def url_for(self, path):
        if path.startswith(('http://', 'https://')):
            return path
        return self.base_url + '/' + path.lstrip('/')

    def _display_url(self, url, params):
        if not params:
            return url
        pairs = params.items() if isinstance(params, dict) else params
        joiner = '&' if '?' in url else '?'
        return url + joiner + urlencode([(name, value) for name, value in pairs if value is not None], safe="()',!*:")

    def request(self, method, path, params=None, json=None, data=None, headers=None, expected=(200,),
                repeatable=None, auth=None, paced=True):
        """Send one logical request, retrying what is safe to retry; return an ApiResponse.

        ``expected`` lists the statuses handed back to the caller; anything else is retried or raised.
        A read is retried after a timeout, a lost connection or a 5xx. A write is retried only when the
        vendor refused it before doing anything (429, or a 503 in the vendor's own error shape) or it never
        left this host: a timeout, a lost connection, a proxy's 5xx or an unexpected success answer leave its
        outcome unknown (``applied`` None), and sending it again could apply it twice. ``repeatable=True``
        marks a write that is harmless to repeat (asking for a token). ``paced=False`` leaves the request
        out of the pacing (a call the vendor does not count).
        """
        pacer = self.pacer if paced else Pacer()
        method = method.upper()
        url = self.url_for(path)
        display_url = self._display_url(url, params)
        if repeatable is None:
            repeatable = method in READ_METHODS
        attempt = 0
        while True:
            attempt += 1
            self.request_count += 1
            wait = None
            pacer.wait()
            try:
                raw = self._send(method, url, display_url, attempt, params=params, json=json, data=data, headers=headers, auth=auth)
            except RequestException as exception:
                never_sent = _never_sent(exception)
                error = self.error(method, display_url, message=_describe_exception(exception, self.timeout),
                                   applied=False if never_sent else None, attempts=attempt)
                retry = _retryable_exception(exception) and (repeatable or never_sent)
            else:
                # The standard phrase, not the server's spelling of it (some send "NOT FOUND").
                response = ApiResponse(raw.status_code, _reason_phrase(raw.status_code) or raw.reason,
                                       raw.headers, raw.text, raw.url)
                if response.status in expected:
                    return response
                error = self.error_from_response(method, display_url, response, attempt)
                if refused_before_anything(error):
                    retry = True
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
            if self.slept + wait > self.total_sleep_budget:
                raise error.derive(message=((error.detail + '; ') if error.detail else '') + 'retry budget exhausted')
            self.slept += wait
            self.sleep(wait)

    def _send(self, method, url, display_url, attempt, params=None, **options):
        """One attempt: the requests answer, after the redirects a read may follow within its own origin.

        Redirects are never left to requests: it would send a write's body, and the credentials, on to
        wherever the Location points. A redirect this refuses is an ApiError that says the request did not
        reach the vendor.
        """
        for _hop in range(MAX_REDIRECTS + 1):
            raw = self.session.request(method, url, params=params, timeout=self.timeout, verify=self.verify,
                                       allow_redirects=False, **options)
            if raw.status_code not in REDIRECT_STATUSES:
                return raw
            target = urljoin(raw.url or url, raw.headers.get('Location') or '')
            problem = redirect_problem(method, url, target)
            if problem:
                raise self.error(method, display_url, status=raw.status_code, reason=_reason_phrase(raw.status_code),
                                 message=problem, applied=False, attempts=attempt)
            # The Location carries the query already.
            url, params = target, None
        raise self.error(method, display_url, message='more than %d redirects; the request was not followed further' % MAX_REDIRECTS,
                         applied=False, attempts=attempt)

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
            message = text_excerpt(response.text) or None
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

    def request_json(self, method, path, **request_options):
        """Like request(), but the body must be JSON: returns (response, parsed body)."""
        response = self.request(method, path, **request_options)
        return response, self.json_body(method, path, response, request_options.get('params'))

    def json_body(self, method, path, response, params=None):
        """The parsed JSON body of a response to ``method path``; an ApiError when the body is not JSON."""
        body = response.json()
        if body is None:
            excerpt = text_excerpt(response.text)
            raise self.error(method.upper(), self._display_url(self.url_for(path), params),
                             status=response.status, reason=response.reason,
                             message='the response is not JSON' + (': %s' % excerpt if excerpt else ''), applied=None)
        return body


class Pacer:
    """Client-side pacing: never more than the allowed number of requests in any window of one second.

    Each request is stamped when its answer (or its failure) arrives, which is after the server saw it,
    so ``capacity`` requests later the next one leaves at least one second after the server counted the
    earliest of them, whatever the network delays and however the vendor draws its window. Nothing waits
    until the window is full, so a short run is never slowed down.
    """

    def __init__(self, max_requests_per_second=None, sleep=None, clock=None):
        rate = float(max_requests_per_second) if max_requests_per_second else 0.0
        if rate < 0:
            raise ValueError('max_requests_per_second must be 0 (no pacing) or more, not %s' % max_requests_per_second)
        self.rate = rate or None
        if self.rate is None:
            self.capacity, self.period = 0, 0.0
        elif rate >= 1:
            # A fraction above 1 cannot be honoured in every one-second window, so it is rounded down.
            self.capacity, self.period = int(rate), 1.0
        else:
            # Slower than one a second: one request per 1/rate seconds.
            self.capacity, self.period = 1, 1.0 / rate
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.stamps = collections.deque(maxlen=max(1, self.capacity))
        self.waited = 0.0

    def wait(self):
        """Sleep just long enough that the next request keeps every window within the limit."""
        if self.rate is None or len(self.stamps) < self.capacity:
            return 0.0
        delay = self.stamps[0] + self.period - self.clock()
        if delay <= 0:
            return 0.0
        self.waited += delay
        self.sleep(delay)
        return delay

    def record(self):
        if self.rate is not None:
            self.stamps.append(self.clock())


def refused_before_anything(error):
    """Whether the vendor turned the request away before doing anything, so that any method may be sent again."""
    return error.applied is False and error.status in (429, 503)


def origin_of(url):
    parts = urlsplit(url)
    return (parts.scheme.lower(), (parts.hostname or '').lower(), parts.port or {'http': 80, 'https': 443}.get(parts.scheme.lower()))


def redirect_problem(method, url, target):
    """Why a redirect from ``url`` to ``target`` is not followed, or None when a read may follow it."""
    if method not in READ_METHODS:
        return ('the answer was a redirect to %s; a %s is never sent on to another address (its body and credentials with it), '
                'so it did not reach the vendor' % (redact_url(target), method))
    if origin_of(target) != origin_of(url):
        return ('the answer was a redirect to another origin (%s), which is not followed: requests and their credentials only '
                'go to the origin of api_url' % redact_url(target))
    return None


def check_base_url(base_url, allow_plain_http=False):
    """Refuse a URL that would send credentials in clear text over a network."""
    if not base_url:
        raise InsecureUrlError(message='api_url must not be empty')
    parts = urlsplit(str(base_url).strip())
    scheme = parts.scheme.lower()
    if scheme not in ('http', 'https') or not parts.hostname:
        raise InsecureUrlError(url=base_url, message='api_url %s is not an http:// or https:// URL'
                               % redact_url(base_url))
    if scheme == 'http' and not allow_plain_http and not is_loopback_host(parts.hostname):
        raise InsecureUrlError(message='api_url %s uses plain http:// to a host that is not loopback, which would send the '
                               'credentials unencrypted; use https:// or set allow_plain_http=true' % redact_url(base_url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, '', '')).rstrip('/')


def _reason_phrase(status):
    return http.client.responses.get(status, '')


def _innermost_reason(exception):
    # requests wraps urllib3's MaxRetryError, which wraps the socket-level cause.
    reason = exception.args[0] if exception.args else None
    for _level in range(5):
        if getattr(reason, 'reason', None) is None:
            break
        reason = reason.reason
    return reason


def _never_sent(exception):
    # A failed TCP connect or name lookup means no byte of the request left, so even a POST may go again.
    if HAS_REQUESTS and isinstance(exception, requests.exceptions.ConnectTimeout):
        return True
    if HAS_REQUESTS and isinstance(exception, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    names = set(cls.__name__ for cls in type(_innermost_reason(exception)).__mro__)
    return bool(names & {'NewConnectionError', 'NameResolutionError', 'ConnectTimeoutError', 'ConnectionRefusedError'})


def _retryable_exception(exception):
    if not HAS_REQUESTS:
        return False
    permanent = (requests.exceptions.SSLError, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                 requests.exceptions.InvalidSchema, requests.exceptions.TooManyRedirects)
    if isinstance(exception, permanent):
        return False
    transient = (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError)
    return isinstance(exception, transient)


def _describe_exception(exception, timeout):
    cause = _short(_innermost_reason(exception) or exception)
    if HAS_REQUESTS:
        if isinstance(exception, requests.exceptions.ConnectTimeout):
            return 'could not connect within %s seconds' % timeout
        if isinstance(exception, requests.exceptions.ReadTimeout):
            return 'no response within %s seconds (timeout)' % timeout
        if isinstance(exception, requests.exceptions.SSLError):
            return 'TLS error: %s' % cause
        if isinstance(exception, requests.exceptions.ConnectionError):
            if _never_sent(exception):
                return 'could not connect: %s' % cause
            return 'the connection was lost before a complete response arrived (%s)' % cause
    return '%s: %s' % (type(exception).__name__, cause)


def _short(value):
    text = str(value)
    # urllib3 messages repeat the pool and object address: keep the human part.
    text = re.sub(r'<[^>]*object at 0x[0-9a-f]+>:?\s*', '', text)
    return text_excerpt(text, 160) or type(value).__name__
