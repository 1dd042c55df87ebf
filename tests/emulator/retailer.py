"""The MailUp RetailerService resources (below /API/v1.1/Rest/RetailerService.svc)."""

import re
import time
from datetime import datetime, timedelta, timezone

from .common import empty_response, json_response, mailup_error, read_json
from .retailer_logins import LoginResource

SERVICE_PREFIX = '/API/v1.1/Rest/RetailerService.svc'
LANGUAGES = [{'Code': 'EN', 'Id': 1, 'Name': 'English'}, {'Code': 'IT', 'Id': 2, 'Name': 'Italian'},
             {'Code': 'ES', 'Id': 3, 'Name': 'Spanish'}, {'Code': 'FR', 'Id': 4, 'Name': 'French'}]
PACK_RESULTS = {0: 'Ok', 1: 'Quantity limits exceeded', 2: 'Profile rules error', 3: 'Invalid quantity', 4: 'Invalid workmode'}
NO_PROFILE = 'You cannot access the provided profile.'


class RetailerError(Exception):

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def fail(status, description):
    return RetailerError(mailup_error(status, description))


def pack_result(code):
    return json_response(200 if code == 0 else 403, {'Code': code, 'Description': PACK_RESULTS[code]})


def now_text(offset_days=0):
    moment = datetime.now(timezone.utc) + timedelta(days=offset_days)
    return moment.strftime('%Y-%m-%d %H:%M:%SZ')


