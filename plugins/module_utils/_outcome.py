# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The outcome model every write module shares: what each resource was, what is wanted, what
was written, and what the module says about it.

A module turns what it read and what the user wants into Items (one per resource; the single
form is a list of one) and hands them to a ChangeSet, which sends their writes in order (or,
in check mode, none), keeps each write's outcome, and builds from the same items the result:
``changed``, the ``plan`` entries, the diff, and on a failure the message that says what was
done, what failed and what was not attempted. No HTTP here; the module's ``send`` does that.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError

# What became of an item: nothing to write, to be written, written, failed part-way or wholly, never sent.
UNCHANGED, PLANNED, DONE, FAILED, NOT_ATTEMPTED = 'unchanged', 'planned', 'done', 'failed', 'not_attempted'


class Refusal(Exception):
    """The task is refused before any write; ``extra`` are further result keys (the allowed values, ...)."""

    def __init__(self, message, changes=None, **extra):
        super(Refusal, self).__init__(message)
        self.message = message
        self.changes = changes
        self.extra = extra

    def result(self):
        result = dict(self.extra, msg=self.message, changed=False)
        if self.changes is not None:
            result.update(self.changes.outcome_keys())
        return result


class Write:
    """One request that changes the vendor's state: ``name`` for the module's ``send``, the words for a message.

    ``advice`` is what to do when nobody can tell whether this write was applied (by default the task's).
    """

    def __init__(self, name, to_do, done, advice=None):
        self.name = name
        self.to_do = to_do      # 'regrade live service 1234931 from Outmail500 to Outmail1000'
        self.done = done        # 'regraded live service 1234931 from Outmail500 to Outmail1000'
        self.advice = advice
        self.outcome = PLANNED


class Item:
    """One resource: its managed fields before the run and as wanted, and the writes between them.

    ``plan_fields`` are further keys of its plan entry (credits, balances); ``identity`` keys are shown beside
    the managed fields in the diff of the single form. A planner subclasses Item for what it needs to know
    of its resource.
    """

    def __init__(self, resource, before, wanted, action, writes=(), identity=None, **plan_fields):
        self.resource = resource
        self.before = before
        self.wanted = wanted
        self.action = action if before != wanted else 'none'
        self.writes = list(writes) if before != wanted else []
        self.identity = identity or {}
        self.plan_fields = plan_fields
        self.outcome = PLANNED if before != wanted else UNCHANGED

    @property
    def must_change(self):
        return self.before != self.wanted

    def plan(self, with_outcome=False):
        plan = {'resource': self.resource, 'action': self.action, 'before': self.before, 'after': self.wanted}
        plan.update(self.plan_fields)
        if with_outcome:
            plan.update(outcome=self.outcome, failed=self.outcome not in (DONE, UNCHANGED))
        return plan


def read(what, function, *arguments, **keywords):
    """``function(*arguments, **keywords)``, a read before any write; its failure refuses the task, naming ``what`` was read."""
    try:
        return function(*arguments, **keywords)
    except ApiError as error:
        raise Refusal('%s failed: %s. Nothing was changed.' % (what, error), error=error.to_dict()) from None


class WriteFailed(Exception):
    """A write failed (``write`` None: every write was applied, then reading the result back failed)."""

    def __init__(self, changes, write, error, advice, extra=None):
        super(WriteFailed, self).__init__(str(error))
        self.changes = changes
        self.write = write
        self.error = error
        self.advice = advice
        self.extra = extra or {}

    def verdict(self):
        if self.error.applied is False:
            return 'it was not applied'
        if self.error.applied is True:
            return 'it was applied'
        return 'it may or may not have been applied; %s' % ((self.write and self.write.advice) or self.advice)

    def message(self):
        changes = self.changes
        done = [write.done for write in changes.writes() if write.outcome == DONE]
        if self.write is None:
            message = '%s.' % self.error
        else:
            message = 'could not %s: %s; %s.' % (self.write.to_do, self.error, self.verdict())
        if self.write is None or len(changes.writes()) > 1:
            waiting = [write.to_do for write in changes.writes() if write.outcome == NOT_ATTEMPTED]
            message += ' Done before the failure: %s. Not attempted: %s.' % ('; '.join(done) or 'none', '; '.join(waiting) or 'none')
        if not done and self.error.applied is False:
            message += ' Nothing was changed.'
        return message

    def result(self):
        # Whether the failed write took effect: True, False, or None when nobody can tell. After a failed read-back
        # (no failed write) every write was applied.
        applied = True if self.write is None else self.error.applied
        result = dict(self.extra, msg=self.message(), error=self.error.to_dict(), changed=self.changes.wrote, applied=applied)
        result.update(self.changes.outcome_keys())
        return result


