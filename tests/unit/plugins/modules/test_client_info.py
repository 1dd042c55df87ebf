# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""channel.partner.client_info, run in-process against the emulator over real HTTP: the clients a selection names, whether
or not the server applies the search, and a deleted client marked as such."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_fixture import PARTNER_LOGIN
from modrun import run_module


def info(emu, **options):
    return run_module('client_info', dict({'api_url': emu.partner_url}, **PARTNER_LOGIN, **options))


@pytest.mark.parametrize('search_filter', ['honoured', 'ignored'])
@pytest.mark.parametrize('options, ids', [
    ({'client_id': 9987601}, [9987601]),
    ({'client_id': 9999999}, []),
    ({'external_userid': '123456'}, [9987600]),
    ({'search': {'surname LIKE': 'do%'}}, [9987601]),
    ({'search': {'id >': 9987601, 'id <=': '9987603'}}, [9987602, 9987603]),
    ({'search': {'id !=': 9987600}}, [9987601, 9987602, 9987603]),
    ({}, [9987600, 9987601, 9987602, 9987603]),
])
def test_client_info_selects_the_same_clients_whether_or_not_the_server_filters(emulator, search_filter, options, ids):
    emulator.configure(search_filter=search_filter)
    result = info(emulator, **options)
    assert [found['id'] for found in result['clients']] == ids, result
    assert result['changed'] is False and len(emulator.requests()) == 1 and emulator.writes() == []


def test_client_info_marks_a_deleted_client(emulator):
    run_module('client', dict({'api_url': emulator.partner_url}, **PARTNER_LOGIN, client_id=9987602, state='absent'))
    shown = info(emulator, client_id=9987602)['clients']
    assert shown[0]['deleted'] is True and shown[0]['enabled'] is False and shown[0]['email'] is None
    assert info(emulator, client_id=9987600)['clients'][0]['deleted'] is False


@pytest.mark.parametrize('options, words', [
    ({'search': {'': 1}}, 'a search key is a field name'),
    ({'search': {'id ~': 1}}, "optionally followed by one of >=, <=, !=, >, <, LIKE, not 'id ~'"),
    ({'search': {'id': [1, 2]}}, 'search["id"] must be a text or a number'),
    ({'client_id': 1, 'external_userid': 'x'}, 'mutually exclusive'),
])
def test_client_info_refuses_a_bad_search_before_any_request(emulator, options, words):
    result = info(emulator, **options)
    assert result['failed'] is True and words in result['msg'], result['msg']
    assert emulator.requests() == []


FIELDS = ['id', 'surname', 'email', 'external_userid', 'active', 'verified']
OPERATORS = ['', ' !=', ' >', ' <', ' >=', ' <=', ' LIKE']


def expected_ids(clients, search):
    """The ids a search selects, by the rules of the spec's A.4 (ANDed keys, LIKE with % and _, no case)."""
    chosen = []
    for entry in clients:
        keep = True
        for key, wanted in search.items():
            field, _space, operator = key.partition(' ')
            value = entry.get(field)
            if value is None:
                keep = False
            elif operator == 'LIKE':
                pattern = ''.join('.*' if part == '%' else '.' if part == '_' else re.escape(part) for part in re.split('([%_])', str(wanted)))
                keep = keep and re.fullmatch(pattern, str(value), re.IGNORECASE | re.DOTALL) is not None
            elif operator in ('', '!='):
                keep = keep and ((str(value) == str(wanted)) == (operator == ''))
            else:
                try:
                    left, right = float(value), float(wanted)
                except ValueError:
                    left, right = str(value).lower(), str(wanted).lower()
                keep = keep and {'>': left > right, '<': left < right, '>=': left >= right, '<=': left <= right}[operator]
        if keep:
            chosen.append(entry['id'])
    return chosen


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    search=st.dictionaries(
        st.tuples(st.sampled_from(FIELDS), st.sampled_from(OPERATORS)).map(''.join),
        st.one_of(st.sampled_from(['9987601', '9987602', '1', '0', 'Doe', 'd%', '%e%', '_oe', '123456', 'fred@example.com']),
                  st.integers(min_value=0, max_value=9987604)),
        min_size=1, max_size=3),
    search_filter=st.sampled_from(['honoured', 'ignored']),
)
def test_property_client_info_selects_what_the_filter_says_whether_or_not_the_server_applies_it(emulator, search, search_filter):
    emulator.configure(search_filter=search_filter)
    emulator.clear_requests()
    result = info(emulator, search=search)
    assert result.get('failed') is not True, result.get('msg')
    assert [found['id'] for found in result['clients']] == expected_ids(emulator.snapshot()['clients'], search)
    assert len(emulator.requests()) == 1 and emulator.writes() == []
