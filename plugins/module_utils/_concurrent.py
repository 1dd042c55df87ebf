# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bounded concurrency with the stopping rule of the collection's writes.

A bulk task calls one function per item. With several workers, up to that many calls are in flight
together; the results still come back in the order of the items. When a call fails, nothing new is
started (a write after a failure is exactly what the outcome model forbids), yet the calls already in
flight are let finish, because each of them may already have reached the vendor: their real outcome
is kept, not guessed. Standard library only.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import concurrent.futures


class Stopped(Exception):
    """A call of ``run_in_order`` raised; the run stopped starting calls.

    ``error`` is the first failure by item order, ``errors`` every failure (item index -> exception), ``results``
    the calls that returned (item index -> result), ``not_started`` the indexes of the items never called.
    """

    def __init__(self, errors, results, not_started):
        self.errors = dict(errors)
        self.error = self.errors[min(self.errors)]
        self.results = dict(results)
        self.not_started = list(not_started)
        super(Stopped, self).__init__(str(self.error))


def run_in_order(function, items, workers):
    """``[function(item) for item in items]`` with at most ``workers`` calls in flight; raises Stopped on a failure.

    ``workers`` of 1 or less (or None) calls them one after another in the caller's thread, with no thread at all.
    """
    items = list(items)
    workers = int(workers or 1)
    if workers <= 1 or len(items) <= 1:
        return _in_sequence(function, items)
    return _in_parallel(function, items, min(workers, len(items)))


def _in_sequence(function, items):
    results = {}
    for index, item in enumerate(items):
        try:
            results[index] = function(item)
        except Exception as error:  # pylint: disable=broad-exception-caught
            raise Stopped({index: error}, results, range(index + 1, len(items))) from None
    return [results[index] for index in range(len(items))]


def _in_parallel(function, items, workers):
    results, errors, running = {}, {}, {}
    next_index = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix='channel.partner worker') as pool:
        while running or (next_index < len(items) and not errors):
            # A new call starts only while nothing has failed: after a failure the run only waits for those in flight.
            while not errors and next_index < len(items) and len(running) < workers:
                running[pool.submit(function, items[next_index])] = next_index
                next_index += 1
            finished, _still_running = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                try:
                    results[index] = future.result()
                except Exception as error:  # pylint: disable=broad-exception-caught
                    errors[index] = error
    if errors:
        raise Stopped(errors, results, range(next_index, len(items)))
    return [results[index] for index in range(len(items))]
