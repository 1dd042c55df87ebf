# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The contract check of the Partner API: which variant of each behaviour the vendors' pages leave open an account
shows, and whether the collection handles it.

Each probe reads the raw answer (through the API class's HttpClient, so the same TLS, timeouts and secret masking
apply) and says what it saw in a finding. Nothing here writes, except the round trip, which the module runs only
when the user asks for it by name.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils import _partner_model as model

# An id no live service has: its answer shows how the API says "not found".
NO_SUCH_ID = 0


def finding(name, assumed, variant, handled, note=None):
    """One behaviour: what the collection assumes (``assumed``), what the API showed (``variant``), whether the
    collection handles that (True, False, or None when the probe could not tell), and what to do about it."""
    return {'behaviour': name, 'assumed': assumed, 'variant': variant, 'handled': handled, 'note': note}


def run_check(module, api_name, findings, round_trip, unsettled):
    """The life of a contract-check module: the read-only ``findings()``; then, when the user asked for the round trip and
    this is not check mode, ``round_trip(writes)``, which returns (findings, result figures) and adds each write it does
    to ``writes`` as it does it. ``unsettled`` says what may be left changed when the round trip stops half-way."""
    writes, figures = [], {}
    try:
        behaviours = findings()
    except ApiError as error:
        module.fail_json(msg='the contract check could not read the %s: %s. Nothing was written.' % (api_name, error), error=error.to_dict())
    if module.params['round_trip'] and not module.check_mode:
        try:
            found, figures = round_trip(writes)
        except (ApiError, ValueError) as error:
            details = {'error': error.to_dict()} if isinstance(error, ApiError) else {}
            module.fail_json(msg='the round trip failed: %s. Done before the failure: %s.%s' % (
                error, '; '.join(writes) or 'nothing', ' %s: check it.' % unsettled if writes else ''),
                behaviours=behaviours, writes=writes, **details)
        behaviours += found
    module.exit_json(changed=bool(writes), behaviours=behaviours, writes=writes,
                     unhandled=[entry['behaviour'] for entry in behaviours if entry['handled'] is False], **figures)


def _raw(client, path, **options):
    """(status, parsed body) of a GET, errors included; ApiError only when no answer came."""
    response = client.request('GET', path, expected=(200, 400, 401, 403, 404, 405), **options)
    return response.status, response.json()


def _error_shape(body):
    if isinstance(body, dict) and isinstance(body.get('error'), dict):
        return 'nested'
    if isinstance(body, dict) and 'name' in body and 'message' in body:
        return 'flat'
    if isinstance(body, dict) and 'name' in body and 'url' in body:
        return 'cake'
    return 'other'


def balance_finding(client):
    _status, prices = _raw(client, '/live_services/service_names')
    meta = prices.get('meta') if isinstance(prices, dict) and isinstance(prices.get('meta'), dict) else {}
    if meta.get('partner_credits') is not None:
        return finding('balance', 'meta.partner_credits of the price list', 'meta.partner_credits of the price list', True)
    _status, own = _raw(client, '/clients/self')
    data = own.get('data') if isinstance(own, dict) and isinstance(own.get('data'), dict) else {}
    if data.get('partner_credits') is not None:
        return finding('balance', 'meta.partner_credits of the price list', 'data.partner_credits of /clients/self only', True,
                       'the balance is read from /clients/self: one more request per regrade')
    return finding('balance', 'meta.partner_credits of the price list', 'reported nowhere', False,
                   'regrades need credit_check: false')


def targets_findings(client, services, live_service_id):
    """The key and the format of the regrade targets, in a service's own record and in the list."""
    found = []
    if live_service_id is None and services:
        live_service_id = services[0].get('id')
    if live_service_id is None:
        return [finding('regrade_targets', 'regrade_servicenames, a list', 'not determined (no live service)', None)]
    _status, body = _raw(client, '/live_services/%s' % live_service_id)
    record = body.get('data') if isinstance(body, dict) and isinstance(body.get('data'), dict) else {}
    key = next((name for name in model.TARGET_FIELDS if name in record), None)
    if key is None:
        found.append(finding('regrade_targets', 'regrade_servicenames, a list', 'missing from the record of live service %s'
                             % live_service_id, False, 'no regrade target can be checked before a regrade'))
    else:
        value = record[key]
        shape = 'a list' if isinstance(value, list) else 'a comma-separated string' if isinstance(value, str) else \
            'an object' if isinstance(value, dict) else type(value).__name__
        found.append(finding('regrade_targets', 'regrade_servicenames, a list', '%s, %s' % (key, shape),
                             shape in ('a list', 'a comma-separated string', 'an object')))
    in_list = any(name in service for service in services for name in model.TARGET_FIELDS)
    found.append(finding('targets_in_list', 'in the list or only in the record', 'in the list' if in_list else 'only in the record', True,
                         None if in_list else 'a regrade reads the service record for its targets'))
    return found


