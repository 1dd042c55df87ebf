# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The change plan of a run: what the modules of channel.partner changed (or would change), rendered
as a terminal summary, Markdown and JSON.

Nothing here knows about Ansible's callback machinery; the ``channel.partner.plan`` callback feeds
task outcomes in with ``PlanReport.add`` and asks for the renderings at the end of the run. The JSON
shape is documented in docs/plan.schema.json; bump FORMAT_VERSION when it changes incompatibly.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

# 2: previews inside a real run are predictions, not changes; observed balances and charges; writes done before a failure.
FORMAT_VERSION = 2
COLLECTION_PREFIX = 'channel.partner.'
# Two floats that differ by less than this are the same credit amount (prices have at most cents).
CREDIT_TOLERANCE = 1e-6


def plans_of(result):
    """The plan dicts a module result carries: ``plans`` (bulk forms) wins over ``plan`` so nothing counts twice."""
    plans = result.get('plans')
    if isinstance(plans, list):
        return [plan for plan in plans if isinstance(plan, dict)]
    plan = result.get('plan')
    if isinstance(plan, dict):
        return [plan]
    return []


def is_collection_module(action):
    return isinstance(action, str) and action.startswith(COLLECTION_PREFIX)


def _number(value):
    """A credit figure as the modules return it (10, not 10.0); None for anything that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def format_number(value):
    """Credits as a person writes them: 2 rather than 2.0, 2.5 as is, an em dash for unknown."""
    if value is None:
        return '-'
    if float(value).is_integer():
        return '%d' % value
    return '%s' % value


def format_fields(fields):
    if not isinstance(fields, dict) or not fields:
        return '-'
    return ', '.join('%s=%s' % (key, _scalar(fields[key])) for key in sorted(fields))


def _scalar(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        return format_number(value)
    return '%s' % (value,)


def describe_change(before, after):
    """Only the fields that differ, as ``field: old -> new``; the whole state is in the JSON."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = sorted(set(before) | set(after))
    changed = ['%s: %s -> %s' % (key, _scalar(before.get(key)), _scalar(after.get(key))) for key in keys if before.get(key) != after.get(key)]
    return '; '.join(changed) or format_fields(after)


