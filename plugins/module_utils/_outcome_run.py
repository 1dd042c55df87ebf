# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sending the writes of a ChangeSet: one at a time, or several in flight together, and what became of each.

``_outcome`` holds the model (items, writes, the result and the messages of a task); this module runs the writes
of one and keeps each one's outcome by the rules of that model. A lane is the writes of one item, sent in order,
each once the one before it is done; lanes of independent items may run side by side (``_concurrent``). The first
failure (refused or unknown) stops the start of new writes; the writes already in flight finish and are settled
like any other, because each of them may have reached the vendor.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._concurrent import Stopped, run_in_order
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome_words import (
    DONE,
    FAILED,
    PLANNED,
    UNKNOWN,
    lost_answer_settled,
    read_back,
)


class Failure:
    """One write that failed: refused (its outcome ``failed``) or unknown.

    ``observed`` is what a read-back showed of the item (its managed fields; None when the resource is gone),
    ``read_error`` the failure of that read-back, ``read`` whether it was read back at all.
    """

    def __init__(self, item, write, error, observed=None, read_error=None, read=False):
        self.item, self.write, self.error = item, write, error
        self.observed, self.read_error, self.read = observed, read_error, read

    @property
    def unknown(self):
        return self.write.outcome == UNKNOWN


class LaneStopped(Exception):
    """Raised in a lane by the write that failed, so that its lane and the run start nothing more; carries the Failure."""

    def __init__(self, failure):
        super(LaneStopped, self).__init__(str(failure.error))
        self.failure = failure


def send_writes(changes, send, observe, warn, concurrency=1):
    """Send the writes of ``changes`` (see ChangeSet.apply); the Failures in the order of the items, [] when none.

    ``concurrency`` applies only to independent items (``changes.item_by_item``); the warnings are given out in the
    order of the items once every write in flight has finished, so the output does not depend on which came first.
    """
    lanes = changes.lanes()
    changes.concurrency = max(1, min(int(concurrency or 1), len(lanes))) if changes.item_by_item else 1
    heard = [[] for _lane in lanes]

    def run_lane(number):
        for item, write in lanes[number]:
            _send(changes, item, write, send, observe, heard[number].append)
    try:
        run_in_order(run_lane, range(len(lanes)), changes.concurrency)
        stopped = []
    except Stopped as stop:
        stopped = [stop.errors[number] for number in sorted(stop.errors)]
    finally:
        for words in (words for lane in heard for words in lane):
            if warn is not None:
                warn(words)
    unexpected = [error for error in stopped if not isinstance(error, LaneStopped)]
    if unexpected:
        # Not a vendor's answer but a fault of the collection: raised as it is, once the writes in flight are over.
        raise unexpected[0]
    return [error.failure for error in stopped]


def _send(changes, item, write, send, observe, warn):
    try:
        send(item, write)
    except ApiError as error:
        _settle(item, write, error, observe, warn)
    else:
        write.outcome = DONE
        if write.confirm:
            _confirm(item, write, observe)
    _done(changes, write)


def _done(changes, write):
    """Once ``write`` is applied: its item is done with its last write, and so is every item that follows it."""
    item = changes.item_of(write)
    if item.outcome == PLANNED and all(own.outcome == DONE for own in item.writes):
        item.outcome = DONE
    for follower in changes.followers_of(write):
        if follower.outcome == PLANNED:
            follower.outcome = DONE


def _settle(item, write, error, observe, warn):
    """A write failed: refused, settled as applied by a read-back, or unknown. Returns only when it was applied."""
    observed, read_error, was_read = None, None, False
    if error.applied is None and observe is not None:
        try:
            observed, was_read = observe(item), True
        except ApiError as failure:
            read_error = failure
    if was_read and write.absolute and read_back(observed, write.expects) == write.expects:
        write.outcome = DONE
        warn(lost_answer_settled(write, error, observed))
        return
    _stop(Failure(item, write, error, observed, read_error, was_read))


def _confirm(item, write, observe):
    """The vendor answered a write without showing its effect: read it back, and when the write names what it
    sets (``expects``), the read-back must show it."""
    try:
        observed = observe(item)
    except ApiError as failure:
        _stop(Failure(item, write, ApiError(message='the vendor answered it, but reading the result back failed'), read_error=failure))
    if write.expects is not None and read_back(observed, write.expects) != write.expects:
        _stop(Failure(item, write, ApiError(message='the vendor answered that it was done, but a read-back does not show it'), observed, None, True))


def _stop(failure):
    """Mark the failed write and its item, and stop the lane (and, through run_in_order, the start of any other)."""
    failure.write.outcome = failure.item.outcome = FAILED if failure.error.applied is False else UNKNOWN
    raise LaneStopped(failure)
