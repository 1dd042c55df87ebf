# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.retailer_profile_info run in-process against the emulator (real HTTP)."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import RETAILER_LOGIN
from modrun import run_module

DEFAULT_PROFILES = [
    {'Id': 1046, 'Name': 'Trial', 'Description': 'Trial', 'ClientCode': 1},
    {'Id': 1047, 'Name': 'Economy', 'Description': 'Economy', 'ClientCode': 2},
    {'Id': 1048, 'Name': 'Premium', 'Description': 'Premium', 'ClientCode': 3},
]


def info_args(emu, **options):
    args = dict(RETAILER_LOGIN, api_url=emu.retailer_url)
    args.update(options)
    return args


def expected_profiles(emu, profile_id=None, name=None, include_packs=False):
    """What the module must return, computed from the emulator's state rather than from the API."""
    state = emu.snapshot()['retailer']
    catalogue = dict((pack['Id'], pack) for pack in state['packs'])
    expected = []
    for profile in state['profiles']:
        if (profile_id is not None and profile['Id'] != profile_id) or (name is not None and profile['Name'] != name):
            continue
        entry = dict((key, profile[key]) for key in ('Id', 'Name', 'Description', 'ClientCode'))
        if include_packs:
            # Every field MailUp sends for a pack, Description included.
            entry['packs'] = [{'Id': p['Id'], 'Name': catalogue.get(p['Id'], {}).get('Name', str(p['Id'])), 'Min': p['Min'], 'Max': p['Max'],
                               'Description': catalogue.get(p['Id'], {}).get('Description', '')} for p in profile['Packs']]
        expected.append(entry)
    return expected


def test_lists_all_profiles_with_one_request(emulator):
    result = run_module('retailer_profile_info', info_args(emulator))
    assert result['changed'] is False
    assert result['profiles'] == DEFAULT_PROFILES
    assert [(r['method'], r['api']) for r in emulator.requests()] == [('POST', 'oauth'), ('GET', 'retailer')]


@pytest.mark.parametrize('options, ids', [({'id': 1047}, [1047]), ({'name': 'Premium'}, [1048]), ({'name': 'premium'}, []),
                                          ({'id': 1}, [])])
def test_filters(emulator, options, ids):
    result = run_module('retailer_profile_info', info_args(emulator, **options))
    assert [profile['Id'] for profile in result['profiles']] == ids


def test_include_packs_reads_the_packs_of_the_returned_profiles_only(emulator):
    result = run_module('retailer_profile_info', info_args(emulator, name='Economy', include_packs=True))
    assert result['profiles'] == expected_profiles(emulator, name='Economy', include_packs=True)
    assert result['profiles'][0]['packs'][0] == {'Id': 534, 'Name': 'Extra 1,000 emails', 'Min': 0, 'Max': 10,
                                                 'Description': 'Extra 1,000 emails per month'}
    paths = [r['path'].rsplit('RetailerService.svc/', 1)[-1] for r in emulator.requests(api='retailer')]
    assert paths == ['Management/Profile', 'Management/Profile/1047/Pack']


def test_id_and_name_are_mutually_exclusive(emulator):
    result = run_module('retailer_profile_info', info_args(emulator, id=1047, name='Economy'))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    assert emulator.requests() == []


def test_check_mode_gives_the_same_answer(emulator):
    assert run_module('retailer_profile_info', info_args(emulator), check_mode=True)['profiles'] == DEFAULT_PROFILES


def test_bad_credentials_fail_without_the_secret(emulator):
    result = run_module('retailer_profile_info', info_args(emulator, password='wrong-password-123'))
    assert result['failed'] is True
    assert 'wrong-password-123' not in repr(result) and RETAILER_LOGIN['client_secret'] not in repr(result)


def test_expired_token_is_renewed(emulator):
    # The token lives 0.5 s and every pack list takes 0.2 s: it expires in the middle of the run.
    emulator.configure(token_lifetime=0.5)
    emulator.add_fault('latency', route='/Pack$', seconds=0.2)
    result = run_module('retailer_profile_info', info_args(emulator, include_packs=True))
    assert 'failed' not in result, result
    assert len(result['profiles']) == 3
    # One renewal per expiry: each 401 is followed by one token request and the call repeated once.
    unauthorized = [r['status'] for r in emulator.requests(api='retailer')].count(401)
    assert unauthorized >= 1 and len(emulator.requests(api='oauth')) == 1 + unauthorized


# Property: however many profiles there are (so however many pages), whatever the paging
# reading of the server, and whatever the filter, the module returns exactly the stored
# profiles, in order, and never writes.

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extra=st.integers(0, 130),
    paging_mode=st.sampled_from(['parameters', 'total']),
    selector=st.sampled_from(['none', 'id', 'name', 'missing']),
    pick=st.integers(0, 10 ** 6),
    include_packs=st.booleans(),
    check_mode=st.booleans(),
)
def test_property_returns_exactly_the_stored_profiles(emulator, extra, paging_mode, selector, pick, include_packs, check_mode):
    emulator.reset()
    emulator.configure(paging_mode=paging_mode)
    with emulator.edit_state() as state:
        profiles = state['retailer']['profiles']
        for number in range(extra):
            # Every seventh added profile reuses a name, so that a name filter can match several profiles.
            name = 'Economy' if number % 7 == 6 else 'Extra %d' % number
            profiles.append({'ClientCode': 10 + number, 'Description': 'added %d' % number, 'Id': 5000 + number, 'Name': name,
                             'Packs': [{'Id': 534, 'Min': 0, 'Max': number}]})
        chosen = profiles[pick % len(profiles)]
    options = {}
    if selector == 'id':
        options['id'] = chosen['Id']
    elif selector == 'name':
        options['name'] = chosen['Name']
    elif selector == 'missing':
        options['id'] = 4999
    # Packs cost one request per profile: only ask for them on short lists.
    include_packs = include_packs and (selector != 'none' or extra < 10)
    if include_packs:
        options['include_packs'] = True
    emulator.clear_requests()

    result = run_module('retailer_profile_info', info_args(emulator, **options), check_mode=check_mode)
    assert 'failed' not in result, result
    assert result['changed'] is False
    assert result['profiles'] == expected_profiles(emulator, options.get('id'), options.get('name'), include_packs)
    assert emulator.writes() == []
    list_requests = [r for r in emulator.requests(api='retailer') if r['path'].endswith('Management/Profile')]
    assert len(list_requests) == max(1, -(-(3 + extra) // 50))
