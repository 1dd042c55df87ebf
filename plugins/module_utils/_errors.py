# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one error type of the collection's API calls, and what keeps secrets out of it.

Kept apart from the HTTP client so that everything that formats a failure for a
user (message, URL, excerpt of an error page) can be read and tested on its own.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import html
import json

from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit


REDACTED = '********'

# Query parameter names that must never appear in an error message.
SENSITIVE_NAME_PARTS = ('password', 'secret', 'token', 'key', 'auth', 'signature', 'credential')

EXCERPT_LENGTH = 200
# The most of a vendor's own text (an error message) a result carries; the rest is cut, after secrets are masked.
VENDOR_TEXT_LENGTH = 500
# How much of an error page is looked at for its excerpt: the excerpt is short, the page may be huge.
SCANNED_TEXT = 65536
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


def secret_forms(secret):
    """The ways a secret can appear in what a server echoes back: as it is, URL-encoded (a form body or a query),
    JSON-escaped, HTML-escaped."""
    secret = str(secret)
    return set(form for form in (secret, quote(secret, safe=''), quote_plus(secret), json.dumps(secret)[1:-1], html.escape(secret))
               if form)


def basic_credentials(user, password):
    """The value an HTTP Basic header carries for ``user:password``: a secret of its own, whose base64 decodes to the password."""
    return base64.b64encode(('%s:%s' % (user, password)).encode('latin-1')).decode('ascii')


def mask(text, secrets):
    """``text`` with every form of every secret masked; the longest first, so that no part of one is left."""
    if not isinstance(text, str) or not secrets:
        return text
    for form in sorted(set(form for secret in secrets if secret for form in secret_forms(secret)), key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def text_excerpt(text, limit=EXCERPT_LENGTH):
    """A short readable excerpt of an error page: no tags, no scripts, no comments, one line.

    One pass over at most SCANNED_TEXT characters, whatever the page holds (an unclosed comment or tag ends the
    excerpt instead of being searched for again and again).
    """
    if not text:
        return ''
    text = text[:SCANNED_TEXT]
    lowered = text.lower()
    parts, position, size = [], 0, 0
    while position < len(text) and size <= limit * 2:
        if text.startswith('<', position):
            if text.startswith('<!--', position):
                end, skip = text.find('-->', position + 4), 3
            elif lowered.startswith(('<script', '<style'), position):
                closing = '</script' if lowered.startswith('<script', position) else '</style'
                end = lowered.find(closing, position)
                end, skip = (-1 if end < 0 else text.find('>', end)), 1
            else:
                end, skip = text.find('>', position), 1
            position = len(text) if end < 0 else end + skip
            parts.append(' ')
            continue
        following = text.find('<', position)
        chunk = text[position:following if following >= 0 else len(text)]
        parts.append(chunk)
        size += len(chunk)
        position = following if following >= 0 else len(text)
    text = ' '.join(html.unescape(''.join(parts)).split())
    if len(text) > limit:
        text = text[:limit - 3].rstrip() + '...'
    return text


def joined(*parts):
    """The parts of a message joined with '; ', the empty ones left out (an error's detail may be empty)."""
    return '; '.join(part for part in parts if part)


def _squash(value):
    return ''.join(str(value).split()).lower()


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
        """Mask every known secret, in every form it can take, in what this error shows; returns self for chaining.

        A vendor message is cut to VENDOR_TEXT_LENGTH after the masking, so that no part of a secret survives a cut.
        """
        secrets = [secret for secret in secrets if secret]
        for name in SHOWN_FIELDS:
            setattr(self, name, mask(getattr(self, name), secrets))
        if isinstance(self.vendor_message, str) and len(self.vendor_message) > VENDOR_TEXT_LENGTH:
            self.vendor_message = self.vendor_message[:VENDOR_TEXT_LENGTH - 3] + '...'
        self.args = (mask(self._summary(), secrets),)
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
    """The configured URL is refused before any request is sent: its message is the whole story, no request failed."""

    def _summary(self):
        return self.detail or 'api_url is refused'
