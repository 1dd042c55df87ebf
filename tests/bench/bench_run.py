"""Run ansible-playbook against the in-process emulator and read back when each task ran.

Each run gets a fresh work directory (its own remote and local temp dirs) and the
``bench_timing`` callback, which appends one JSON line per task start, per task
result and one at the end of the play.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
TESTS = BENCH.parent
for path in (str(TESTS), str(TESTS / 'tools')):
    if path not in sys.path:
        sys.path.insert(0, path)

from playbook import ansible_environment  # noqa: E402 pylint: disable=wrong-import-position
from with_emulator import collections_environment  # noqa: E402 pylint: disable=wrong-import-position

TIMINGS_FILE_VARIABLE = 'CHANNEL_PARTNER_BENCH_TIMINGS'


class PlaybookTiming:
    """The outcome of one timed ansible-playbook run."""

    def __init__(self, returncode, output, events, wall):
        self.returncode = returncode
        self.output = output
        self.events = events
        self.wall = wall

    def results(self):
        return [event for event in self.events if event['event'] == 'result']

    def failures(self):
        return [event for event in self.results() if event['status'] != 'ok']

    def periods(self, group_of):
        """Seconds per group of tasks, from the start of its first task to the start of the next group.

        ``group_of(task_name)`` names the group a task belongs to (None: not measured).
        Measuring start to next start counts the controller's own work between tasks,
        which a user pays for every task, on both sides of a comparison alike.
        """
        starts = []
        for event in self.events:
            if event['event'] == 'start':
                group = group_of(event['task'])
                if not starts or starts[-1][0] != group:
                    starts.append((group, event['time']))
            elif event['event'] == 'end':
                starts.append((None, event['time']))
        periods = {}
        for (group, started), (_next_group, next_started) in zip(starts, starts[1:]):
            if group is not None:
                periods.setdefault(group, []).append(next_started - started)
        return periods


class PlaybookRunner:
    """Writes and runs one-play playbooks on localhost with the modules pointed at the emulator."""

    def __init__(self, emulator, work_root):
        self.emulator = emulator
        self.work_root = Path(work_root)
        self.counter = 0
        self.base_environment = collections_environment(self.work_root)
        self.base_environment.update(emulator.connection_environment())
        self.base_environment['ANSIBLE_FORCE_COLOR'] = '0'

    def run(self, tasks, name='run', play_vars=None, playbook=None, flags=()):
        """Run a play of ``tasks`` (or the ``playbook`` file as it is) with the ansible-playbook ``flags``."""
        self.counter += 1
        work_dir = self.work_root / ('%03d-%s' % (self.counter, name))
        work_dir.mkdir(parents=True)
        if playbook is None:
            play = {'name': name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}
            if play_vars:
                play['vars'] = play_vars
            playbook = work_dir / 'playbook.yml'
            playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        timings_path = work_dir / 'timings.jsonl'
        environment = ansible_environment(work_dir, self.base_environment)
        environment.update({
            'ANSIBLE_CALLBACK_PLUGINS': str(BENCH / 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'bench_timing',
            TIMINGS_FILE_VARIABLE: str(timings_path),
        })
        command = [sys.executable, '-m', 'ansible', 'playbook', '-i', 'localhost,', '-c', 'local', str(playbook)] + list(flags)
        started = time.perf_counter()
        completed = subprocess.run(command, env=environment, cwd=str(work_dir), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, check=False)
        wall = time.perf_counter() - started
        events = []
        if timings_path.exists():
            events = [json.loads(line) for line in timings_path.read_text().splitlines() if line.strip()]
        return PlaybookTiming(completed.returncode, completed.stdout, events, wall)


def count_requests(log):
    """Requests of a request-log slice by kind: the OAuth token POSTs apart from the API calls."""
    counts = {'GET': 0, 'POST': 0, 'PUT': 0, 'PATCH': 0, 'DELETE': 0, 'token': 0}
    for entry in log:
        if entry['api'] == 'oauth':
            counts['token'] += 1
        else:
            counts[entry['method']] = counts.get(entry['method'], 0) + 1
    return counts


def format_counts(counts):
    """``GET 2, POST 1`` of a count_requests result (the token apart); ``-`` for none."""
    parts = ['%s %d' % (method, counts[method]) for method in ('GET', 'POST', 'PUT', 'PATCH', 'DELETE') if counts[method]]
    return ', '.join(parts) or '-'


def environment_summary():
    return {'python': sys.version.split()[0], 'cpus': os.cpu_count()}
