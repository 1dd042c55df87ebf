# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reads of many items in one task: in the order of the items, a few at a time, and on a failure what was read.

An audit of a large estate reads one resource per item (the status of each customer account). One module run does
them all, so the token, the process and the imports are paid once; a few reads are in flight together, because most
of a read's time is the network's. A read that fails stops the reading: no new read starts, the reads in flight finish,
and the task fails saying which items were read and which not (nothing is written, so nothing is left half-done).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._concurrent import Stopped, run_in_order

# How many items a message names before it only counts the rest: the full lists are in the result.
NAMED_IN_MESSAGE = 10


class ReadStopped(Stopped):
    """A read of ``read_in_order`` raised; the reading stopped (the fields of Stopped), and how to say so."""

    def message(self, option, items, describe):
        """What failed, which of the ``items`` of the list ``option`` were read and which not, each as ``describe(item)``."""
        first, failed = min(self.errors), self.error
        read = sorted(self.results)
        unread = sorted(set(range(len(items))) - set(read))
        return '%s[%d] (%s): %s Read before the reading stopped: %d of %d%s; not read: %s.' % (
            option, first, describe(items[first]), getattr(failed, 'message', str(failed)).rstrip(),
            len(read), len(items), (' (%s)' % _named(items, read, describe)) if read else '',
            _named(items, unread, describe, lambda index: ' (failed)' if index in self.errors else ''))


def _named(items, indexes, describe, note=lambda index: ''):
    shown = ', '.join('%s%s' % (describe(items[index]), note(index)) for index in indexes[:NAMED_IN_MESSAGE])
    if len(indexes) > NAMED_IN_MESSAGE:
        shown += ' and %d more' % (len(indexes) - NAMED_IN_MESSAGE)
    return shown


def read_in_order(read, items, workers):
    """``[read(item) for item in items]``, at most ``workers`` reads in flight; raises ReadStopped on a failure."""
    try:
        return run_in_order(read, items, workers)
    except Stopped as stopped:
        raise ReadStopped(stopped.errors, stopped.results, stopped.not_started) from None
