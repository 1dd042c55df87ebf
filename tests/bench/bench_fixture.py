"""An emulator fixture for the benchmark: the default fixture plus a large estate.

- ``count`` extra outMail live services on Outmail500 (ids from 3000001), for the
  1,000-service regrade, and a partner balance that pays for all their upgrades;
- a retailer profile "Bench" with ``pack_count`` packs of generous limits and an
  account 29999 (ExternalUserId cust-29999) on it, so that one bulk pack task sends
  enough calls to measure the pacing against the rate limit;
- ``account_count`` customer accounts (ids from 40001, ExternalUserId cust-40001 and
  so on) on the Economy profile, every tenth disabled, for the audit of a large estate.

Everything of the default fixture stays as it is, so the per-module scenarios run
against the accounts and services the rest of the test suite knows.
"""

import copy
import json
from pathlib import Path

from emulator_fixture import default_state

FIRST_SERVICE_ID = 3000001
FIRST_RECORD_ID = 900001
FIRST_WHMCS_ID = 700001
BENCH_CLIENT_ID = 9987602
BENCH_TARIFF = 'Outmail500'
BENCH_TARGET = 'Outmail1000'
BENCH_PROFILE_ID = 9999
FIRST_BENCH_PACK_ID = 9001
BENCH_ACCOUNT_ID = 29999
BENCH_EXTERNAL_USER_ID = 'cust-29999'
FIRST_ESTATE_ACCOUNT_ID = 40001
ESTATE_PROFILE_ID = 1047


def bench_service_ids(count):
    return list(range(FIRST_SERVICE_ID, FIRST_SERVICE_ID + count))


def bench_pack_ids(pack_count):
    return list(range(FIRST_BENCH_PACK_ID, FIRST_BENCH_PACK_ID + pack_count))


def estate_accounts(account_count):
    """The estate's accounts as partner_audit_accounts and the accounts option take them."""
    return [{'account_id': account_id, 'external_user_id': 'cust-%d' % account_id}
            for account_id in range(FIRST_ESTATE_ACCOUNT_ID, FIRST_ESTATE_ACCOUNT_ID + account_count)]


def build_fixture(count, pack_count=40, account_count=0):
    data = default_state()
    template = next(service for service in data['live_services'] if service['product'] == 'outmail')
    for offset, service_id in enumerate(bench_service_ids(count)):
        service = dict(template)
        service.update(id=service_id, client_id=BENCH_CLIENT_ID, tariff_service_name=BENCH_TARIFF, suspended=False,
                       suspend_reason=None, whmcs_service_id=str(FIRST_WHMCS_ID + offset),
                       record_id=FIRST_RECORD_ID + offset)
        data['live_services'].append(service)
    data['next_live_service_id'] = max(data['next_live_service_id'], FIRST_SERVICE_ID + count)
    data['next_record_id'] = max(data['next_record_id'], FIRST_RECORD_ID + count)
    # Every upgrade of the estate twice over (loop form, then bulk form after a reset), with room to spare.
    data['partner']['partner_credits'] = 1000000

    retailer = data['retailer']
    pack_ids = bench_pack_ids(pack_count)
    for pack_id in pack_ids:
        retailer['packs'].append({'Id': pack_id, 'Name': 'Bench pack %d' % pack_id, 'Description': 'Benchmark pack %d' % pack_id})
    retailer['profiles'].append({'ClientCode': 99, 'Description': 'Bench', 'Id': BENCH_PROFILE_ID, 'Name': 'Bench',
                                 'Packs': [{'Id': pack_id, 'Min': 0, 'Max': 1000} for pack_id in pack_ids]})
    account = copy.deepcopy(retailer['accounts'][0])
    account.update(Code=0, IdAccount=BENCH_ACCOUNT_ID, IdProfile=BENCH_PROFILE_ID, ExternalUserId=BENCH_EXTERNAL_USER_ID,
                   ActivePacks=[{'CurrentQuantity': 0, 'Id': pack_id, 'Quantity': 0} for pack_id in pack_ids])
    retailer['accounts'].append(account)
    economy = [profile for profile in retailer['profiles'] if profile['Id'] == ESTATE_PROFILE_ID][0]
    for number, item in enumerate(estate_accounts(account_count)):
        retailer['accounts'].append(dict(
            copy.deepcopy(account), Code=1 if number % 10 == 9 else 0, IdAccount=item['account_id'], IdProfile=ESTATE_PROFILE_ID,
            ExternalUserId=item['external_user_id'], Credits=number % 500,
            ActivePacks=[{'CurrentQuantity': 1, 'Id': limits['Id'], 'Quantity': 1} for limits in economy['Packs']]))
    return data


def write_fixture(directory, count, pack_count=40, account_count=0):
    path = Path(directory) / ('bench-%d-services-%d-accounts.json' % (count, account_count))
    path.write_text(json.dumps(build_fixture(count, pack_count, account_count)), encoding='utf-8')
    return path
