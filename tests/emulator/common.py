"""Response builders shared by both APIs, so each vendor's error shape is defined once."""

import base64
import binascii
import json

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

PARTNER_PREFIX = '/api-v1'
TOKEN_PATH = '/Authorization/OAuth/Token'


def reason(status):
    return HTTP_STATUS_CODES.get(status, 'Error')


def json_response(status, body, headers=None):
    return Response(json.dumps(body), status=status, headers=headers, content_type='application/json; charset=utf-8')


def empty_response(status):
    # The MailUp resources that document "status only" answer without a body.
    return Response(b'', status=status)


def partner_error(status, path, message, flat=False, headers=None):
    """The Partner API's error: ``flat`` False nested in ``error``, True flat, ``'cake'`` as stock CakePHP 2 renders it
    (flat, the message in ``name``, no ``message`` key)."""
    if flat == 'cake':
        return json_response(status, {'name': message, 'url': path}, headers)
    error = {'name': reason(status), 'url': path, 'message': message}
    return json_response(status, error if flat else {'error': error}, headers)


def mailup_error(status, description, name=None, headers=None):
    # ErrorCode is a string in every MailUp example; the 429 example carries ErrorName null.
    body = {'ErrorCode': str(status), 'ErrorDescription': description,
            'ErrorName': reason(status).replace(' ', '') if name is None else name, 'ErrorStack': None}
    return json_response(status, body, headers)


def rate_limited(limit, actual, retry_after):
    """MailUp's 429; ``retry_after`` None leaves out the header, as MailUp's own example does."""
    # MailUp's documented 429 carries a null ErrorName, unlike its other errors.
    description = 'Authorization error (too_many_requests): Too many requests. Max:%s calls per second , actual:%s.' % (limit, actual)
    body = {'ErrorCode': '429', 'ErrorDescription': description, 'ErrorName': None, 'ErrorStack': None}
    return json_response(429, body, None if retry_after is None else {'Retry-After': str(retry_after)})


def api_of(path):
    if path == PARTNER_PREFIX or path.startswith(PARTNER_PREFIX + '/'):
        return 'partner'
    if path.rstrip('/') == TOKEN_PATH:
        return 'oauth'
    return 'retailer'


def vendor_error(path, status, message, flat=False, headers=None):
    """An error in the shape of the API that owns ``path`` (used by faults and unexpected failures)."""
    if api_of(path) == 'partner':
        return partner_error(status, path, message, flat=flat, headers=headers)
    return mailup_error(status, message, headers=headers)


def read_json(request):
    """The JSON body as a Python value; ValueError when it is not JSON."""
    data = request.get_data(cache=True)
    if not data:
        raise ValueError('empty body')
    return json.loads(data.decode('utf-8'))


def basic_credentials(request):
    """(user, password) of an HTTP Basic Authorization header, or None when there is none or it does not decode."""
    header = request.headers.get('Authorization', '')
    if not header.lower().startswith('basic '):
        return None
    try:
        user, _sep, password = base64.b64decode(header[6:].strip()).decode('utf-8').partition(':')
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password
