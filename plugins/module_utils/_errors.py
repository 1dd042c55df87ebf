# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one error type of the collection's API calls, and what keeps secrets out of it.

Kept apart from the HTTP client so that everything that formats a failure for a
user (message, URL, excerpt of an error page) can be read and tested on its own.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import html
import re

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


REDACTED = '********'

# Query parameter names that must never appear in an error message.
SENSITIVE_NAME_PARTS = ('password', 'secret', 'token', 'key', 'auth', 'signature', 'credential')

EXCERPT_LENGTH = 200
ERROR_FIELDS = ('method', 'url', 'status', 'vendor_code', 'vendor_message')
# What an error shows and may therefore carry a secret.
SHOWN_FIELDS = ('url', 'vendor_code', 'vendor_message', 'detail', 'reason')


def redact_url(url):
    """The URL without user info and with secret-looking query values masked."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc.rpartition('@')[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        masked = [(name, REDACTED if any(part in name.lower() for part in SENSITIVE_NAME_PARTS) else value)
                  for name, value in pairs]
        query = urlencode(masked, safe="()',!*:")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def text_excerpt(text, limit=EXCERPT_LENGTH):
    """A short readable excerpt of an error page: no tags, no scripts, one line."""
    if not text:
        return ''
    text = re.sub(r'(?is)<(script|style)\b.*?</\1\s*>', ' ', text)
    text = re.sub(r'(?s)<!--.*?-->', ' ', text)
    text = re.sub(r'(?s)<[^>]*>', ' ', text)
    text = html.unescape(text)
    text = ' '.join(text.split())
    if len(text) > limit:
        text = text[:limit - 3].rstrip() + '...'
    return text


def _squash(value):
    return ''.join(str(value).split()).lower()


def _masked(value, secrets):
    if not isinstance(value, str):
        return value
    for secret in secrets:
        value = value.replace(secret, REDACTED)
    return value


class ApiError(Exception):
    """Every failure of an API call: what was asked, what came back, never a secret.

    ``applied`` says whether the request took effect: False when the server refused
    it or it never left this host, None when nobody can tell (a lost response).

    ``secrets`` is the HTTP client's live set of secrets: the error is scrubbed with it
    when it is made, and so is every error derived from it, so no caller scrubs by hand.
    A subclass names its own extra facts in ``DETAILS``; they are keyword arguments and
    part of ``to_dict()``.
    """

    DETAILS = ()

    def __init__(self, method=None, url=None, status=None, vendor_code=None, vendor_message=None,
                 reason=None, message=None, applied=None, attempts=1, secrets=(), **details):
        unknown = set(details) - set(self.DETAILS)
        if unknown:
            raise TypeError('%s takes no detail %s' % (type(self).__name__, ', '.join(sorted(unknown))))
        self.method = method
        self.url = redact_url(url)
        self.status = status
        self.vendor_code = vendor_code
        self.vendor_message = vendor_message
        self.reason = reason
        self.applied = applied
        self.attempts = attempts
        self.detail = message
        for name in self.DETAILS:
            setattr(self, name, details.get(name))
        self._secrets = secrets
        super(ApiError, self).__init__(self._summary())
        self.scrub(secrets)

    def _summary(self):
        if self.method and self.url:
            prefix = '%s %s failed' % (self.method, self.url)
        else:
            prefix = 'API request failed'
        parts = []
        if self.detail:
            parts.append(self.detail)
        if self.status is not None:
            parts.append(('HTTP %s %s' % (self.status, self.reason or '')).rstrip())
        if self.vendor_message and self.vendor_message != self.detail:
            parts.append(str(self.vendor_message))
        code = self.vendor_code
        if code is not None and _squash(code) not in (_squash(self.status), _squash(self.reason), _squash(self.vendor_message)):
            parts[-1:] = ['%s (code %s)' % (parts[-1], code)] if parts else ['code %s' % code]
        message = '%s: %s' % (prefix, ': '.join(parts)) if parts else prefix
        if self.attempts > 1:
            message += ' (after %d attempts)' % self.attempts
        return message

    def scrub(self, secrets):
        """Mask every known secret in what this error shows; returns self for chaining."""
        secrets = [secret for secret in secrets if secret]
        if secrets:
            for name in SHOWN_FIELDS:
                setattr(self, name, _masked(getattr(self, name), secrets))
        self.args = (_masked(self._summary(), secrets),)
        return self

    def derive(self, kind=None, **changes):
        """A new error (of class ``kind``, by default this one's) with this error's facts and ``changes``.

        It is scrubbed with the same secrets as this one, so a message that quotes the
        vendor again cannot bring a secret back.
        """
        kind = kind or type(self)
        facts = dict(method=self.method, url=self.url, status=self.status, vendor_code=self.vendor_code,
                     vendor_message=self.vendor_message, reason=self.reason, message=self.detail,
                     applied=self.applied, attempts=self.attempts)
        facts.update((name, getattr(self, name)) for name in kind.DETAILS if name in self.DETAILS)
        facts.update(changes)
        return kind(secrets=self._secrets, **facts)

    def __str__(self):
        return self.args[0] if self.args else self._summary()

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, ', '.join('%s=%r' % (name, getattr(self, name)) for name in ERROR_FIELDS))

    def to_dict(self):
        return dict((name, getattr(self, name)) for name in ERROR_FIELDS + tuple(self.DETAILS))


class InsecureUrlError(ApiError, ValueError):
    """The configured URL is refused before any request is sent."""