class ChangeSet:
    """The items of one task, in the order the user gave them, and how far their writes got.

    ``single`` is the form with one resource (result keys ``plan`` and a flat diff); otherwise the bulk
    form (``plans``, and a diff keyed by resource).
    """

    def __init__(self, items, single=False):
        self.items = list(items)
        self.single = single
        self.checked = False

    @property
    def changes(self):
        """The items that must change."""
        return [item for item in self.items if item.must_change]

    @property
    def must_change(self):
        return any(item.must_change for item in self.items)

    def writes(self):
        return [write for item in self.items for write in item.writes]

    @property
    def wrote(self):
        """Whether any write of this task was applied."""
        return any(write.outcome == DONE for write in self.writes())

    def refuse(self, message, **extra):
        """Refuse the whole task before its first write."""
        self._stop()
        raise Refusal(message, changes=self, **extra)

    def read(self, what, function, *arguments, **keywords):
        """A read before the first write (see ``read``); its failure refuses the task with every item's plan."""
        try:
            return read(what, function, *arguments, **keywords)
        except Refusal as refusal:
            self.refuse(refusal.message, **refusal.extra)

    def apply(self, send, check_mode, advice='run the task again to see the state', settle=None, failure_keys=None):
        """Send every write in order with ``send(item, write)``, or none in check mode.

        A failed write stops the run: the writes after it are not attempted, and WriteFailed says which were done,
        with ``advice`` for the case where nobody can tell whether the failed write was applied, and the result keys
        ``failure_keys(item, error)`` adds. ``settle()``, when given, runs after the last write: a read-back whose
        failure is reported with every write done.
        """
        if check_mode:
            self.checked = True
            return
        for item in self.items:
            for write in item.writes:
                try:
                    send(item, write)
                except ApiError as error:
                    write.outcome = item.outcome = FAILED
                    self._stop()
                    raise WriteFailed(self, write, error, advice, failure_keys(item, error) if failure_keys else None) from None
                write.outcome = DONE
            if item.must_change:
                item.outcome = DONE
        if settle is not None and self.wrote:
            try:
                settle()
            except ApiError as error:
                raise WriteFailed(self, None, error, advice) from None

    def _stop(self):
        for item in self.items:
            for write in item.writes:
                if write.outcome == PLANNED:
                    write.outcome = NOT_ATTEMPTED
            if item.outcome == PLANNED:
                item.outcome = NOT_ATTEMPTED

    def plans(self, with_outcome=False):
        return [item.plan(with_outcome) for item in self.items]

    def outcome_keys(self):
        """What a failed task returns besides its message: each item's plan with its outcome, and the writes done."""
        plans = self.plans(with_outcome=True)
        keys = {'plan': plans[0]} if self.single and plans else {'plans': plans}
        keys['writes_done'] = [write.done for write in self.writes() if write.outcome == DONE]
        return keys

    def diff(self):
        if self.single:
            item = self.items[0]
            return {'before': dict(item.identity, **item.before), 'after': dict(item.identity, **item.wanted)}
        # Keyed by resource, so a long list reads as one line per resource; one managed field shows as its value.

        def shown(fields):
            return list(fields.values())[0] if len(fields) == 1 else fields
        return {'before': dict((item.resource, shown(item.before)) for item in self.items),
                'after': dict((item.resource, shown(item.wanted)) for item in self.items)}

    def result(self, diff=False, **module_keys):
        """The success result: ``changed`` (in check mode, whether anything would change), the plan entries, the diff."""
        result = dict(module_keys, changed=self.must_change if self.checked else self.wrote)
        if self.single:
            result['plan'] = self.items[0].plan()
        else:
            result['plans'] = self.plans()
        if diff:
            result['diff'] = self.diff()
        return result


def run(module, problems, api_class, converge):
    """The life of a write module's task once AnsibleModule has its options.

    Every problem ``problems(params)`` finds in the options fails the task before any request; then
    ``converge(module, api)`` runs against ``api_class.from_module(module)``, and the task exits with its
    result. A refusal or failure it raises fails the task saying what was done. Outside ChangeSet.apply
    only reads are sent, so an ApiError that reaches here changed nothing.
    """
    fail_on_problems(module, problems(module.params))
    api = api_class.from_module(module)
    try:
        result = converge(module, api)
    except Refusal as refusal:
        module.fail_json(**refusal.result())
    except WriteFailed as failure:
        module.fail_json(**failure.result())
    except ApiError as error:
        module.fail_json(msg='%s. Nothing was changed.' % error, error=error.to_dict())
    module.exit_json(**result)
