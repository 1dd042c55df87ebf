# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
name: plan
type: aggregate
short_description: Write a change plan (changes, partner credits, balance, failures) of the channel.partner tasks of a run
version_added: 1.0.0
description:
  - Collects the C(plan) (or, for bulk forms, C(plans)) that every module of this collection returns, and at the end of the run
    prints a compact table of what changed, what it cost in partner credits, the balance before and after, and what failed.
  - With O(path) set, it also writes the plan as Markdown (C(<path>.md)), for a change board to read and sign, and as JSON
    (C(<path>.json)), whose schema is C(docs/plan.schema.json) in the collection.
  - Run the playbook with C(--check --diff) for a preview of the change; run it without C(--check) and the same report says
    what did change and what it cost. Modules of this collection show the same plan in both, so the preview can be compared
    with the real run line by line.
  - The credits of each change are what the price list predicts, and the balance after is the first balance seen minus
    them; both are labelled as predictions. In a real run every task that regraded reads the balance from the vendor after
    its last write; the report gives that balance and what the vendor charged, read, not computed, and a warning says when
    they differ from the prediction.
  - A task with C(check_mode) set to V(true) on the task itself (the C(channel.partner.live_service_plan) role prices a plan that
    way) is a prediction in a real run and in a preview alike. It is listed apart, never counted as a change or as credits.
  - A task that wrote something and then failed is listed with what it wrote, and a warning says so.
  - Tasks of other collections and tasks without a plan (the C(_info) modules) are left out; a failed task of this collection
    is always listed, with its message.
  - This callback adds to the stdout callback; it does not replace it. Enable it like any callback, with
    C(callbacks_enabled = channel.partner.plan) in C(ansible.cfg) or E(ANSIBLE_CALLBACKS_ENABLED).
requirements:
  - Enable it in the configuration (C(callbacks_enabled)).
options:
  path:
    description:
      - Where to write the plan, without an extension; the callback writes C(<path>.md) and C(<path>.json), creating the
        directory when needed. A trailing C(.md) or C(.json) is dropped, so V(reports/CHG-1234.json) also writes both files.
      - A relative path is relative to the directory C(ansible-playbook) runs in.
      - When not set, the plan is only printed at the end of the run.
    type: path
    env:
      - name: CHANNEL_PARTNER_PLAN_PATH
    ini:
      - section: callback_plan
        key: path
  print_summary:
    description:
      - Print the compact table and the totals at the end of the run.
      - With V(false) and O(path) set, the plan only goes to the files.
    type: bool
    default: true
    env:
      - name: CHANNEL_PARTNER_PLAN_PRINT_SUMMARY
    ini:
      - section: callback_plan
        key: print_summary
notes:
  - Check mode compares every task with the state before the run. A task that depends on what an earlier task would change
    (for example a pack of an account whose profile an earlier task changes) can be planned differently from what the real
    run does; the report warns when the same resource is changed by more than one task.
  - The JSON output has C(format_version) 2; a change that would break a reader raises it.
  - R(The plan guide, ansible_collections.channel.partner.docsite.plan) (C(docs/docsite/rst/plan.rst) in the collection) shows how to
    enable the callback and what the report looks like.
seealso:
  - module: channel.partner.live_service_regrade
    description: Returns the regrade's C(plan), with its cost in credits and the balance before and after.
  - module: channel.partner.retailer_account
  - module: channel.partner.retailer_pack
'''

import datetime
import os

from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.channel.partner.plugins.plugin_utils._plan_report import (
    PlanReport,
    is_collection_module,
    render_json,
    render_markdown,
    render_summary,
)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace('+00:00', 'Z')


def _result_of(task_result):
    # ansible-core 2.19 offers ``result`` and deprecates ``_result``; 2.17 and 2.18 only have ``_result``.
    result = getattr(task_result, 'result', None)
    if not isinstance(result, dict):
        result = task_result._result
    return result


def _task_of(task_result):
    return getattr(task_result, 'task', None) or task_result._task


def _host_name(task_result):
    host = getattr(task_result, 'host', None) or task_result._host
    return host.get_name()


def _previews_only(task):
    """Whether the task itself says check_mode: true (it previews in a real run as in a preview), or None if that cannot
    be told from the task as written."""
    written = getattr(task, '_ds', None)
    if not isinstance(written, dict):
        return None
    return 'check_mode' in written and task.check_mode is True


def _module_name(task):
    # resolved_action is the FQCN even when the playbook used a short name with the collections keyword.
    return getattr(task, 'resolved_action', None) or task.action


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'channel.partner.plan'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display=display)
        self.report = PlanReport(check_mode=context.CLIARGS.get('check', False), diff_mode=context.CLIARGS.get('diff', False),
                                 started=_now())

    def v2_playbook_on_start(self, playbook):
        self.report.playbooks.append(os.path.basename(playbook._file_name))

    def _record(self, task_result, failed=False, ignored=False, item=None):
        task = _task_of(task_result)
        module = _module_name(task)
        if not is_collection_module(module):
            return
        result = _result_of(task_result)
        check_mode = task.check_mode if isinstance(getattr(task, 'check_mode', None), bool) else None
        self.report.add(task_result.task_name, _host_name(task_result), module, result, failed=failed, ignored=ignored,
                        check_mode=check_mode, item=item, preview=_previews_only(task))

    @staticmethod
    def _is_loop_summary(task_result):
        # A looped task ends with one result holding every item's result; the items were recorded one by one.
        return isinstance(_result_of(task_result).get('results'), list)

    def _item_label(self, task_result):
        label = self._get_item_label(_result_of(task_result))
        return None if label is None else '%s' % (label,)

    def v2_runner_on_ok(self, result):
        if not self._is_loop_summary(result):
            self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not self._is_loop_summary(result):
            self._record(result, failed=True, ignored=ignore_errors)

    def v2_runner_item_on_ok(self, result):
        self._record(result, item=self._item_label(result))

    def v2_runner_item_on_failed(self, result):
        # A failed item fails its task; whether that was ignored is only known to the task's final callback.
        self._record(result, failed=True, ignored=bool(getattr(_task_of(result), 'ignore_errors', False)), item=self._item_label(result))

    def v2_playbook_on_stats(self, stats):
        self.report.finished = _now()
        document = self.report.as_dict()
        written = self._write(document)
        if self.get_option('print_summary'):
            self._display.banner('CHANNEL.PARTNER PLAN (%s)' % ('check mode: nothing was changed' if document['mode'] == 'check' else 'real run'))
            for line in render_summary(document):
                self._display.display(line)
            if written:
                self._display.display('plan written to %s' % ', '.join(written))

    def _write(self, document):
        path = self.get_option('path')
        if not path:
            return []
        base, extension = os.path.splitext(path)
        if extension.lower() not in ('.md', '.json'):
            base = path
        directory = os.path.dirname(base)
        written = []
        try:
            if directory:
                os.makedirs(directory, exist_ok=True)
            for target, text in ((base + '.md', render_markdown(document)), (base + '.json', render_json(document))):
                with open(target, 'w', encoding='utf-8') as output:
                    output.write(text)
                written.append(target)
        except (IOError, OSError) as error:
            # The run itself is done; a report that cannot be written must not turn it into a failure, but must be seen.
            self._display.warning('channel.partner.plan could not write the plan to %s: %s' % (base, error))
        return written
