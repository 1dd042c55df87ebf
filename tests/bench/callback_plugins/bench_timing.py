# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: when each task started and when its result came back.

The benchmark measures time per task from these controller-side timestamps, so
the start-up of ansible-playbook itself (parsing, inventory, plugin loading) is
not counted against either side of a comparison.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

TIMINGS_FILE_VARIABLE = 'CHANNEL_PARTNER_BENCH_TIMINGS'


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timing'
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, entry):
        path = os.environ.get(TIMINGS_FILE_VARIABLE)
        if not path:
            return
        entry['time'] = time.time()
        with open(path, 'a', encoding='utf-8') as timings_file:
            timings_file.write(json.dumps(entry, default=str) + '\n')

    def _result(self, status, result):
        outcome = result._result
        # Only what the benchmark checks: a whole loop's results would make the file large.
        self._write({'event': 'result', 'task': result.task_name, 'status': status,
                     'changed': bool(outcome.get('changed')), 'msg': outcome.get('msg'),
                     'plans': len(outcome.get('plans') or []) if isinstance(outcome.get('plans'), list) else None,
                     'items': len(outcome.get('results') or []) if isinstance(outcome.get('results'), list) else None})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._write({'event': 'start', 'task': task.get_name()})

    def v2_runner_on_ok(self, result):
        self._result('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result('failed', result)

    def v2_runner_on_skipped(self, result):
        self._result('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._result('unreachable', result)

    def v2_playbook_on_stats(self, stats):
        self._write({'event': 'end'})
