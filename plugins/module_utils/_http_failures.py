# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a request that requests gave up on means: whether any byte of it left this host, whether it is worth
another attempt, and how to say what happened in a message. HttpClient decides with these whether a write may be
sent again (only when it never left), so each answer errs on the side of "it may have been sent".
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible_collections.channel.partner.plugins.module_utils._errors import text_excerpt
from ansible_collections.channel.partner.plugins.module_utils._exchange import no_complete_answer

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    requests = None
else:
    HAS_REQUESTS = True


def _innermost_reason(exception):
    # requests wraps urllib3's MaxRetryError, which wraps the socket-level cause.
    reason = exception.args[0] if exception.args else None
    for _level in range(5):
        if getattr(reason, 'reason', None) is None:
            break
        reason = reason.reason
    return reason


def _cause_names(exception):
    # urllib3's exception classes are told by name: some exist only in some of its versions (NameResolutionError came with 2.0).
    return set(cls.__name__ for cls in type(_innermost_reason(exception)).__mro__)


def never_sent(exception):
    # A failed TCP connect or name lookup means no byte of the request left, so even a POST may go again.
    if HAS_REQUESTS and isinstance(exception, requests.exceptions.ConnectTimeout):
        return True
    if HAS_REQUESTS and isinstance(exception, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    return bool(_cause_names(exception) & {'NewConnectionError', 'NameResolutionError', 'ConnectTimeoutError', 'ConnectionRefusedError'})


def retryable_exception(exception):
    if not HAS_REQUESTS:
        return False
    permanent = (requests.exceptions.SSLError, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                 requests.exceptions.InvalidSchema, requests.exceptions.TooManyRedirects)
    if isinstance(exception, permanent):
        return False
    transient = (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError)
    return isinstance(exception, transient)


def timed_out_reading(exception):
    """Whether a socket read gave up waiting: for the head of the answer (ReadTimeout) or within its body, where
    requests wraps urllib3's ReadTimeoutError in a ConnectionError."""
    if HAS_REQUESTS and isinstance(exception, requests.exceptions.ReadTimeout):
        return True
    return 'ReadTimeoutError' in _cause_names(exception)


def describe_exception(exception, timeout):
    if timed_out_reading(exception):
        # The socket may wait as long as the whole exchange may take, so a read that timed out means the exchange's
        # time is up: the same event as the exchange's own deadline, which it beats only by being scheduled first.
        return no_complete_answer(timeout)
    cause = _short(_innermost_reason(exception) or exception)
    if HAS_REQUESTS:
        if isinstance(exception, requests.exceptions.ConnectTimeout):
            return 'could not connect within %s seconds' % timeout
        if isinstance(exception, requests.exceptions.SSLError):
            return 'TLS error: %s' % cause
        if isinstance(exception, requests.exceptions.ConnectionError):
            if never_sent(exception):
                return 'could not connect: %s' % cause
            return 'the connection was lost before a complete response arrived (%s)' % cause
    return '%s: %s' % (type(exception).__name__, cause)


def _short(value):
    text = str(value)
    # urllib3 messages repeat the pool and object address: keep the human part.
    text = re.sub(r'<[^>]*object at 0x[0-9a-f]+>:?\s*', '', text)
    return text_excerpt(text, 160) or type(value).__name__
