"""The MailUp OAuth2 token endpoint and the bearer-token check of the Retailer resources.

Error statuses follow RFC 6749 section 5.2: a bad client is 401 ``invalid_client``; a bad
user, password or refresh token is 400 ``invalid_grant``; an unknown grant type is 400
``unsupported_grant_type``. The bodies use MailUp's error object.
"""

import secrets
import time

from .common import basic_credentials, json_response, mailup_error, rate_limited


class OAuth:

    def __init__(self, store):
        self.store = store

    def token_endpoint(self, request):
        if request.method != 'POST':
            return mailup_error(405, 'The token endpoint only accepts POST', headers={'Allow': 'POST'})
        form = request.form
        client_id, client_secret = form.get('client_id'), form.get('client_secret')
        basic = basic_credentials(request)
        if basic and not client_id:
            client_id, client_secret = basic
        store = self.store
        with store.lock:
            clients = store.data['retailer']['oauth_clients']
            if not any(c['client_id'] == client_id and c['client_secret'] == client_secret for c in clients):
                return mailup_error(401, 'Authorization error: invalid_client (client authentication failed)')
            grant = form.get('grant_type')
            if grant == 'password':
                users = store.data['retailer']['users']
                username = form.get('username')
                if not any(u['username'] == username and u['password'] == form.get('password') for u in users):
                    return mailup_error(400, 'Authorization error: invalid_grant (wrong username or password)')
            elif grant == 'refresh_token':
                grant_info = store.refresh_tokens.pop(form.get('refresh_token') or '', None)
                if grant_info is None or grant_info['client_id'] != client_id:
                    return mailup_error(400, 'Authorization error: invalid_grant (unknown or used refresh token)')
                username = grant_info['username']
            else:
                return mailup_error(400, 'Authorization error: unsupported_grant_type (%s)' % (grant or 'missing'))
            return json_response(200, self.issue(client_id, username))

    def issue(self, client_id, username):
        store = self.store
        lifetime = store.config['token_lifetime']
        access = 'emu-at-%d-%s' % (store.next_token, secrets.token_hex(12))
        refresh = 'emu-rt-%d-%s' % (store.next_token, secrets.token_hex(12))
        store.next_token += 1
        store.access_tokens[access] = {'expires_at': time.monotonic() + lifetime, 'username': username}
        store.refresh_tokens[refresh] = {'client_id': client_id, 'username': username}
        expires_in = int(lifetime) if float(lifetime).is_integer() else lifetime
        return {'access_token': access, 'expires_in': expires_in, 'refresh_token': refresh}

    def check_bearer(self, request):
        """None when the bearer token is valid and within the rate limit, else the error response."""
        header = request.headers.get('Authorization', '')
        if not header.lower().startswith('bearer ') or not header[7:].strip():
            return mailup_error(401, 'Authorization error: Missing access token', name='Unauthorized')
        token = header[7:].strip()
        store = self.store
        with store.lock:
            info = store.access_tokens.get(token)
            # MailUp's newer status list answers an invalid or malformed token with 400 (the invalid_token_status switch).
            status = store.config['invalid_token_status']
            name = 'Unauthorized' if status == 401 else 'BadRequest'
            if info is None:
                return mailup_error(status, 'Authorization error: Invalid access token', name=name)
            if info['expires_at'] <= time.monotonic():
                return mailup_error(status, 'Authorization error: Access token is expired', name=name)
            if store.config['rate_limit']:
                return self.rate_check(token, request.path)
        return None

    def rate_check(self, token, path):
        # A one-second sliding window per token and resource path, as MailUp describes its limiter; with the switch
        # rate_limit_scope=token, one window per token for every path (the stricter reading of "per resource").
        store = self.store
        limit = store.config['rate_limit_per_second']
        key = (token, path if store.config['rate_limit_scope'] == 'path' else None)
        now = time.monotonic()
        window = [t for t in store.rate_windows.get(key, []) if now - t < 1.0]
        if len(window) >= limit:
            store.rate_windows[key] = window
            retry_after = max(1, int(1.0 - (now - window[0]) + 0.999))
            return rate_limited(limit, len(window) + 1, retry_after if store.config['retry_after'] else None)
        window.append(now)
        store.rate_windows[key] = window
        return None

    def expire_all(self):
        with self.store.lock:
            for info in self.store.access_tokens.values():
                info['expires_at'] = 0.0
