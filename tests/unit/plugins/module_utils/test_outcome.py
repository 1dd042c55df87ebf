# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outcome model as tables: items in, writes sent (or not), outcomes, messages and results out. No HTTP."""

import pytest

from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Refusal, Write, WriteFailed, read


def item(name, before, wanted, writes=('write',), **plan_fields):
    return Item('thing/%s' % name, {'size': before}, {'size': wanted}, 'resize',
                writes=[Write(write, '%s %s' % (write, name), '%s-done %s' % (write, name)) for write in writes], **plan_fields)


def error(applied, status=500):
    return ApiError('PATCH', 'https://vendor.example/things', status=status, applied=applied)


class Sender:
    """A ``send`` that records what it was asked to write and fails on the writes it is told to."""

    def __init__(self, failures=None):
        self.sent = []
        self.failures = failures or {}

    def __call__(self, thing, write):
        self.sent.append((thing.resource, write.name))
        failure = self.failures.get((thing.resource, write.name))
        if failure is not None:
            raise failure


def test_an_item_already_as_wanted_has_no_write_and_action_none():
    thing = item('a', 1, 1)
    assert (thing.must_change, thing.action, thing.writes, thing.outcome) == (False, 'none', [], 'unchanged')
    assert thing.plan() == {'resource': 'thing/a', 'action': 'none', 'before': {'size': 1}, 'after': {'size': 1}}


@pytest.mark.parametrize('failing, sent, outcomes, done, waiting, changed', [
    # No failure: every write in list order, every changing item done.
    (None, ['a', 'c'], ['done', 'unchanged', 'done'], ['write-done a', 'write-done c'], [], True),
    # The first write is refused: nothing done, the rest not attempted.
    ('a', ['a'], ['failed', 'unchanged', 'not_attempted'], [], ['write c'], False),
    # The last write is refused: what came before is done.
    ('c', ['a', 'c'], ['done', 'unchanged', 'failed'], ['write-done a'], [], True),
])
def test_writes_go_in_order_and_a_failure_stops_the_rest(failing, sent, outcomes, done, waiting, changed):
    changes = ChangeSet([item('a', 1, 2), item('b', 3, 3), item('c', 4, 5)])
    send = Sender({('thing/%s' % failing, 'write'): error(False, 403)} if failing else None)
    if failing is None:
        changes.apply(send, check_mode=False)
    else:
        with pytest.raises(WriteFailed) as caught:
            changes.apply(send, check_mode=False)
        result = caught.value.result()
        assert result['writes_done'] == done and result['changed'] is changed and result['applied'] is False
        assert [plan['outcome'] for plan in result['plans']] == outcomes
        assert [plan['failed'] for plan in result['plans']] == [outcome not in ('done', 'unchanged') for outcome in outcomes]
        assert 'Not attempted: %s.' % ('; '.join(waiting) or 'none') in result['msg']
    assert [resource for resource, _write in send.sent] == ['thing/%s' % name for name in sent]
    assert [thing.outcome for thing in changes.items] == outcomes
    assert changes.wrote is changed


def test_a_refused_write_changed_nothing_and_says_so():
    changes = ChangeSet([item('a', 1, 2)], single=True)
    with pytest.raises(WriteFailed) as caught:
        changes.apply(Sender({('thing/a', 'write'): error(False, 400)}), check_mode=False)
    message = caught.value.message()
    assert message == 'could not write a: PATCH https://vendor.example/things failed: HTTP 400; it was not applied. Nothing was changed.'
    result = caught.value.result()
    assert (result['applied'], result['changed'], result['writes_unknown'], 'read_back' in result) == (False, False, [], False)


def observer(fields=None, failure=None):
    """An ``observe`` that answers ``fields`` (as a read-back would) or fails, and counts its calls."""
    calls = []

    def observe(thing):
        calls.append(thing.resource)
        if failure is not None:
            raise failure
        return fields
    observe.calls = calls
    return observe


