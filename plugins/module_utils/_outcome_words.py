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


def failure_message(failure):
    """The message of a WriteFailed: the write, the error, what is known of it, the rest of the task, the way on."""
    changes, write = failure.changes, failure.write
    done = [other.done for other in changes.writes() if other.outcome == 'done']
    if failure.unknown:
        message = 'could not %s: %s; whether it was applied is unknown: %s. It was not sent again.' % (
            write.to_do, failure.error, observation(failure))
    else:
        message = 'could not %s: %s; it was not applied.' % (write.to_do, failure.error)
    if len(changes.writes()) > 1:
        waiting = [other.to_do for other in changes.writes() if other.outcome == 'not_attempted']
        message += ' Done before the failure: %s. Not attempted: %s.' % ('; '.join(done) or 'none', '; '.join(waiting) or 'none')
    if failure.unknown:
        message += (' If the lost request is still on its way, it may be applied later (it would %s): check before changing this '
                    'again to something else.' % write.to_do)
    if done or failure.unknown:
        message += ' To finish the job without applying anything twice: %s.' % failure.finish
    elif not done:
        message += ' Nothing was changed.'
    return message


def lost_answer_settled(write, error, observed):
    """The warning when a read-back settled a lost answer to an absolute write as applied."""
    return ('the answer to "%s" was lost (%s), but a read-back shows %s as wanted, so it counts as applied (another writer may '
            'have made the same change at the same time); it was not sent again' % (write.to_do, error, fields_text(read_back(observed, write.expects))))
