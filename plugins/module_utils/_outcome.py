# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The outcome model every write module shares: what each resource was, what is wanted, what
was written, and what the module says about it.

A module turns what it read and what the user wants into Items (one per resource; the single
form is a list of one) and hands them to a ChangeSet, which sends their writes in order (or,
in check mode, none), keeps each write's outcome, and builds from the same items the result:
``changed``, the ``plan`` entries, the diff, and on a failure the message that says what was
done, what failed, what is unknown and what was not attempted. No HTTP here; the module's
``send`` and ``observe`` do that.

The rules it keeps for every module:

- A write is sent once. The HTTP client repeats one only when the vendor refused it before doing
  anything; here a write whose answer was lost or garbled is never sent again.
- Its outcome is ``done`` only on the vendor's consistent success answer, or when a read-back shows
  the state an absolute write sets (sending it again would change nothing). ``failed`` (not applied)
  only when the vendor refused it or it never left this host. Everything else is ``unknown``: the
  read-back says what the vendor shows now, and that the lost request may still be applied later.
- ``changed`` is true when a write was applied or may have been.
- The advice after a failure never applies anything twice if followed as written.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.channel.partner.plugins.module_utils._argspec import fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._outcome_words import (
    failure_message,
    lost_answer_settled,
    read_back,
)

# What became of an item or a write: nothing to write, to be written, applied, refused (not applied),
# perhaps applied (nobody can tell), never sent.
UNCHANGED, PLANNED, DONE, FAILED, UNKNOWN, NOT_ATTEMPTED = 'unchanged', 'planned', 'done', 'failed', 'unknown', 'not_attempted'

DEFAULT_FINISH = 'running the task again is safe: it reads the state again and writes only what still differs'


def advice_after_a_create(resource, lookup, why):
    """The ``finish`` of a task that may create ``resource``: a create whose outcome is unknown is the one write a plain
    rerun could repeat, because until the lost request lands the rerun finds nothing and creates a second one. Then the
    advice is to look it up with ``lookup`` first; ``why`` says what waiting guards against."""
    def finish(changes):
        if any(write.name == 'create' and write.outcome == UNKNOWN for write in changes.writes()):
            return ('look the %s up first (%s): if it is listed, the create was applied and running the task again changes only '
                    'what still differs; if it is not, wait before running the task again, as %s' % (resource, lookup, why))
        return DEFAULT_FINISH
    return finish


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
    """One request that changes the vendor's state.

    ``name`` is for the module's ``send``; ``to_do`` and ``done`` are its words in a message. ``expects``
    are the managed fields it sets (by default the item's wanted fields). An ``absolute`` write sets a
    state, so a read-back that shows it settles a lost answer; an increment is not absolute. ``confirm``
    asks for a read-back after a success answer the vendor gives without proof (a profile change it says
    is done); ``send`` may set it, and may set ``expects`` to None when there is nothing to compare yet.
    """

    def __init__(self, name, to_do, done, expects=None, absolute=True, confirm=False):
        self.name = name
        self.to_do = to_do
        self.done = done
        self.expects = expects
        self.absolute = absolute
        self.confirm = confirm
        self.outcome = PLANNED


class Item:
    """One resource: its managed fields before the run and as wanted, and the writes between them.

    ``plan_fields`` are further keys of its plan entry (credits, balances); ``identity`` keys are shown beside
    the managed fields in the diff of the single form. An item that ``follows`` another item's write changes with
    it and has no write of its own (the packs a profile change removes). A planner subclasses Item for what it
    needs to know of its resource.
    """

    def __init__(self, resource, before, wanted, action, writes=(), identity=None, follows=None, **plan_fields):
        self.resource = resource
        self.before = before
        self.wanted = wanted
        self.action = action if before != wanted else 'none'
        self.writes = list(writes) if before != wanted else []
        for write in self.writes:
            if write.expects is None:
                write.expects = dict(wanted)
        self.identity = identity or {}
        self.follows = follows
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


def _ids(found):
    return ', '.join(str(record['id']) for record in found)


def only_one(found, several, advice):
    """The one record of ``found`` (a lookup before any write), None when there is none. Several are never guessed between:
    the task is refused with ``several`` (which holds ``%(ids)s``) and ``advice``."""
    if len(found) > 1:
        raise Refusal('%s: %s; nothing was changed.' % (several % {'ids': _ids(found)}, advice))
    return found[0] if found else None


def only_one_read_back(found, several):
    """The same for a read-back after a write: several make it a failed read-back, so the write's outcome stays unknown and
    the message says what was found (never "nothing was changed")."""
    if len(found) > 1:
        raise ApiError(message='%s, so it cannot tell which one this task made' % (several % {'ids': _ids(found)}))
    return found[0] if found else None