@pytest.mark.parametrize('absolute, observed, outcome, words', [
    # An absolute write whose read-back shows what it sets: applied, whoever did it.
    (True, {'size': 2}, 'done', None),
    (True, {'size': 1}, 'unknown', 'a read-back shows size=1, as before the write: not applied so far, but the vendor may still apply it'),
    (True, {'size': 7}, 'unknown', 'a read-back shows size=7: neither the state before (size=1) nor the one wanted (size=2), so another '
                                   'writer may be at work'),
    (True, None, 'unknown', 'a read-back finds no such resource now'),
    # An increment: the read-back cannot tell its own arrival from another writer's.
    (False, {'size': 2}, 'unknown', 'a read-back shows size=2, as if it was applied once, but another writer could have made the same change'),
    (False, {'size': 1}, 'unknown', 'as before the write: not applied so far'),
])
def test_a_lost_answer_is_settled_by_a_read_back_and_never_sent_again(absolute, observed, outcome, words):
    thing = Item('thing/a', {'size': 1}, {'size': 2}, 'grow', writes=[Write('grow', 'grow a', 'grew a', absolute=absolute)])
    changes = ChangeSet([thing, item('b', 5, 6)])
    send, observe, warnings = Sender({('thing/a', 'grow'): error(None)}), observer(observed), []
    if outcome == 'done':
        changes.apply(send, check_mode=False, observe=observe, warn=warnings.append)
        assert len(warnings) == 1 and 'a read-back shows size=2 as wanted, so it counts as applied' in warnings[0]
        assert [thing.outcome for thing in changes.items] == ['done', 'done']
        assert changes.result()['changed'] is True
    else:
        with pytest.raises(WriteFailed) as caught:
            changes.apply(send, check_mode=False, observe=observe, warn=warnings.append)
        result = caught.value.result()
        assert words in result['msg'] and 'whether it was applied is unknown' in result['msg']
        assert 'It was not sent again.' in result['msg'] and 'it may be applied later (it would grow a)' in result['msg']
        assert result['msg'].endswith('To finish the job without applying anything twice: running the task again is safe: it reads '
                                      'the state again and writes only what still differs.')
        assert (result['applied'], result['changed'], result['read_back']) == (None, True, observed)
        assert result['writes_unknown'] == ['grow a'] and result['writes_done'] == []
        assert [plan['outcome'] for plan in result['plans']] == ['unknown', 'not_attempted'] and warnings == []
    # Sent once, read back once, and the next item only when the first one is settled as applied.
    assert send.sent == [('thing/a', 'grow')] + ([('thing/b', 'write')] if outcome == 'done' else [])
    assert observe.calls == ['thing/a']


def test_a_read_back_that_fails_leaves_the_outcome_unknown():
    changes = ChangeSet([item('a', 1, 2)], single=True)
    observe = observer(failure=ApiError('GET', 'https://vendor.example/things', status=503, applied=False))
    with pytest.raises(WriteFailed) as caught:
        changes.apply(Sender({('thing/a', 'write'): error(None)}), check_mode=False, observe=observe)
    assert 'whether it was applied is unknown: the read-back failed (GET https://vendor.example/things failed: HTTP 503)' \
        in caught.value.message()
    assert caught.value.result()['plan']['outcome'] == 'unknown'


def test_a_refused_write_is_not_read_back():
    observe = observer({'size': 2})
    with pytest.raises(WriteFailed):
        ChangeSet([item('a', 1, 2)]).apply(Sender({('thing/a', 'write'): error(False, 405)}), check_mode=False, observe=observe)
    assert observe.calls == []


def test_the_advice_that_finishes_the_job_comes_from_the_planner():
    changes = ChangeSet([item('a', 1, 2), item('b', 1, 3)])
    with pytest.raises(WriteFailed) as caught:
        changes.apply(Sender({('thing/b', 'write'): error(None)}), check_mode=False, observe=observer({'size': 1}),
                      finish=lambda failed: 'set %s to their totals' % ', '.join(thing.resource for thing in failed.items))
    assert caught.value.message().endswith('To finish the job without applying anything twice: set thing/a, thing/b to their totals.')


def test_an_item_of_several_writes_lists_the_steps_done_and_not_attempted():
    changes = ChangeSet([item('a', 1, 2, writes=('first', 'second', 'third'))], single=True)
    with pytest.raises(WriteFailed) as caught:
        changes.apply(Sender({('thing/a', 'second'): error(False, 403)}), check_mode=False)
    result = caught.value.result()
    assert '; it was not applied. Done before the failure: first-done a. Not attempted: third a. To finish the job' in result['msg']
    assert result['writes_done'] == ['first-done a'] and result['changed'] is True
    assert result['plan']['outcome'] == 'failed' and 'plans' not in result


def test_failure_keys_join_the_failure_result():
    changes = ChangeSet([item('a', 1, 2)], single=True)
    with pytest.raises(WriteFailed) as caught:
        changes.apply(Sender({('thing/a', 'write'): error(False)}), check_mode=False,
                      failure_keys=lambda thing, failure: {'which': thing.resource, 'status': failure.status})
    result = caught.value.result()
    assert (result['which'], result['status'], result['error']['status']) == ('thing/a', 500, 500)


