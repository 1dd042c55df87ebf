# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_in_order: bounded concurrency that keeps the item order and stops starting calls after a failure.

The calls synchronise on events, never on time: a test says which call finishes when, so what it asserts
cannot depend on how fast the machine is.
"""

import threading

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.channel.partner.plugins.module_utils._concurrent import Stopped, run_in_order

# Long enough that a deadlock fails the test instead of hanging it; no test waits for it when it passes.
STUCK = 30


class Recorder:
    """A function that records the most calls in flight at once and the thread each call ran in."""

    def __init__(self, answer=lambda item: item * 10, fail=()):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.threads = {}
        self.started = []
        self.answer = answer
        self.fail = set(fail)

    def __call__(self, item):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.threads[item] = threading.current_thread()
            self.started.append(item)
        try:
            if item in self.fail:
                raise ValueError('item %s failed' % item)
            return self.answer(item)
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.mark.parametrize('workers', [None, 0, 1])
def test_one_worker_runs_in_the_callers_thread_in_order(workers):
    recorder = Recorder()
    assert run_in_order(recorder, [3, 1, 2], workers) == [30, 10, 20]
    assert recorder.started == [3, 1, 2]
    assert set(recorder.threads.values()) == {threading.current_thread()}


def test_one_worker_stops_at_the_first_failure():
    recorder = Recorder(fail={2})
    with pytest.raises(Stopped) as caught:
        run_in_order(recorder, [1, 2, 3, 4], 1)
    stopped = caught.value
    assert isinstance(stopped.error, ValueError) and str(stopped.error) == 'item 2 failed' == str(stopped)
    assert stopped.results == {0: 10} and list(stopped.errors) == [1] and stopped.not_started == [2, 3]
    assert recorder.started == [1, 2]


def test_results_come_back_in_item_order_whatever_order_the_calls_finish_in():
    # Each call waits until the call after it has finished, so they finish last to first.
    items = list(range(6))
    finished = dict((item, threading.Event()) for item in items)

    def backwards(item):
        if item + 1 in finished:
            assert finished[item + 1].wait(STUCK)
        finished[item].set()
        return 'result %d' % item
    assert run_in_order(backwards, items, 6) == ['result %d' % item for item in items]


def test_never_more_calls_in_flight_than_workers_and_that_many_are_used():
    # Three calls hold until all three are in flight together; the others pass.
    gate = threading.Barrier(3, timeout=STUCK)

    def answer(item):
        if item < 3:
            gate.wait()
        return item
    recorder = Recorder(answer)
    assert run_in_order(recorder, list(range(20)), 3) == list(range(20))
    assert recorder.most_in_flight == 3
    assert len(set(recorder.threads.values()) - {threading.current_thread()}) >= 2


def test_after_a_failure_no_call_starts_and_the_calls_in_flight_finish():
    # Item 1 fails while items 0 and 2 are in flight; they finish after it, and nothing after item 2 starts.
    failed = threading.Event()
    in_flight = threading.Barrier(3, timeout=STUCK)

    def answer(item):
        if item in (0, 2):
            in_flight.wait()
            assert failed.wait(STUCK)
            return 'late %d' % item
        in_flight.wait()
        failed.set()
        raise ValueError('item 1 refused')
    recorder = Recorder(answer)
    with pytest.raises(Stopped) as caught:
        run_in_order(recorder, list(range(10)), 3)
    stopped = caught.value
    assert str(stopped.error) == 'item 1 refused'
    assert stopped.results == {0: 'late 0', 2: 'late 2'}
    assert list(stopped.errors) == [1]
    assert stopped.not_started == list(range(3, 10))
    assert sorted(recorder.started) == [0, 1, 2]


def test_the_error_is_the_first_failure_by_item_order_not_by_time():
    # Item 2 fails first; item 0 fails after it: the error is item 0's, and both are in errors.
    second_failed = threading.Event()

    def answer(item):
        if item == 2:
            second_failed.set()
            raise ValueError('item 2')
        # Items 0 and 1 stay in flight until item 2 has failed, so nothing after item 2 starts.
        assert second_failed.wait(STUCK)
        if item == 0:
            raise KeyError('item 0')
        return item
    with pytest.raises(Stopped) as caught:
        run_in_order(answer, [0, 1, 2, 3, 4], 3)
    stopped = caught.value
    assert isinstance(stopped.error, KeyError)
    assert sorted(stopped.errors) == [0, 2] and stopped.results == {1: 1}
    assert stopped.not_started == [3, 4]


def test_an_empty_list_and_a_single_item():
    assert run_in_order(Recorder(), [], 8) == []
    recorder = Recorder()
    assert run_in_order(recorder, [7], 8) == [70]
    # One item needs no thread.
    assert recorder.threads[7] is threading.current_thread()


def test_items_may_be_any_iterable():
    assert run_in_order(lambda item: item + 1, iter([1, 2, 3]), 2) == [2, 3, 4]


@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 30), workers=st.integers(0, 9), failing=st.sets(st.integers(0, 29), max_size=4))
def test_property_every_item_is_either_a_result_an_error_or_not_started(count, workers, failing):
    recorder = Recorder(fail=failing)
    items = list(range(count))
    try:
        results = run_in_order(recorder, items, workers)
    except Stopped as stopped:
        accounted = sorted(list(stopped.results) + list(stopped.errors) + stopped.not_started)
        assert accounted == items
        assert set(stopped.errors) <= failing and stopped.error is stopped.errors[min(stopped.errors)]
        assert all(stopped.results[index] == index * 10 for index in stopped.results)
        # Calls start in item order, so the items never started are the last ones.
        assert stopped.not_started == list(range(count - len(stopped.not_started), count))
        assert sorted(recorder.started) == sorted(list(stopped.results) + list(stopped.errors))
    else:
        assert not failing & set(items)
        assert results == [item * 10 for item in items]
    assert recorder.most_in_flight <= max(1, workers)