class PlanReport(object):
    """Collects plan entries in the order the tasks finished and computes the totals a change board reads."""

    def __init__(self, check_mode, diff_mode, started):
        self.check_mode = bool(check_mode)
        self.diff_mode = bool(diff_mode)
        self.started = started
        self.finished = None
        self.playbooks = []
        self.changes = []
        self.unchanged = []
        self.failures = []
        # Tasks run with check_mode: true inside a real run: what they would change, never a change made.
        self.predictions = []
        self.notes = []

    def add(self, task, host, module, result, failed=False, ignored=False, check_mode=None, item=None, preview=None):
        """Record one task (or loop item) result. Results without a plan (info modules, skips) add nothing
        unless they failed: a failure of this collection's module is always worth a line.

        ``preview`` marks a task that runs in check mode whatever the run's mode (``check_mode: true`` on the task): what
        it would change is a prediction in a real run and in a preview alike, never a change, and in no total. When the
        caller cannot tell, a task in check mode inside a real run is one."""
        base = {'task': task, 'host': host, 'module': module, 'item': item,
                'check_mode': self.check_mode if check_mode is None else bool(check_mode)}
        plans = plans_of(result)
        if preview is None:
            preview = base['check_mode'] and not self.check_mode
        if failed:
            message = '%s' % (result.get('msg') or 'the task failed without a message')
            done = [plan for plan in plans if plan.get('failed') is False]
            refused = [plan for plan in plans if plan.get('failed') is not False]
            for plan in done:
                self._add_outcome(base, plan, preview)
            # What the task wrote before it failed is said once, with its first failed item.
            writes_done = [str(write) for write in result.get('writes_done') or []]
            for plan in refused or [None]:
                # Bulk forms say per item whether it failed or was never sent because another item failed.
                entry = dict(base, message=message, ignored=bool(ignored), outcome=(plan or {}).get('outcome'), writes_done=writes_done)
                writes_done = []
                entry.update(self._plan_fields(plan))
                self.failures.append(entry)
            note = '%s stopped at the failed task %r: the tasks after it are not in this plan.' % (host, task)
            # A loop reports each failed item; one note per task is enough.
            if not ignored and note not in self.notes:
                self.notes.append(note)
            return
        for plan in plans:
            self._add_outcome(base, plan, preview)

    @staticmethod
    def _plan_fields(plan):
        plan = plan or {}
        return {
            'resource': plan.get('resource'),
            'action': plan.get('action'),
            'before': plan.get('before'),
            'after': plan.get('after'),
            'credits': _number(plan.get('credits')),
            'balance_before': _number(plan.get('balance_before')),
            'balance_after': _number(plan.get('balance_after')),
            # Read from the vendor after the task's last write; only a real run has them.
            'balance_observed': _number(plan.get('balance_observed')),
            'credits_charged': _number(plan.get('credits_charged')),
        }

    def _add_outcome(self, base, plan, preview=False):
        entry = dict(base)
        entry.update(self._plan_fields(plan))
        if preview:
            if entry['action'] not in (None, 'none'):
                self.predictions.append(entry)
            return
        if entry['action'] in (None, 'none'):
            entry['action'] = 'none'
            self.unchanged.append(entry)
        else:
            self.changes.append(entry)

    def totals(self):
        by_action = {}
        for entry in self.changes:
            by_action[entry['action']] = by_action.get(entry['action'], 0) + 1
        credits = sum(entry['credits'] or 0 for entry in self.changes)
        # Every regrade of a preview reads the same untouched balance, and in a real run the first one reads
        # the balance before anything was spent: either way the first balance seen is the run's starting point.
        balance_before = next((entry['balance_before'] for entry in self.changes + self.failures + self.unchanged
                               if entry['balance_before'] is not None), None)
        observed = charged = None
        if not self.check_mode:
            # What the vendor showed after the tasks' writes: never computed here.
            read = [entry for entry in self.changes + self.failures if entry['balance_observed'] is not None]
            observed = read[-1]['balance_observed'] if read else None
            charges = [entry['credits_charged'] for entry in self.changes + self.failures if entry['credits_charged'] is not None]
            charged = _number(sum(charges)) if charges else None
        return {
            'changes': len(self.changes),
            'changes_by_action': dict(sorted(by_action.items())),
            'unchanged': len(self.unchanged),
            'failures': len(self.failures),
            'partial_failures': len([entry for entry in self.failures if entry['writes_done']]),
            'predictions': len(self.predictions),
            'credits': credits,
            'credits_charged': charged,
            'balance_before': balance_before,
            'balance_after': None if balance_before is None else balance_before - credits,
            'balance_after_observed': observed,
        }

    def warnings(self, totals):
        """What a reviewer must know before trusting the numbers."""
        warnings = list(self.notes)
        if totals['balance_after'] is not None and totals['balance_after'] < -CREDIT_TOLERANCE:
            warnings.append('The changes cost %s credits but the balance is %s: each regrade checks only its own cost, '
                            'so the real run would fail part-way.' % (format_number(totals['credits']), format_number(totals['balance_before'])))
        charged = totals['credits_charged']
        observed, computed = totals['balance_after_observed'], totals['balance_after']
        if charged is not None and abs(charged - totals['credits']) > CREDIT_TOLERANCE:
            warnings.append('The vendor charged %s credits, where the price list predicted %s: the credits of the changes are '
                            'predictions, what was charged is read from the balance.' % (format_number(charged), format_number(totals['credits'])))
        elif observed is not None and computed is not None and abs(observed - computed) > CREDIT_TOLERANCE:
            warnings.append('The balance read after the last regrade (%s) differs from the starting balance minus the credits of this run (%s): '
                            'credits were spent or added outside this run while it ran.' % (format_number(observed), format_number(computed)))
        seen = {}
        for entry in self.changes:
            seen.setdefault(entry['resource'], []).append(entry['task'])
        for resource, tasks in sorted(seen.items(), key=lambda pair: '%s' % (pair[0],)):
            if len(tasks) > 1:
                warnings.append('%s is changed by %d tasks (%s): in check mode each of them is compared with the state before the run, '
                                'so the real run can differ.' % (resource, len(tasks), ', '.join(repr(task) for task in tasks)))
        real_in_preview = [entry['task'] for entry in self.changes if self.check_mode and not entry['check_mode']]
        if real_in_preview:
            warnings.append('%d task(s) ran for real although the run was a preview: %s.'
                            % (len(real_in_preview), ', '.join(repr(task) for task in real_in_preview)))
        partial = [entry for entry in self.failures if entry['writes_done']]
        for entry in partial:
            warnings.append('%r failed after it wrote: %s.' % (entry['task'], '; '.join(entry['writes_done'])))
        return warnings

    def as_dict(self):
        totals = self.totals()
        return {
            'format_version': FORMAT_VERSION,
            'collection': COLLECTION_PREFIX.rstrip('.'),
            'mode': 'check' if self.check_mode else 'run',
            'diff': self.diff_mode,
            'playbooks': list(self.playbooks),
            'started': self.started,
            'finished': self.finished,
            'totals': totals,
            'changes': self.changes,
            'unchanged': self.unchanged,
            'failures': self.failures,
            'predictions': self.predictions,
            'warnings': self.warnings(totals),
        }


