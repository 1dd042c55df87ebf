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
from ansible_collections.channel.partner.plugins.module_utils._outcome_run import send_writes
from ansible_collections.channel.partner.plugins.module_utils._outcome_words import (
    DONE,
    NOT_ATTEMPTED,
    PLANNED,
    UNCHANGED,
    UNKNOWN,
    failure_message,
)


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

    ``failures`` are every write that failed, in the order of the items: one when the writes go one at a time, possibly
    more when several were in flight together. The first one's ``item``, ``write``, ``error``, ``observed`` (what a
    read-back showed), ``read_error`` and ``read`` are also the failure's own; ``finish`` is the advice that finishes the
    job safely.
    """

    def __init__(self, changes, failures, finish, extra=None):
        first = failures[0]
        super(WriteFailed, self).__init__(str(first.error))
        self.changes, self.failures, self.finish, self.extra = changes, list(failures), finish, extra or {}
        self.item, self.write, self.error = first.item, first.write, first.error
        self.observed, self.read_error, self.read = first.observed, first.read_error, first.read

    @property
    def unknown(self):
        return self.write.outcome == UNKNOWN

    def message(self):
        return failure_message(self)

    def result(self):
        changes = self.changes
        # Whether the failed writes took effect: False when all were refused, None when nobody can tell for one of them.
        result = dict(self.extra, msg=self.message(), error=self.error.to_dict(), changed=changes.wrote,
                      applied=None if any(failure.unknown for failure in self.failures) else False)
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
        # The writes in the order they are sent: item by item unless the planner says otherwise. A planner's own order
        # ties the items together (the packs after the profile change), so only item by item may several go at once.
        self.item_by_item = order is None
        self.order = list(order) if order is not None else [write for item in self.items for write in item.writes]
        self.checked = False
        # How many writes were let in flight together (ChangeSet.apply sets it); the message words depend on it.
        self.concurrency = 1
        # Each write's item and the items that follow it, found by the write: a scan of the items per write would make
        # a list of ten thousand items cost a hundred million steps.
        self._owner = dict((id(write), item) for item in self.items for write in item.writes)
        self._followers = {}
        for item in self.items:
            if item.follows is not None:
                self._followers.setdefault(id(item.follows), []).append(item)

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
        return self._owner[id(write)]

    def writes_with(self, outcome):
        return [write for write in self.order if write.outcome == outcome]

    @property
    def wrote(self):
        """Whether a write of this task was applied, or may have been."""
        return any(write.outcome in (DONE, UNKNOWN) for write in self.order)

    def refuse(self, message, **extra):
        """Refuse the whole task before its first write."""
        self.mark_not_attempted()
        raise Refusal(message, changes=self, **extra)

    def read(self, what, function, *arguments, **keywords):
        """A read before the first write (see ``read``); its failure refuses the task with every item's plan."""
        try:
            return read(what, function, *arguments, **keywords)
        except Refusal as refusal:
            self.refuse(refusal.message, **refusal.extra)

    def followers_of(self, write):
        """The items that change with ``write`` and have no write of their own."""
        return self._followers.get(id(write), ())

    def lanes(self):
        """The writes as lanes of (item, write), each lane sent in order: one per item when the items are independent,
        else one for the planner's order."""
        if not self.item_by_item:
            return [[(self.item_of(write), write) for write in self.order]] if self.order else []
        return [[(item, write) for write in item.writes] for item in self.items if item.writes]

    def apply(self, send, check_mode, observe=None, warn=None, finish=DEFAULT_FINISH, failure_keys=None, concurrency=1):
        """Send every write with ``send(item, write)``, or none in check mode.

        ``observe(item)`` reads the item's managed fields back (None when the resource is gone): it settles a
        write whose answer was lost and confirms a write that asks for it. ``warn`` hears of a lost answer that the
        read-back settled, in list order.

        With ``concurrency`` above 1 the writes of different items may be in flight together, up to that many, when
        the planner gave no order of its own; the writes of one item still go one after the other. A refused or
        unknown write stops the run: no new write starts, the writes in flight finish with their real outcome, and
        every write not started is not attempted. WriteFailed then says which were done, which failed and which are
        unknown, with ``finish`` (the advice that completes the job safely) and the result keys
        ``failure_keys(item, error)`` adds for the first failure in list order.
        """
        if check_mode:
            self.checked = True
            return
        failures = send_writes(self, send, observe, warn, concurrency)
        if failures:
            self.mark_not_attempted()
            self._fail(failures, finish, failure_keys)
        for item in self.items:
            if item.outcome == PLANNED and item.follows is None and not item.writes:
                item.outcome = DONE

    def _fail(self, failures, finish, failure_keys):
        first = failures[0]
        extra = failure_keys(first.item, first.error) if failure_keys else None
        if callable(finish):
            finish = finish(self)
        raise WriteFailed(self, failures, finish, extra) from None

    def mark_not_attempted(self):
        """Every write not sent, and every item with such a write, is not attempted."""
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
