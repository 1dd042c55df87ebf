# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wait of an asynchronous MailUp job (a profile change, an account activation): poll until it is done or the
time the task allows is up, the pauses growing, never sending a poll that could not be answered in time."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError

# What a poll of a job that has started may meet and still carry on: a lost answer or a passing refusal.
PASSING_POLL_FAILURES = (None, 429, 500, 502, 503, 504)
POLL_GROWTH = 1.5


def poll_until(client, clock, poll, deadline, timeout, interval, ceiling, timed_out, pause_first=False):
    """``poll()`` until it returns something (not None), which is returned.

    The pauses between polls start at ``interval`` and grow by POLL_GROWTH up to ``ceiling``. The ``deadline`` (on
    ``clock``) bounds the polls' own requests and retries too: no poll is sent, and none is waited for, past it, and then
    ``timed_out(last problem)`` is raised. A poll that meets a lost answer or a passing refusal is polled again; any
    other failure ends the wait.
    """
    reserve = min(client.timeout or 1.0, 1.0, float(timeout) / 10)
    last_problem, last_call = None, False
    # The polls' requests end by the deadline; in this thread only, as other threads may be running other items' steps.
    with client.until(deadline):
        while True:
            if not pause_first:
                try:
                    found = poll()
                except ApiError as error:
                    if getattr(error, 'final', False) or error.status not in PASSING_POLL_FAILURES:
                        raise
                    last_problem = str(error)
                else:
                    if found is not None:
                        return found
                    last_problem = None
            pause_first = False
            remaining = deadline - clock()
            if remaining <= 0 or last_call:
                raise timed_out(last_problem)
            # A poll sent later than this could not be answered by the deadline: the one sent then is the last.
            pause = min(interval, remaining - reserve)
            last_call = pause < interval
            if pause > 0:
                client.sleep(pause)
            interval = min(ceiling, interval * POLL_GROWTH)
