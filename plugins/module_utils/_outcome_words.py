# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The words of the outcome model: what a failed write's message says was done, refused, unknown and
not attempted, what a read-back showed, and what to do next.

Kept apart from ``_outcome`` so that the rules (what is sent, what counts as applied) and the wording
can each be read on their own. Every sentence here is meant to be safe to act on as written.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

# What became of an item or a write: nothing to write, to be written, applied, refused (not applied),
# perhaps applied (nobody can tell), never sent. These are the words of the plans too.
UNCHANGED, PLANNED, DONE, FAILED, UNKNOWN, NOT_ATTEMPTED = 'unchanged', 'planned', 'done', 'failed', 'unknown', 'not_attempted'


def read_back(observed, expects):
    """The fields of ``observed`` that ``expects`` names (None when the resource is gone)."""
    if observed is None:
        return None
    return dict((key, observed.get(key)) for key in expects)


def fields_text(fields):
    return ', '.join('%s=%s' % (key, fields[key]) for key in sorted(fields)) if fields else 'nothing'


def observation(failure):
    """What the read-back after a lost or contradicted answer showed, and what it proves."""
    write, item = failure.write, failure.item
    if failure.read_error is not None:
        return 'the read-back failed (%s)' % failure.read_error
    if not failure.read:
        return 'it could not be read back'
    if failure.observed is None:
        return 'a read-back finds no such resource now'
    shown = read_back(failure.observed, write.expects)
    if shown == read_back(item.before, write.expects):
        return ('a read-back shows %s, as before the write: not applied so far, but the vendor may still apply it'
                % fields_text(shown))
    if shown == write.expects:
        return ('a read-back shows %s, as if it was applied once, but another writer could have made the same change'
                % fields_text(shown))
    return ('a read-back shows %s: neither the state before (%s) nor the one wanted (%s), so another writer may be at work'
            % (fields_text(shown), fields_text(read_back(item.before, write.expects)), fields_text(write.expects)))


def failed_write(failure):
    """What became of one failed write: refused, or unknown with what a read-back showed."""
    if failure.unknown:
        return 'could not %s: %s; whether it was applied is unknown: %s. It was not sent again.' % (
            failure.write.to_do, failure.error, observation(failure))
    return 'could not %s: %s; it was not applied.' % (failure.write.to_do, failure.error)


def failure_message(failure):
    """The message of a WriteFailed: the failed writes (several when several were in flight together), the error and what
    is known of each, the rest of the task, the way on."""
    changes = failure.changes
    done = [other.done for other in changes.writes() if other.outcome == DONE]
    message = failed_write(failure.failures[0])
    for other in failure.failures[1:]:
        message += ' Also in flight at the same time, and failed: %s' % failed_write(other)
    if len(changes.writes()) > 1:
        waiting = [other.to_do for other in changes.writes() if other.outcome == NOT_ATTEMPTED]
        # With several writes in flight, some were done after the first failure: they had started before it.
        when = 'before the failure' if changes.concurrency <= 1 else 'before the failure or while it was in flight'
        message += ' Done %s: %s. Not attempted: %s.' % (when, '; '.join(done) or 'none', '; '.join(waiting) or 'none')
    lost = [other.write.to_do for other in failure.failures if other.unknown]
    if len(lost) == 1:
        message += (' If the lost request is still on its way, it may be applied later (it would %s): check before changing this '
                    'again to something else.' % lost[0])
    elif lost:
        message += (' If the lost requests are still on their way, they may be applied later (they would %s): check before '
                    'changing these again to something else.' % '; '.join(lost))
    if done or lost:
        message += ' To finish the job without applying anything twice: %s.' % failure.finish
    else:
        message += ' Nothing was changed.'
    return message


def lost_answer_settled(write, error, observed):
    """The warning when a read-back settled a lost answer to an absolute write as applied."""
    return ('the answer to "%s" was lost (%s), but a read-back shows %s as wanted, so it counts as applied (another writer may '
            'have made the same change at the same time); it was not sent again' % (write.to_do, error, fields_text(read_back(observed, write.expects))))