@pytest.mark.parametrize('observed, outcome', [({'size': 2}, 'done'), ({'size': 1}, 'unknown')])
def test_a_write_that_asks_for_confirmation_is_read_back_after_its_success_answer(observed, outcome):
    def send(thing, write):
        write.confirm = True

    changes = ChangeSet([item('a', 1, 2)], single=True)
    observe = observer(observed)
    if outcome == 'done':
        changes.apply(send, check_mode=False, observe=observe)
        assert changes.items[0].outcome == 'done'
    else:
        with pytest.raises(WriteFailed) as caught:
            changes.apply(send, check_mode=False, observe=observe)
        assert 'the vendor answered that it was done, but a read-back does not show it' in caught.value.message()
        assert caught.value.result()['applied'] is None
    assert observe.calls == ['thing/a']


def test_a_confirmation_without_expectations_only_reads_back():
    def send(thing, write):
        write.confirm, write.expects = True, None

    observe = observer({'size': 1})
    changes = ChangeSet([item('a', 1, 2)])
    changes.apply(send, check_mode=False, observe=observe)
    assert observe.calls == ['thing/a'] and changes.items[0].outcome == 'done'


def test_check_mode_sends_nothing_and_predicts_changed():
    changes = ChangeSet([item('a', 1, 2), item('b', 3, 3)])
    send = Sender()
    changes.apply(send, check_mode=True, observe=lambda thing: pytest.fail('check mode reads nothing back'))
    assert send.sent == []
    result = changes.result()
    assert result['changed'] is True and [plan['action'] for plan in result['plans']] == ['resize', 'none']
    unchanged = ChangeSet([item('b', 3, 3)])
    unchanged.apply(send, check_mode=True)
    assert unchanged.result()['changed'] is False


def test_a_real_run_is_changed_only_by_writes_that_were_applied():
    changes = ChangeSet([item('a', 1, 1)])
    changes.apply(Sender(), check_mode=False)
    assert changes.result()['changed'] is False


def test_a_refusal_marks_every_change_not_attempted_and_keeps_the_extra_keys():
    changes = ChangeSet([item('a', 1, 2), item('b', 3, 3)])
    with pytest.raises(Refusal) as caught:
        changes.refuse('too big. Nothing was changed.', limit=10)
    result = caught.value.result()
    assert result['msg'] == 'too big. Nothing was changed.' and result['limit'] == 10 and result['changed'] is False
    assert [plan['outcome'] for plan in result['plans']] == ['not_attempted', 'unchanged']
    assert result['writes_done'] == []


@pytest.mark.parametrize('single, before, after', [
    (True, {'id': 7, 'size': 1}, {'id': 7, 'size': 2}),
    (False, {'thing/a': 1}, {'thing/a': 2}),
])
def test_the_diff_of_the_single_and_the_bulk_form(single, before, after):
    thing = Item('thing/a', {'size': 1}, {'size': 2}, 'resize', identity={'id': 7})
    assert ChangeSet([thing], single=single).result(diff=True)['diff'] == {'before': before, 'after': after}


def test_a_bulk_diff_with_several_fields_keeps_them_together():
    thing = Item('thing/a', {'size': 1, 'colour': 'red'}, {'size': 2, 'colour': 'red'}, 'resize')
    assert ChangeSet([thing]).diff() == {'before': {'thing/a': {'size': 1, 'colour': 'red'}},
                                         'after': {'thing/a': {'size': 2, 'colour': 'red'}}}


def test_plan_fields_are_part_of_the_plan_entry():
    thing = item('a', 1, 2, credits=5, balance_before=10, balance_after=5)
    assert thing.plan() == {'resource': 'thing/a', 'action': 'resize', 'before': {'size': 1}, 'after': {'size': 2},
                            'credits': 5, 'balance_before': 10, 'balance_after': 5}


def test_a_failed_read_refuses_with_what_was_read():
    def broken():
        raise ApiError('GET', 'https://vendor.example/prices', status=502, applied=False)

    with pytest.raises(Refusal) as caught:
        read('reading the price list', broken)
    assert caught.value.message == ('reading the price list failed: GET https://vendor.example/prices failed: HTTP 502. '
                                    'Nothing was changed.')
    assert caught.value.result()['error']['status'] == 502
    changes = ChangeSet([item('a', 1, 2)], single=True)
    with pytest.raises(Refusal) as caught:
        changes.read('reading the price list', broken)
    assert caught.value.result()['plan']['outcome'] == 'not_attempted'
    assert read('reading a value', lambda value, twice=False: value * (2 if twice else 1), 21, twice=True) == 42
