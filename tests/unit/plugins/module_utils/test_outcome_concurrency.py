# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ChangeSet.apply with several writes in flight: no HTTP; the sends synchronise on events.

Which writes are in flight when one fails is set by the test: a held send waits until another has failed, then a
moment more (GRACE) so that the run has seen the failure before the held one finishes. Nothing asserts on time.
"""

import threading
import time

import pytest

from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome import ChangeSet, Item, Write, WriteFailed

STUCK = 30
# From the failing send raising to the run seeing it is a few microseconds; this is a thousand times that.
GRACE = 0.2


def item(name, writes=('write',), before=1, wanted=2):
    return Item('thing/%s' % name, {'size': before}, {'size': wanted}, 'resize',
                writes=[Write(write, '%s %s' % (write, name), '%s-done %s' % (write, name)) for write in writes])


def refused(status=403):
    return ApiError('PATCH', 'https://vendor.example/things', status=status, applied=False)


def lost():
    return ApiError('PATCH', 'https://vendor.example/things', applied=None)


class Sender:
    """Records every send (with its thread), fails the ones it is told to, holds the ones it is told to until ``release``."""

    def __init__(self, failures=None, held=()):
        self.lock = threading.Lock()
        self.sent = []
        self.threads = set()
        self.failures = failures or {}
        self.held = set(held)
        self.release = threading.Event()
        self.in_flight = 0
        self.most_in_flight = 0

    def __call__(self, thing, write):
        with self.lock:
            self.sent.append((thing.resource, write.name))
            self.threads.add(threading.current_thread())
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if (thing.resource, write.name) in self.held:
                assert self.release.wait(STUCK)
                time.sleep(GRACE)
            failure = self.failures.get((thing.resource, write.name))
            if failure is not None:
                self.release.set()
                raise failure
        finally:
            with self.lock:
                self.in_flight -= 1


def test_independent_items_go_several_at_a_time_and_the_result_keeps_the_list_order():
    things = [item(str(number)) for number in range(12)]
    send = Sender()
    changes = ChangeSet(things)
    changes.apply(send, check_mode=False, concurrency=4)
    assert sorted(send.sent) == sorted(('thing/%d' % number, 'write') for number in range(12))
    # Sent by the workers, never more than four at once.
    assert threading.current_thread() not in send.threads and send.most_in_flight <= 4
    assert [plan['resource'] for plan in changes.plans()] == ['thing/%d' % number for number in range(12)]
    assert all(thing.outcome == 'done' for thing in things) and changes.concurrency == 4


def test_the_writes_of_one_item_go_in_order_each_once_the_one_before_is_done():
    order = []
    lock = threading.Lock()

    def send(thing, write):
        with lock:
            order.append((thing.resource, write.name, 'start'))
        # Long enough that a second write of the same item started early would overlap it.
        time.sleep(0.01)
        with lock:
            order.append((thing.resource, write.name, 'end'))

    things = [item(name, writes=('first', 'second', 'third')) for name in 'abcd']
    ChangeSet(things).apply(send, check_mode=False, concurrency=4)
    for name in 'abcd':
        mine = [(write, when) for resource, write, when in order if resource == 'thing/%s' % name]
        assert mine == [('first', 'start'), ('first', 'end'), ('second', 'start'), ('second', 'end'), ('third', 'start'), ('third', 'end')]
    assert all(thing.outcome == 'done' for thing in things)


def test_after_a_failure_no_write_starts_those_in_flight_finish_and_the_rest_are_not_attempted():
    # a and c are in flight (held) when b is refused; d and e never start.
    things = [item(name) for name in 'abcde']
    send = Sender(failures={('thing/b', 'write'): refused()}, held={('thing/a', 'write'), ('thing/c', 'write')})
    changes = ChangeSet(things)
    with pytest.raises(WriteFailed) as caught:
        changes.apply(send, check_mode=False, concurrency=3)
    assert sorted(resource for resource, _write in send.sent) == ['thing/a', 'thing/b', 'thing/c']
    assert [thing.outcome for thing in things] == ['done', 'failed', 'done', 'not_attempted', 'not_attempted']
    result = caught.value.result()
    assert result['writes_done'] == ['write-done a', 'write-done c'] and result['applied'] is False and result['changed'] is True
    assert 'Done before the failure or while it was in flight: write-done a; write-done c. Not attempted: write d; write e.' in result['msg']


def test_several_failures_in_flight_are_all_named_in_list_order():
    # c is refused first; a and b are held until then, b is done, a comes back lost: a leads (list order), c follows, the
    # advice stays safe; d never starts.
    things = [item(name) for name in 'abcd']
    send = Sender(failures={('thing/a', 'write'): lost(), ('thing/c', 'write'): refused()}, held={('thing/a', 'write'), ('thing/b', 'write')})
    changes = ChangeSet(things)
    with pytest.raises(WriteFailed) as caught:
        changes.apply(send, check_mode=False, concurrency=3, observe=lambda thing: {'size': 1})
    failure = caught.value
    assert [each.item.resource for each in failure.failures] == ['thing/a', 'thing/c']
    assert failure.item.resource == 'thing/a' and failure.unknown
    message = failure.message()
    assert message.startswith('could not write a: ') and 'whether it was applied is unknown' in message
    assert 'Also in flight at the same time, and failed: could not write c: ' in message and 'it was not applied.' in message
    assert 'If the lost request is still on its way, it may be applied later (it would write a)' in message
    assert message.endswith('To finish the job without applying anything twice: running the task again is safe: it reads the state '
                            'again and writes only what still differs.')
    result = failure.result()
    assert result['applied'] is None and result['writes_unknown'] == ['write a'] and result['read_back'] == {'size': 1}
    assert [plan['outcome'] for plan in result['plans']] == ['unknown', 'done', 'failed', 'not_attempted']


def test_two_lost_answers_are_both_named_as_lost():
    things = [item(name) for name in 'ab']
    send = Sender(failures={('thing/a', 'write'): lost(), ('thing/b', 'write'): lost()}, held={('thing/a', 'write')})
    with pytest.raises(WriteFailed) as caught:
        ChangeSet(things).apply(send, check_mode=False, concurrency=2, observe=lambda thing: {'size': 1})
    assert 'If the lost requests are still on their way, they may be applied later (they would write a; write b)' in caught.value.message()


def test_the_warnings_come_in_list_order_whatever_order_the_writes_finished_in():
    # b's lost answer is settled (the read-back shows it applied) before a's, which is held until b is done.
    things = [item(name) for name in 'ab']
    settled_b = threading.Event()

    def send(thing, write):
        if thing.resource == 'thing/a':
            assert settled_b.wait(STUCK)
            time.sleep(GRACE)
        raise lost()

    def observe(thing):
        if thing.resource == 'thing/b':
            settled_b.set()
        return {'size': 2}
    heard = []
    ChangeSet(things).apply(send, check_mode=False, concurrency=2, observe=observe, warn=heard.append)
    assert [words.split('"')[1] for words in heard] == ['write a', 'write b']
    assert [thing.outcome for thing in things] == ['done', 'done']


def test_a_planners_own_order_is_kept_one_write_at_a_time():
    # The packs after the profile change, the disable after the packs: the planner's order ties the items together.
    account = item('account', writes=('profile', 'disable'))
    packs = [item('pack%d' % number) for number in range(3)]
    order = [account.writes[0]] + [pack.writes[0] for pack in packs] + [account.writes[1]]
    send = Sender()
    changes = ChangeSet([account] + packs, order=order)
    changes.apply(send, check_mode=False, concurrency=8)
    assert send.sent == [('thing/account', 'profile'), ('thing/pack0', 'write'), ('thing/pack1', 'write'), ('thing/pack2', 'write'),
                         ('thing/account', 'disable')]
    assert send.threads == {threading.current_thread()} and changes.concurrency == 1


def test_an_item_that_follows_a_write_is_done_with_it():
    account = item('account', writes=('profile',))
    follower = Item('thing/lost-pack', {'size': 3}, {'size': 0}, 'remove', follows=account.writes[0])
    others = [item('other%d' % number) for number in range(3)]
    changes = ChangeSet([account, follower] + others)
    changes.apply(Sender(), check_mode=False, concurrency=4)
    assert follower.outcome == 'done'


def test_check_mode_sends_nothing_whatever_the_concurrency():
    send = Sender()
    changes = ChangeSet([item(str(number)) for number in range(5)])
    changes.apply(send, check_mode=True, concurrency=5)
    assert send.sent == [] and changes.result()['changed'] is True


def test_an_unexpected_error_in_a_send_is_raised_once_the_writes_in_flight_are_over():
    things = [item(name) for name in 'abc']
    send = Sender(failures={('thing/b', 'write'): KeyError('a bug')}, held={('thing/a', 'write')})
    with pytest.raises(KeyError):
        ChangeSet(things).apply(send, check_mode=False, concurrency=2)
    # a finished before the error was raised; nothing after b started.
    assert things[0].outcome == 'done' and [resource for resource, _write in send.sent if resource == 'thing/c'] == []


def test_ten_thousand_items_find_their_writes_without_a_scan():
    # Each write's item and followers come from an index: a scan per write would be a hundred million steps here.
    things = [item(str(number)) for number in range(10000)]
    changes = ChangeSet(things)
    assert all(changes.item_of(thing.writes[0]) is thing for thing in things[::997])
    changes.apply(lambda thing, write: None, check_mode=False, concurrency=1)
    assert all(thing.outcome == 'done' for thing in things)