def search_finding(client, services):
    clients = sorted(set(str(service.get('client_id')) for service in services))
    if len(clients) < 2:
        return finding('search', 'honoured', 'not determined (the live services have fewer than two clients)', None)
    _status, body = _raw(client, '/live_services', params={'search': model.rison_object({'client_id': clients[0]})})
    returned = body.get('data') if isinstance(body, dict) and isinstance(body.get('data'), list) else []
    others = [service for service in returned if isinstance(service, dict) and str(service.get('client_id')) != clients[0]]
    variant = 'ignored (records of other clients came back)' if others else 'honoured'
    return finding('search', 'honoured', variant, True, 'every record is checked against the filter' if others else None)


def not_found_findings(client):
    status, body = _raw(client, '/live_services/%d' % NO_SUCH_ID)
    shape = _error_shape(body)
    return [
        finding('error_envelope', 'nested {"error": {name, url, message}}', shape, shape != 'other',
                None if shape != 'other' else 'vendor messages are shown as an excerpt of the body'),
        finding('unknown_live_service', '404', str(status), status in (404, 403),
                None if status in (404, 403) else 'an unknown live service id is an error, not "does not exist"'),
    ]


def partner_findings(api, live_service_id=None):
    """Every read-only finding of the Partner API."""
    client = api.client
    _status, body = _raw(client, '/live_services')
    services = [service for service in (body.get('data') if isinstance(body, dict) and isinstance(body.get('data'), list) else [])
                if isinstance(service, dict)]
    return [balance_finding(client)] + targets_findings(client, services, live_service_id) + [search_finding(client, services)] + \
        not_found_findings(client)


def round_trip(api, live_service_id, there, writes):
    """Regrade the live service to ``there`` and back, reading the balance before, between and after: what the vendor
    answered, what it charged, and which cost model that is. Each write done is added to ``writes`` as it is done (so
    that a failure half-way can say what was done). Returns (findings, figures)."""
    service = api.live_service(live_service_id)
    if service is None:
        raise ApiError(message='live service %s does not exist (or is not yours); nothing was written' % live_service_id)
    back = service['tariff_service_name']
    if there == back:
        raise ApiError(message='tariff_service_name is already the package of live service %s; name another one for the round trip'
                       % live_service_id)
    catalogue = api.service_catalogue()
    balances = [catalogue['balance']]
    for target in (there, back):
        api.regrade(live_service_id, target)
        writes.append('regraded live service %s to %s' % (live_service_id, target))
        balances.append(api.credit_balance())
    prices = dict((name, entry['credits']) for name, entry in catalogue['services'].items())
    charged = [None if None in (before, after) else before - after for before, after in zip(balances, balances[1:])]
    model_seen = _cost_model(prices, back, there, charged[0])
    findings = [
        finding('regrade_answer', 'the live service in data', 'the live service in data' if api.observed.get('regrade_answer') == 'record'
                else 'success without data (read back)', True),
        finding('regrade_cost', 'difference (new price minus old, never below 0)', model_seen, model_seen in ('difference', 'full'),
                'charged %s there and %s back; set cost_model: %s' % (charged[0], charged[1], model_seen)
                if model_seen in ('difference', 'full') else 'charged %s there and %s back' % (charged[0], charged[1])),
    ]
    return findings, {'balances': balances, 'charged': charged}


def _cost_model(prices, old, new, charged):
    if charged is None or prices.get(old) is None or prices.get(new) is None:
        return 'not determined'
    if charged == max(0, prices[new] - prices[old]):
        return 'difference'
    if charged == prices[new]:
        return 'full'
    return 'other (%s credits)' % charged