class WriteFailed(Exception):
    """A write was refused, or its outcome is unknown; the task stops there.

    ``observed`` is what a read-back showed of the item (its managed fields; None when the resource is gone),
    ``read_error`` the failure of that read-back, ``finish`` the advice that finishes the job safely.
    """

    def __init__(self, changes, item, write, error, finish, extra=None, observed=None, read_error=None, read=False):
        super(WriteFailed, self).__init__(str(error))
        self.changes, self.item, self.write, self.error = changes, item, write, error
        self.finish, self.extra = finish, extra or {}
        self.observed, self.read_error, self.read = observed, read_error, read

    @property
    def unknown(self):
        return self.write.outcome == UNKNOWN

    def message(self):
        return failure_message(self)

    def result(self):
        changes = self.changes
        # Whether the failed write took effect: False when refused, None when nobody can tell.
        result = dict(self.extra, msg=self.message(), error=self.error.to_dict(), changed=changes.wrote,
                      applied=None if self.unknown else False)
        if self.read:
            result['read_back'] = self.observed
        result.update(changes.outcome_keys())
        return result


class ChangeSet:
    """The items of one task, in the order the user gave them, and how far their writes got.

    ``single`` is the form with one resource (result keys ``plan`` and a flat diff); otherwise the bulk
    form (``plans``, and a diff keyed by resource).
    """

    def __init__(self, items, single=False, order=None):
        self.items = list(items)
        self.single = single
        # The writes in the order they are sent: item by item unless the planner says otherwise.
        self.order = list(order) if order is not None else [write for item in self.items for write in item.writes]
        self.checked = False

    @property
    def changes(self):
        """The items that must change."""
        return [item for item in self.items if item.must_change]

    @property
    def must_change(self):
        return any(item.must_change for item in self.items)

    def writes(self):
        return list(self.order)

    def item_of(self, write):
        return next(item for item in self.items if any(own is write for own in item.writes))

    def writes_with(self, outcome):
        return [write for write in self.writes() if write.outcome == outcome]

    @property
    def wrote(self):
        """Whether a write of this task was applied, or may have been."""
        return any(write.outcome in (DONE, UNKNOWN) for write in self.writes())

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

    def apply(self, send, check_mode, observe=None, warn=None, finish=DEFAULT_FINISH, failure_keys=None):
        """Send every write in order with ``send(item, write)``, or none in check mode.

        ``observe(item)`` reads the item's managed fields back (None when the resource is gone): it settles a
        write whose answer was lost and confirms a write that asks for it. A refused or unknown write stops
        the run: the writes after it are not attempted, and WriteFailed says which were done, with ``finish``
        (the advice that completes the job safely) and the result keys ``failure_keys(item, error)`` adds.
        ``warn`` hears of a lost answer that the read-back settled.
        """
        if check_mode:
            self.checked = True
            return
        for write in self.order:
            item = self.item_of(write)
            try:
                send(item, write)
            except ApiError as error:
                self._settle(item, write, error, observe, warn, finish, failure_keys)
            else:
                write.outcome = DONE
                if write.confirm:
                    self._confirm(item, write, observe, finish, failure_keys)
            self._done(write)
        for item in self.items:
            if item.outcome == PLANNED and item.follows is None and not item.writes:
                item.outcome = DONE

    def _done(self, write):
        """Once ``write`` is applied: its item is done with its last write, and so is every item that follows it."""
        for item in self.items:
            if item.follows is write or (item.writes and all(own.outcome == DONE for own in item.writes)):
                if item.outcome == PLANNED:
                    item.outcome = DONE

    def _settle(self, item, write, error, observe, warn, finish, failure_keys):
        """A write failed: refused, settled as applied by a read-back, or unknown. Returns only when it was applied."""
        observed, read_error, was_read = None, None, False
        if error.applied is None and observe is not None:
            try:
                observed, was_read = observe(item), True
            except ApiError as failure:
                read_error = failure
        if was_read and write.absolute and read_back(observed, write.expects) == write.expects:
            write.outcome = DONE
            if warn is not None:
                warn(lost_answer_settled(write, error, observed))
            return
        self._fail(item, write, error, finish, failure_keys, observed, read_error, was_read)

    def _confirm(self, item, write, observe, finish, failure_keys):
        """The vendor answered a write without showing its effect: read it back, and when the write names what it
        sets (``expects``), the read-back must show it."""
        try:
            observed = observe(item)
        except ApiError as failure:
            self._fail(item, write, ApiError(message='the vendor answered it, but reading the result back failed'), finish,
                       failure_keys, None, failure, False)
        if write.expects is not None and read_back(observed, write.expects) != write.expects:
            error = ApiError(message='the vendor answered that it was done, but a read-back does not show it')
            self._fail(item, write, error, finish, failure_keys, observed, None, True)

    def _fail(self, item, write, error, finish, failure_keys, observed, read_error, was_read):
        write.outcome = item.outcome = FAILED if error.applied is False else UNKNOWN
        self._stop()
        extra = failure_keys(item, error) if failure_keys else None
        if callable(finish):
            finish = finish(self)
        raise WriteFailed(self, item, write, error, finish, extra, observed, read_error, was_read) from None

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
        """What a failed task returns besides its message: each item's plan with its outcome, and what was written."""
        plans = self.plans(with_outcome=True)
        keys = {'plan': plans[0]} if self.single and plans else {'plans': plans}
        keys['writes_done'] = [write.done for write in self.writes_with(DONE)]
        keys['writes_unknown'] = [write.to_do for write in self.writes_with(UNKNOWN)]
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
