# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One HTTP exchange, bounded whatever the server does: in time, in size, and in where it may lead.

requests bounds each socket read, not the request: a server that sends one byte a second keeps a
request alive for ever, and a huge answer is read whole into memory. Here the exchange (connecting,
sending, the answer's head and its whole body, and the redirects a read may follow) runs in a worker
thread that the caller stops waiting for at the deadline, and the body is read in chunks up to a cap.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import threading

from urllib.parse import urljoin, urlsplit

from ansible_collections.channel.partner.plugins.module_utils._errors import redact_url

# Methods that only read. They are sent again after a timeout, a lost connection or a 5xx; every other method is a
# write, sent again only when the vendor provably refused it before doing anything.
READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
# Redirects a read follows within its own origin (a load balancer's trailing-slash fix, say); a write follows none.
MAX_REDIRECTS = 3
# The largest answer read; the vendors' answers are a few kilobytes, a page of a list at most some hundreds.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
# The Partner API lists the whole estate in one unpaginated answer, about 300 bytes a live service: 64 MiB holds
# some 200,000, where the general cap would stop at about 14,000.
MAX_LIST_ANSWER_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 65536


def no_complete_answer(seconds):
    """The words for an exchange that did not end within ``seconds``, whichever of its two guards noticed first."""
    return 'no complete answer within %s seconds (connecting, sending, the answer and all of its body together)' % round(seconds, 2)


class ExchangeProblem(Exception):
    """The exchange was stopped: ``kind`` is deadline, too_large or redirect; ``status`` the answer's, when one came."""

    def __init__(self, kind, message, status=None):
        super(ExchangeProblem, self).__init__(message)
        self.kind, self.message, self.status = kind, message, status


class ApiResponse:
    """What a caller needs of a response, detached from requests; json() is None for a body that is not JSON."""

    def __init__(self, status, reason, headers, text, url):
        self.status, self.reason, self.headers, self.text, self.url = status, reason, headers, text, url
        self.json_problem = None
        try:
            self._parsed = json.loads(text) if text and text.strip() else None
        except ValueError:
            self._parsed = None
        except RecursionError:
            # A hostile answer nests deeper than any parser should follow.
            self._parsed, self.json_problem = None, 'the answer is JSON nested too deeply to read'

    def json(self):
        return self._parsed


def origin_of(url):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or '').lower(), parts.port or {'http': 80, 'https': 443}.get(scheme)


def redirect_problem(method, url, target):
    """Why a redirect from ``url`` to ``target`` is not followed, or None when a read may follow it."""
    if method not in READ_METHODS:
        return ('the answer was a redirect to %s; a %s is never sent on to another address (its body and credentials with it), '
                'so it did not reach the vendor' % (redact_url(target), method))
    if origin_of(target) != origin_of(url):
        return ('the answer was a redirect to another origin (%s), which is not followed: requests and their credentials only '
                'go to the origin of api_url' % redact_url(target))
    return None


def _read_body(raw, max_bytes):
    chunks, size = [], 0
    for chunk in raw.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raw.close()
            raise ExchangeProblem('too_large', 'the answer is larger than %d MiB; it was not read further' % (max_bytes // (1024 * 1024)),
                                  status=raw.status_code)
        chunks.append(chunk)
    return b''.join(chunks).decode(raw.encoding or 'utf-8', errors='replace')


def _exchange(session, method, url, seconds, max_bytes, params, options):
    for _hop in range(MAX_REDIRECTS + 1):
        raw = session.request(method, url, params=params, timeout=seconds, allow_redirects=False, stream=True, **options)
        if raw.status_code not in REDIRECT_STATUSES:
            return raw, _read_body(raw, max_bytes)
        raw.close()
        target = urljoin(raw.url or url, raw.headers.get('Location') or '')
        problem = redirect_problem(method, url, target)
        if problem:
            raise ExchangeProblem('redirect', problem, status=raw.status_code)
        # The Location carries the query already.
        url, params = target, None
    raise ExchangeProblem('redirect', 'more than %d redirects; the request was not followed further' % MAX_REDIRECTS)


def exchange(session, method, url, seconds, max_bytes=MAX_ANSWER_BYTES, params=None, **options):
    """``(requests response, body text)`` of one exchange, all of it within ``seconds``.

    Raises ExchangeProblem (deadline, too_large, redirect) or what requests raises. At the deadline the worker
    thread is left behind: it ends when its socket gives up, and cannot keep the module from finishing.
    """
    outcome = {}

    def work():
        try:
            outcome['value'] = _exchange(session, method, url, seconds, max_bytes, params, options)
        except BaseException as error:  # pylint: disable=broad-exception-caught
            outcome['error'] = error

    worker = threading.Thread(target=work, name='channel.partner exchange', daemon=True)
    worker.start()
    worker.join(max(0.0, seconds))
    if worker.is_alive():
        raise ExchangeProblem('deadline', no_complete_answer(seconds))
    if 'error' in outcome:
        raise outcome['error']
    return outcome['value']