class RetailerApi(LoginResource):
    """Routes of the RetailerService; the bearer token is checked by the caller before dispatch."""

    def __init__(self, store):
        self.store = store
        self.routes = [
            (r'Management/Profile', {'GET': self.list_profiles}, False),
            (r'Management/Profile/([^/]+)/Pack', {'GET': self.list_packs}, False),
            (r'Management/Profile/([^/]+)/Language', {'GET': self.list_languages}, False),
            (r'Account', {'POST': self.create_account, 'GET': self.find_accounts}, True),
            (r'Account/Activation/([^/]+)/Status', {'GET': self.activation_status}, True),
            (r'Account/(\d+)', {'PUT': self.enable_account, 'DELETE': self.delete_account}, True),
            (r'Account/(\d+)/Status', {'GET': self.account_status}, True),
            (r'Account/(\d+)/Profile/([^/]+)', {'PUT': self.change_profile}, True),
            (r'Account/(\d+)/Pack/([^/]+)', {'POST': self.add_pack}, True),
            (r'Account/(\d+)/Login', {'GET': self.list_logins}, True),
            (r'Account/(\d+)/Login/([^/]+)', {'GET': self.login_url}, True),
        ]

    def __call__(self, request):
        path = request.path
        if not path.startswith(SERVICE_PREFIX + '/'):
            return mailup_error(404, 'Resource not found')
        sub_path = path[len(SERVICE_PREFIX) + 1:].rstrip('/')
        for pattern, methods, is_account in self.routes:
            match = re.fullmatch(pattern, sub_path, re.IGNORECASE)
            if not match:
                continue
            handler = methods.get(request.method)
            if handler is None:
                return mailup_error(405, 'Method %s is not allowed on this resource' % request.method,
                                    headers={'Allow': ', '.join(sorted(methods))})
            try:
                external = self.external_user_id(request) if is_account else None
                with self.store.lock:
                    self.store.settle_packs()
                    self.settle_activations()
                    return handler(request, external, *match.groups())
            except RetailerError as error:
                return error.response
        return mailup_error(404, 'Resource not found')

    def external_user_id(self, request):
        value = request.headers.get('ExternalUserId') if self.store.config['external_user_id_header'] else None
        if not value and self.store.config['external_user_id_in_query']:
            value = request.args.get('ExternalUserId')
        if not value or not value.strip():
            raise fail(400, 'Invalid ExternalUserId.')
        return value.strip()

    def check_binding(self, bound, external):
        if self.store.config['external_user_id_strict'] and bound != external:
            raise fail(400, 'Invalid ExternalUserId.')

    def account(self, account_id, external):
        account = self.store.account(account_id)
        if account is None:
            if self.store.config['missing_account_status'] == 403:
                raise fail(403, 'You cannot access the provided account.')
            raise fail(404, 'Account %s not found' % account_id)
        self.check_binding(account.get('ExternalUserId'), external)
        return account

    def profile(self, profile_id):
        profile = self.store.profile(profile_id)
        if profile is None:
            raise fail(403, NO_PROFILE)
        return profile

    def paginate(self, request, items):
        args = request.args
        # The spelling the server honours (paging_parameters); the other one is ignored, as an unknown parameter is.
        size_name, number_name = ('PageSize', 'PageNumber') if self.store.config['paging_parameters'] == 'PageSize' else ('pageSize', 'pageNumber')
        given = size_name in args or number_name in args
        try:
            size = int(args.get(size_name, 20))
            number = int(args.get(number_name, 0))
        except ValueError:
            raise fail(400, 'PageSize and PageNumber must be integers') from None
        if size < 1 or number < 0:
            raise fail(400, 'PageSize must be positive and PageNumber not negative')
        total = len(items)
        skipped = number * size
        if self.store.config['paging_mode'] == 'total':
            paginated = total > size
            page = items[skipped:skipped + size]
        else:
            paginated = given
            page = items[skipped:skipped + size] if given else list(items)
        return json_response(200, {'IsPaginated': paginated, 'Items': page, 'PageNumber': number, 'PageSize': size,
                                   'Skipped': skipped, 'TotalElementsCount': total})

    # Management

    def list_profiles(self, request, _external):
        items = [{'ClientCode': p['ClientCode'], 'Description': p['Description'], 'Id': p['Id'], 'Name': p['Name']}
                 for p in self.store.data['retailer']['profiles']]
        return self.paginate(request, items)

    def list_packs(self, request, _external, profile_id):
        profile = self.profile(profile_id)
        catalogue = dict((pack['Id'], pack) for pack in self.store.data['retailer']['packs'])
        items = []
        for limits in profile['Packs']:
            pack = catalogue.get(limits['Id'], {'Name': str(limits['Id']), 'Description': ''})
            items.append({'Description': pack['Description'], 'Id': limits['Id'], 'Max': limits['Max'],
                          'Min': limits['Min'], 'Name': pack['Name']})
        return self.paginate(request, items)

    def list_languages(self, request, _external, profile_id):
        self.profile(profile_id)
        return self.paginate(request, [dict(language) for language in LANGUAGES])

    # Accounts

    def account_status(self, _request, external, account_id):
        account = self.account(account_id, external)
        return json_response(200, {
            'Code': account['Code'], 'Description': 'Enabled' if account['Code'] == 0 else 'Disabled',
            'ActivePacks': [{'CurrentQuantity': p['CurrentQuantity'], 'Id': p['Id'], 'Quantity': p['Quantity']}
                            for p in account['ActivePacks']],
            'Credits': account['Credits'], 'IdAccount': account['IdAccount'], 'IdProfile': account['IdProfile'],
            'ValidFrom': account['ValidFrom'], 'ValidTo': account['ValidTo']})

    def enable_account(self, request, external, account_id):
        account = self.account(account_id, external)
        enable = request.args.get('Enable')
        if enable is None:
            wanted = False
        elif enable.lower() in ('true', 'false'):
            wanted = enable.lower() == 'true'
        else:
            raise fail(400, 'Invalid Enable value: expected true or false.')
        account['Code'] = 0 if wanted else 1
        return json_response(200, {'Code': account['Code'], 'Description': 'Active' if wanted else 'Deactivated',
                                   'ValidFrom': account['ValidFrom'], 'ValidTo': account['ValidTo']})

    def delete_account(self, _request, external, account_id):
        account = self.account(account_id, external)
        self.store.data['retailer']['accounts'].remove(account)
        for key in [k for k in self.store.profile_jobs if k[0] == account['IdAccount']]:
            del self.store.profile_jobs[key]
        return empty_response(200)

    def change_profile(self, _request, external, account_id, profile_id):
        store = self.store
        account = self.account(account_id, external)
        profile = self.profile(profile_id)
        key = (account['IdAccount'], profile['Id'])
        job = store.profile_jobs.get(key)
        progress = store.config['profile_change_progress_status']
        if job is None:
            if profile['Id'] == account['IdProfile']:
                return empty_response(200)
            # The first PUT only starts the job, even with no delay, as the vendor's ADM does.
            store.profile_jobs[key] = {'ready_at': time.monotonic() + store.config['profile_change_delay']}
            return empty_response(progress)
        if time.monotonic() < job['ready_at']:
            return empty_response(progress)
        del store.profile_jobs[key]
        if store.config['profile_change_outcome'] == 'fail':
            return mailup_error(500, 'An error occurred changing the account profile.')
        self.apply_profile(account, profile)
        return empty_response(200)

    @staticmethod
    def apply_profile(account, profile):
        # Packs of the old profile that the new one does not offer are dropped; new ones start at zero.
        held = dict((pack['Id'], pack) for pack in account['ActivePacks'])
        account['ActivePacks'] = [held.get(limits['Id'], {'CurrentQuantity': 0, 'Id': limits['Id'], 'Quantity': 0})
                                  for limits in profile['Packs']]
        account['IdProfile'] = profile['Id']

    def add_pack(self, request, external, account_id, pack_id):
        store = self.store
        account = self.account(account_id, external)
        try:
            body = read_json(request)
        except ValueError:
            raise fail(400, 'Invalid request body: JSON with Quantity and WorkMode expected.') from None
        if not isinstance(body, dict):
            raise fail(400, 'Invalid request body: JSON with Quantity and WorkMode expected.')
        mode = body.get('WorkMode')
        mode = mode.lower() if isinstance(mode, str) else None
        quantity = body.get('Quantity')
        if mode not in ('absolute', 'incremental'):
            return pack_result(4)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or (mode == 'absolute' and quantity < 0):
            return pack_result(3)
        limits = [p for p in store.profile(account['IdProfile'])['Packs'] if str(p['Id']) == pack_id]
        if not limits:
            return pack_result(2)
        limits = limits[0]
        held = [p for p in account['ActivePacks'] if p['Id'] == limits['Id']]
        if held:
            held = held[0]
        else:
            held = {'CurrentQuantity': 0, 'Id': limits['Id'], 'Quantity': 0}
        total = quantity if mode == 'absolute' else held['Quantity'] + quantity
        if not limits['Min'] <= total <= limits['Max']:
            return pack_result(1)
        if held not in account['ActivePacks']:
            account['ActivePacks'].append(held)
        held['Quantity'] = total
        delay = store.config['pack_propagation_delay']
        if delay > 0:
            store.pending_packs[(account['IdAccount'], held['Id'])] = time.monotonic() + delay
        else:
            held['CurrentQuantity'] = total
        return pack_result(0)

    # The contradict fault: a success that says something other than what was asked, with nothing applied.

    def contradiction(self, request):
        sub_path = request.path[len(SERVICE_PREFIX) + 1:].rstrip('/')
        if request.method == 'POST' and re.fullmatch(r'Account/\d+/Pack/[^/]+', sub_path, re.IGNORECASE):
            return json_response(200, {'Code': 1, 'Description': PACK_RESULTS[1]})
        match = re.fullmatch(r'Account/(\d+)', sub_path, re.IGNORECASE)
        if request.method == 'PUT' and match:
            account = self.store.account(match.group(1)) or {}
            enabled = (request.args.get('Enable') or '').lower() == 'true'
            return json_response(200, {'Code': 1 if enabled else 0, 'Description': 'Deactivated' if enabled else 'Active',
                                       'ValidFrom': account.get('ValidFrom'), 'ValidTo': account.get('ValidTo')})
        if request.method == 'PUT' and re.fullmatch(r'Account/\d+/Profile/[^/]+', sub_path, re.IGNORECASE):
            return empty_response(200)
        return json_response(200, {})

    # Account creation (inferred by the spec; see README)

    def create_account(self, request, external):
        store = self.store
        try:
            body = read_json(request)
        except ValueError:
            raise fail(400, 'Invalid request body: JSON with IdProfile expected.') from None
        if not isinstance(body, dict) or isinstance(body.get('IdProfile'), bool) or not isinstance(body.get('IdProfile'), int):
            raise fail(400, 'Invalid request body: JSON with IdProfile expected.')
        self.profile(body['IdProfile'])
        retailer = store.data['retailer']
        activation_id = retailer['next_activation_id']
        retailer['next_activation_id'] += 1
        store.activations[activation_id] = {'ready_at': time.monotonic() + store.config['activation_delay'],
                                            'external': external, 'request': body, 'account': None,
                                            'outcome': store.config['activation_outcome']}
        answer = activation_id if store.config['create_account_answer'] == 'number' else {'IdActivation': activation_id}
        return json_response(200, answer)

    def settle_activations(self):
        """MailUp creates the account when its activation ends, whether or not anyone polls: the emulator does it at the
        first request after the delay."""
        now = time.monotonic()
        for activation in self.store.activations.values():
            if activation['account'] is None and activation['outcome'] != 'error' and now >= activation['ready_at']:
                activation['account'] = self.new_account(activation)

    def activation_status(self, _request, external, activation_id):
        store = self.store
        if not re.fullmatch(r'\d+', activation_id):
            raise fail(400, 'Invalid activation.')
        activation = store.activations.get(int(activation_id))
        if activation is None:
            return json_response(403, {'Code': -1, 'Description': 'Unknown account activation status'})
        self.check_binding(activation['external'], external)
        if time.monotonic() < activation['ready_at']:
            return json_response(store.config['activation_progress_status'],
                                 {'Code': 1, 'Description': 'Processing', 'IdAccount': 0})
        if activation['outcome'] == 'error':
            return json_response(403, {'Code': 2, 'Description': 'Error'})
        if activation['outcome'] == 'finalize_error':
            # The account exists, but its settings (tracking domains, service name, urls) could not be set.
            return json_response(403, {'Code': 3, 'Description': 'An error occurred finalizing account creation'})
        return json_response(200, {'Code': 0, 'Description': 'Ok', 'IdAccount': activation['account']})

    def find_accounts(self, request, external):
        """The accounts bound to the request's ExternalUserId (inferred; switch account_lookup: none answers 405, as a
        resource that only takes POST does)."""
        if self.store.config['account_lookup'] == 'none':
            return mailup_error(405, 'Method GET is not allowed on this resource', headers={'Allow': 'POST'})
        items = [{'Code': account['Code'], 'IdAccount': account['IdAccount'], 'IdProfile': account['IdProfile']}
                 for account in self.store.data['retailer']['accounts'] if account.get('ExternalUserId') == external]
        return self.paginate(request, items)

    def new_account(self, activation):
        retailer = self.store.data['retailer']
        account_id = retailer['next_account_id']
        retailer['next_account_id'] += 1
        profile = self.store.profile(activation['request']['IdProfile'])
        retailer['accounts'].append({
            'Code': 0, 'ActivePacks': [{'CurrentQuantity': 0, 'Id': p['Id'], 'Quantity': 0} for p in profile['Packs']],
            'Credits': 0, 'IdAccount': account_id, 'IdProfile': profile['Id'],
            'ValidFrom': now_text(), 'ValidTo': now_text(365), 'ExternalUserId': activation['external'],
            'Request': dict(activation['request'])})
        return account_id