def render_json(document):
    return json.dumps(document, indent=2, sort_keys=False) + '\n'


def _cell(text):
    # A pipe would end the Markdown table cell; a newline would end the row.
    return ('%s' % (text,)).replace('|', '\\|').replace('\n', ' ')


def _table(header, rows):
    lines = ['| %s |' % ' | '.join(header), '|%s|' % '|'.join('---' for dummy in header)]
    lines += ['| %s |' % ' | '.join(_cell(value) for value in row) for row in rows]
    return lines


def _label(entry):
    return entry['task'] if not entry.get('item') else '%s (%s)' % (entry['task'], entry['item'])


def _failed_action(entry):
    action = entry['action'] or '-'
    if entry.get('outcome') == 'not_attempted':
        return '%s (not attempted)' % action
    if entry.get('outcome') == 'unknown':
        return '%s (outcome unknown)' % action
    return action


def _by_action(totals):
    return ', '.join('%s %d' % pair for pair in totals['changes_by_action'].items())


def render_markdown(document):
    totals = document['totals']
    check = document['mode'] == 'check'
    verb = 'would' if check else 'did'
    lines = [
        '# Change plan: %s' % ('preview (check mode, nothing was changed)' if check else 'real run (what was changed)'),
        '',
        'Playbook: %s. Started %s, finished %s. Diff mode: %s.'
        % (', '.join('`%s`' % name for name in document['playbooks']) or '-', document['started'], document['finished'],
           'on' if document['diff'] else 'off'),
        '',
        '## Totals',
        '',
    ]
    rows = [
        ['Changes', '%d%s' % (totals['changes'], ' (%s)' % _by_action(totals) if totals['changes'] else '')],
        ['Credits (predicted from the price list)', format_number(totals['credits'])],
        ['Balance before', format_number(totals['balance_before'])],
        ['Balance after (predicted)', format_number(totals['balance_after'])],
    ]
    if not check:
        rows += [['Credits charged (read from the balance)', format_number(totals['credits_charged'])],
                 ['Balance after, as read from the vendor', format_number(totals['balance_after_observed'])]]
    rows += [['Failures', '%d%s' % (totals['failures'], ' (%d after writing)' % totals['partial_failures'] if totals['partial_failures'] else '')],
             ['Unchanged', '%d' % totals['unchanged']]]
    if totals['predictions']:
        rows.append(['Predictions (check mode inside this run)', '%d' % totals['predictions']])
    lines += _table(['', ''], rows)

    lines += ['', '## Changes (%d)' % totals['changes'], '']
    if document['changes']:
        lines += _table(['#', 'Task', 'Resource', 'Action', 'Before', 'After', 'Credits'], [
            [number, _label(entry), '`%s`' % entry['resource'], entry['action'], format_fields(entry['before']),
             format_fields(entry['after']), format_number(entry['credits'])]
            for number, entry in enumerate(document['changes'], 1)])
    else:
        lines.append('Nothing %s change.' % verb)

    lines += ['', '## Failures (%d)' % totals['failures'], '']
    if document['failures']:
        lines += _table(['#', 'Task', 'Resource', 'Action', 'Wanted', 'Reason', 'Written before the failure'], [
            [number, _label(entry) + (' (ignored)' if entry['ignored'] else ''), '`%s`' % entry['resource'] if entry['resource'] else '-',
             _failed_action(entry), describe_change(entry['before'], entry['after']) if entry['after'] else '-', entry['message'],
             '; '.join(entry['writes_done']) or '-']
            for number, entry in enumerate(document['failures'], 1)])
    else:
        lines.append('None.')

    if document['predictions']:
        lines += ['', '## Predictions inside this run (%d)' % len(document['predictions']), '',
                  'Tasks run with `check_mode: true`: what they would change. Nothing here was changed or charged, '
                  'and none of it is in the totals.', '']
        lines += _table(['Task', 'Resource', 'Action', 'Before', 'After', 'Credits'], [
            [_label(entry), '`%s`' % entry['resource'], entry['action'], format_fields(entry['before']), format_fields(entry['after']),
             format_number(entry['credits'])] for entry in document['predictions']])

    if document['unchanged']:
        lines += ['', '## Already as wanted (%d)' % totals['unchanged'], '']
        lines += _table(['Task', 'Resource', 'State'], [
            [_label(entry), '`%s`' % entry['resource'], format_fields(entry['after'])] for entry in document['unchanged']])

    if document['warnings']:
        lines += ['', '## Warnings', '']
        lines += ['- %s' % warning for warning in document['warnings']]
    lines += ['', '## Approval', '', '| Role | Name | Date | Signature |', '|---|---|---|---|',
              '| Change board |  |  |  |', '| Implementer |  |  |  |', '']
    return '\n'.join(lines)


