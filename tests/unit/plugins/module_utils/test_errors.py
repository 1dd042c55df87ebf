# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What keeps secrets out of errors, and the excerpt of an error page: tables of texts a server could send."""

import base64

import pytest

from ansible_collections.channel.partner.plugins.module_utils._errors import (
    REDACTED,
    SCANNED_TEXT,
    ApiError,
    basic_credentials,
    mask,
    text_excerpt,
)

SECRET = 'S3cr&t pass/+%"<x>'


@pytest.mark.parametrize('echoed', [
    SECRET,
    'client_secret=S3cr%26t+pass%2F%2B%25%22%3Cx%3E',
    'client_secret=S3cr%26t%20pass%2F%2B%25%22%3Cx%3E',
    '{"password": "S3cr&t pass/+%\\"<x>"}',
    '<p>S3cr&amp;t pass/+%&quot;&lt;x&gt;</p>',
], ids=['as given', 'form encoded', 'percent encoded', 'JSON escaped', 'HTML escaped'])
def test_every_form_of_a_secret_is_masked(echoed):
    masked = mask('the server said: %s.' % echoed, {SECRET})
    assert REDACTED in masked and 'S3cr' not in masked


def test_the_basic_credentials_are_a_secret_of_their_own():
    pair = basic_credentials('100200', 'emu-key')
    assert base64.b64decode(pair) == b'100200:emu-key'
    assert mask('Authorization: Basic %s' % pair, {pair}) == 'Authorization: Basic %s' % REDACTED


def test_a_secret_is_masked_before_an_excerpt_cuts_through_it():
    error = ApiError('GET', 'https://api.example/x', status=400, vendor_message='x' * 490 + SECRET, secrets={SECRET})
    assert 'S3cr' not in str(error) and 'S3cr' not in repr(error.to_dict())


@pytest.mark.parametrize('page, excerpt', [
    ('<html><body><h1>Service Unavailable</h1><p>Try later.</p></body></html>', 'Service Unavailable Try later.'),
    ('<script>var key = "x";</script><p>Error 42</p>', 'Error 42'),
    ('<style>p { color: red }</style>Gone', 'Gone'),
    ('<!-- a comment --> after', 'after'),
    ('<h1>Busy</h1><!--' + 'x' * 131072, 'Busy'),
    ('<h1>Busy</h1><div ' + 'y' * 131072, 'Busy'),
    ('Tom &amp; Jerry', 'Tom & Jerry'),
    ('a' * 500, 'a' * 197 + '...'),
], ids=['page', 'script', 'style', 'comment', 'unclosed comment', 'unclosed tag', 'entities', 'long text'])
def test_the_excerpt_of_an_error_page(page, excerpt):
    assert text_excerpt(page) == excerpt


def test_the_excerpt_looks_at_a_bounded_start_of_the_page_only():
    # What it reads is bounded, whatever follows: a 20 MB page gives the excerpt of its first SCANNED_TEXT characters.
    page = '<p>Busy</p>' + '<!--' * 5000000
    assert text_excerpt(page) == text_excerpt(page[:SCANNED_TEXT]) == 'Busy'
    tail = 'x' * SCANNED_TEXT + '<p>never seen</p>'
    assert 'never seen' not in text_excerpt(tail)
