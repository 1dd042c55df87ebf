# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: append every task result, as Ansible saw it, to a JSON-lines file.

ansible-core ships no JSON stdout callback, and the tests want to assert on the
result dicts a user's ``register`` would see, not on scraped text.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

RESULTS_FILE_VARIABLE = 'CHANNEL_PARTNER_TEST_RESULTS'


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, status, result):
        path = os.environ.get(RESULTS_FILE_VARIABLE)
        if not path:
            return
        entry = {
            'task': result.task_name,
            'action': result._task.action,
            'host': result._host.get_name(),
            'status': status,
            'result': result._result,
        }
        with open(path, 'a', encoding='utf-8') as results_file:
            results_file.write(json.dumps(entry, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._record('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record('failed', result)

    def v2_runner_on_skipped(self, result):
        self._record('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._record('unreachable', result)
