"""The logins of a retailer's customer account (MailUp "Get retailer's customer account logins" and "login url").

A mixin of RetailerApi (retailer.py), which routes to these handlers and gives them ``store``, ``account``
and ``paginate``.

Logins live in the account under ``Logins``, a list of ``{"Id", "Username"}``. An account without that key (every
account of the default fixture, and every account an activation creates) has one login derived from it:
``{"Id": IdAccount * 10 + 1, "Username": "admin.<IdAccount>"}``. The list answers MailUp's paginated envelope, or a
plain JSON array under the switch ``login_list_form: array`` (the spec leaves which). The login URL is a JSON string,
with its slashes escaped as MailUp's example shows them, holding a fresh random ``Code`` on every call.
"""

import json
import re
import secrets

from werkzeug.wrappers import Response

from .common import json_response

CONSOLE_LOGIN_PATH = '/Console/Login.aspx'


def logins_of(account):
    """The account's logins: its ``Logins``, or the one login derived from it when it has no such key."""
    if 'Logins' in account:
        return [{'Id': login['Id'], 'Username': login['Username']} for login in account['Logins']]
    return [{'Id': account['IdAccount'] * 10 + 1, 'Username': 'admin.%s' % account['IdAccount']}]


class LoginResource:
    """The handlers of Account/{id}/Login and Account/{id}/Login/{id_Login}."""

    def list_logins(self, request, external, account_id):
        items = logins_of(self.account(account_id, external))
        if self.store.config['login_list_form'] == 'array':
            return json_response(200, items)
        return self.paginate(request, items)

    def login_url(self, request, external, account_id, login_id):
        # Imported here: retailer.py imports this module for RetailerApi.
        from .retailer import fail

        account = self.account(account_id, external)
        if not re.fullmatch(r'\d+', login_id) or int(login_id) not in [login['Id'] for login in logins_of(account)]:
            raise fail(404, 'Login %s not found' % login_id)
        code = secrets.token_urlsafe(24)
        url = request.host_url.rstrip('/') + CONSOLE_LOGIN_PATH + '?Code=' + code
        # MailUp's example escapes the slashes ("http:\/\/..."), which JSON allows and json.dumps does not do.
        return Response(json.dumps(url).replace('/', '\\/'), status=200, content_type='application/json; charset=utf-8')
