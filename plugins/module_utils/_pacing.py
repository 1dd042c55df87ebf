# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client-side pacing: the collection keeps under a vendor's rate limit instead of running into it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import threading
import time

# What one window of the rate limit covers: each resource (request path) its own, or every call of the token together.
SCOPES = ('resource', 'token')


class Pacer:
    """Client-side pacing: never more than the allowed number of requests in any window of one second.

    Each request is stamped when its answer (or its failure) arrives, which is after the server saw it,
    so ``capacity`` requests later the next one leaves at least one second after the server counted the
    earliest of them, whatever the network delays and however the vendor draws its window. Nothing waits
    until the window is full, so a short run is never slowed down.

    Safe to share between threads: a request holds its place in the window from ``wait`` to ``record``, so a
    request in flight, whose stamp is not known yet, counts as one that will land in every window to come.
    """

    def __init__(self, max_requests_per_second=None, sleep=None, clock=None):
        rate = float(max_requests_per_second) if max_requests_per_second else 0.0
        if rate < 0:
            raise ValueError('max_requests_per_second must be 0 (no pacing) or more, not %s' % max_requests_per_second)
        self.rate = rate or None
        if self.rate is None:
            self.capacity, self.period = 0, 0.0
        elif rate >= 1:
            # A fraction above 1 cannot be honoured in every one-second window, so it is rounded down.
            self.capacity, self.period = int(rate), 1.0
        else:
            # Slower than one a second: one request per 1/rate seconds.
            self.capacity, self.period = 1, 1.0 / rate
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.stamps = collections.deque(maxlen=max(1, self.capacity))
        self.in_flight = 0
        self.waited = 0.0
        self.condition = threading.Condition()

    def wait(self):
        """Sleep just long enough that the next request keeps every window within the limit; returns the seconds slept."""
        if self.rate is None:
            return 0.0
        slept = 0.0
        with self.condition:
            while True:
                free = self.capacity - self.in_flight
                if free <= 0:
                    # Every place is held by a request in flight: its answer frees one.
                    self.condition.wait()
                    continue
                # Of the last ``free`` answers, the oldest must be a period old: with the requests in flight, no window
                # then holds more than ``capacity``.
                delay = 0.0 if len(self.stamps) < free else self.stamps[-free] + self.period - self.clock()
                if delay <= 0:
                    self.in_flight += 1
                    return slept
                self.waited += delay
                slept += delay
                # Another thread may take a place meanwhile, so the window is looked at again after the sleep.
                self.condition.release()
                try:
                    self.sleep(delay)
                finally:
                    self.condition.acquire()

    def record(self):
        """The request that ``wait`` let through has its answer (or its failure): it stays in the window from now."""
        if self.rate is None:
            return
        with self.condition:
            self.in_flight = max(0, self.in_flight - 1)
            self.stamps.append(self.clock())
            self.condition.notify()


class Pacing:
    """The pacers of one client: one per resource (the request path without its query), or one for the whole token.

    MailUp documents its limit as "5 calls per second per resource"; the collection reads a resource as one path (the
    packs of one account, ``Account/23056/Pack/12``, are another resource than ``Account/23057/Pack/12``). ``scope``
    ``token`` is the stricter reading, in which every call made with the token shares one window.
    """

    def __init__(self, max_requests_per_second=None, scope='resource', sleep=None, clock=None):
        if scope not in SCOPES:
            raise ValueError('the rate limit scope must be one of %s, not %s' % (', '.join(SCOPES), scope))
        self.scope = scope
        self._make = lambda: Pacer(max_requests_per_second, sleep=sleep, clock=clock)
        self._pacers = {}
        self._lock = threading.Lock()
        # Checks the rate at once, and answers capacity and rate for a client that has not sent anything yet.
        self._template = self._make()

    @property
    def rate(self):
        return self._template.rate

    @property
    def capacity(self):
        return self._template.capacity

    @property
    def waited(self):
        with self._lock:
            return sum(pacer.waited for pacer in self._pacers.values())

    def for_path(self, path):
        """The pacer of the resource at ``path`` (a URL path: no scheme, host or query)."""
        key = path if self.scope == 'resource' else None
        with self._lock:
            pacer = self._pacers.get(key)
            if pacer is None:
                pacer = self._pacers[key] = self._make()
            return pacer
