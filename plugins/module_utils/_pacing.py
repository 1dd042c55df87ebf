# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client-side pacing: the collection keeps under a vendor's rate limit instead of running into it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import time


class Pacer:
    """Client-side pacing: never more than the allowed number of requests in any window of one second.

    Each request is stamped when its answer (or its failure) arrives, which is after the server saw it,
    so ``capacity`` requests later the next one leaves at least one second after the server counted the
    earliest of them, whatever the network delays and however the vendor draws its window. Nothing waits
    until the window is full, so a short run is never slowed down.
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
        self.waited = 0.0

    def wait(self):
        """Sleep just long enough that the next request keeps every window within the limit."""
        if self.rate is None or len(self.stamps) < self.capacity:
            return 0.0
        delay = self.stamps[0] + self.period - self.clock()
        if delay <= 0:
            return 0.0
        self.waited += delay
        self.sleep(delay)
        return delay

    def record(self):
        if self.rate is not None:
            self.stamps.append(self.clock())
