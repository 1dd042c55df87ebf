"""Run a real ``ansible-playbook`` against the emulator and collect what each task returned.

Used where only a real run shows the behaviour: check-mode flags, diff output,
module_defaults groups, roles, callbacks.
"""

import importlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import secret_scan

TESTS = Path(__file__).resolve().parent
RESULTS_FILE_VARIABLE = 'CHANNEL_PARTNER_TEST_RESULTS'


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    tasks: list = field(default_factory=list)

    def task(self, name):
        """The result of the (first) task called ``name``."""
        for entry in self.tasks:
            if entry['task'] == name:
                return entry['result']
        raise KeyError('no task named %r in %s' % (name, [entry['task'] for entry in self.tasks]))

    def status(self, name):
        for entry in self.tasks:
            if entry['task'] == name:
                return entry['status']
        raise KeyError(name)


def ansible_environment(work_dir, extra=None):
    """The environment a test's ansible-playbook runs with: isolated temp dirs, no colour."""
    work_dir = Path(work_dir)
    environment = dict(os.environ)
    environment.update({
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        # The local connection writes under the real home unless told otherwise.
        'ANSIBLE_REMOTE_TMP': str(work_dir / 'remote_tmp'),
        'ANSIBLE_LOCAL_TEMP': str(work_dir / 'local_tmp'),
        'ANSIBLE_CALLBACK_PLUGINS': str(TESTS / 'callback_plugins'),
        'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
    })
    environment.update(extra or {})
    return environment


# ansible-playbook with this interpreter. Not ``python -m ansible``: under ansible-test's own runner, ``ansible`` is its
# copy of the package, which has no ``__main__``; the CLI's entry point is there either way.
PLAYBOOK_COMMAND = [sys.executable, '-c', 'import sys; sys.argv[0] = "ansible-playbook"; from ansible.cli.playbook import main; main()']


def run_playbook(work_dir, tasks=None, playbook=None, check=False, diff=False, extra_vars=None,
                 environment=None, play_vars=None, module_defaults=None, extra_args=()):
    """Write a one-play playbook of ``tasks`` (or use ``playbook``, a path) and run it on localhost."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    if playbook is None:
        play = {'name': 'test', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}
        if play_vars:
            play['vars'] = play_vars
        if module_defaults:
            play['module_defaults'] = module_defaults
        playbook = work_dir / 'playbook.yml'
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
    results_path = work_dir / 'results.jsonl'
    if results_path.exists():
        results_path.unlink()
    command = PLAYBOOK_COMMAND + ['-i', 'localhost,', '-c', 'local', str(playbook)]
    if check:
        command.append('--check')
    if diff:
        command.append('--diff')
    if extra_vars:
        command += ['-e', json.dumps(extra_vars)]
    command += list(extra_args)
    run_environment = ansible_environment(work_dir, environment)
    run_environment[RESULTS_FILE_VARIABLE] = str(results_path)
    completed = subprocess.run(command, env=run_environment, cwd=str(work_dir), capture_output=True, text=True, timeout=600, check=False)
    recorded = []
    if results_path.exists():
        recorded = [json.loads(line) for line in results_path.read_text().splitlines() if line.strip()]
    run = PlaybookRun(completed.returncode, completed.stdout, completed.stderr, recorded)
    secret_scan.scan_playbook_run(run, 'run_playbook(%s)' % Path(playbook).name)
    return run


def module_examples(name):
    """The EXAMPLES of ``channel.partner.<name>``, as a list of tasks."""
    module = importlib.import_module('ansible_collections.channel.partner.plugins.modules.' + name)
    return yaml.safe_load(module.EXAMPLES)


def without_options(task, options):
    """A copy of an example task without the given options of its channel.partner module.

    The examples spell out their connection options; dropping them lets ``module_defaults``
    point the task at the emulator instead.
    """
    task = dict(task)
    for key, value in list(task.items()):
        if key.startswith('channel.partner.') and isinstance(value, dict):
            task[key] = dict((option, setting) for option, setting in value.items() if option not in options)
    return task