def render_summary(document):
    """The compact table printed at the end of the run, one line per change or failure and one line of totals."""
    totals = document['totals']
    rows = [(entry['resource'] or '-', entry['action'], describe_change(entry['before'], entry['after']), format_number(entry['credits']))
            for entry in document['changes']]
    rows += [('FAILED %s' % (entry['resource'] or _label(entry)), _failed_action(entry), entry['message'], '-') for entry in document['failures']]
    header = ('RESOURCE', 'ACTION', 'CHANGE', 'CREDITS')
    widths = [max([len(header[column])] + [len(row[column]) for row in rows]) for column in range(2)]
    lines = ['%-*s  %-*s  %7s  %s' % (widths[0], header[0], widths[1], header[1], header[3], header[2])]
    lines += ['%-*s  %-*s  %7s  %s' % (widths[0], row[0], widths[1], row[1], row[3], row[2]) for row in rows]
    credits = format_number(totals['credits'])
    balance = '%s -> %s' % (format_number(totals['balance_before']), format_number(totals['balance_after']))
    if document['mode'] != 'check' and totals['credits_charged'] is not None:
        credits += ' (charged: %s)' % format_number(totals['credits_charged'])
    if document['mode'] != 'check' and totals['balance_after_observed'] is not None:
        balance += ' (read: %s)' % format_number(totals['balance_after_observed'])
    line = '%s: %d change(s)%s | credits: %s | balance: %s | failures: %d | unchanged: %d' % (
        'would make' if document['mode'] == 'check' else 'made', totals['changes'],
        ' (%s)' % _by_action(totals) if totals['changes'] else '', credits, balance, totals['failures'], totals['unchanged'])
    if totals['predictions']:
        line += ' | predictions: %d' % totals['predictions']
    lines.append(line)
    lines += ['WARNING: %s' % warning for warning in document['warnings']]
    return lines
