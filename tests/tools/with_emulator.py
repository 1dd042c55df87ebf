"""Start the emulator of both APIs, point the modules at it, and run commands against it.

The connection options of every module fall back to environment variables
(MYENGINE_* for the Partner API, MAILUP_* for the Retailer API); this sets them
to the emulator's address and credentials, so a playbook written for the real
APIs runs unchanged against the emulator.

    python tests/tools/with_emulator.py -- ansible-playbook my.yml --check --diff
    python tests/tools/with_emulator.py --demo        # what `make demo` runs
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))

from emulator import Emulator  # noqa: E402 pylint: disable=wrong-import-position

DEMO_PLAYBOOK = REPO / 'playbooks' / 'demo.yml'
# The ids of the emulator's fixture, which the shipped playbooks take as variables.
PLAYBOOK_VARS = TESTS / 'emulator' / 'fixtures' / 'playbook_vars.yml'
# Run from an installed collection (ansible-galaxy collection install), which may be read-only: nothing is written there.
INSTALLED = REPO.parts[-3:] == ('ansible_collections', 'channel', 'partner')
# The phases of a customer's life (playbooks/customer_life.yml), each run through the same three passes after the tour.
LIFE_PLAYBOOK = REPO / 'playbooks' / 'customer_life.yml'
LIFE_PHASES = ('onboard', 'month_end', 'suspend', 'resume', 'offboard')
DEMO_PASSES = (
    ('Preview: --check --diff (nothing is sent but reads)', ['--check', '--diff']),
    ('Apply: the same playbook for real, with --diff', ['--diff']),
    ('Again: a second real run changes nothing', []),
)


def collections_environment(work_dir):
    """Make ``channel.partner`` resolvable from this checkout (or its install), and keep Ansible's temp files in ``work_dir``."""
    if INSTALLED:
        root = REPO.parents[2]
    else:
        root = work_dir / 'collections'
        link = root / 'ansible_collections' / 'channel' / 'partner'
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(REPO, target_is_directory=True)
    return {
        'ANSIBLE_COLLECTIONS_PATH': str(root),
        'ANSIBLE_REMOTE_TMP': str(work_dir / 'remote_tmp'),
        'ANSIBLE_LOCAL_TEMP': str(work_dir / 'local_tmp'),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_FORCE_COLOR': os.environ.get('ANSIBLE_FORCE_COLOR', '1' if sys.stdout.isatty() else '0'),
        'PATH': str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''),
    }


def changed_count(output):
    """Sum of changed=N over the PLAY RECAP lines of an ansible-playbook run."""
    return sum(int(number) for number in re.findall(r'\bchanged=(\d+)', output))


def run_passes(emulator, environment, name, playbook, extra=()):
    """Preview, apply and rerun ``playbook``; returns [(pass title, changed tasks, writes)], or the exit status of a failed run."""
    writes_by_pass = []
    for title, flags in DEMO_PASSES:
        print('\n' + '=' * 78 + '\n== %s. %s\n' % (name, title) + '=' * 78, flush=True)
        command = [sys.executable, '-m', 'ansible', 'playbook', '-i', 'localhost,', '-c', 'local', str(playbook)] + list(extra) + flags
        emulator_log_before = len(emulator.writes())
        completed = subprocess.run(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        print(completed.stdout, end='', flush=True)
        writes_by_pass.append((title.split(':', maxsplit=1)[0], changed_count(completed.stdout), len(emulator.writes()) - emulator_log_before))
        if completed.returncode != 0:
            print('demo: ansible-playbook failed (exit %d) in %s, %s' % (completed.returncode, name, title), file=sys.stderr)
            return completed.returncode
    return writes_by_pass


def run_demo(emulator, environment, tour_only=False):
    # The audit report goes to the current directory, never into the collection; made up front so that the preview
    # and the real run change the same things.
    demo_output = Path.cwd() / 'demo-output'
    demo_output.mkdir(exist_ok=True)
    runs = [('Tour', DEMO_PLAYBOOK, ('-e', '@%s' % PLAYBOOK_VARS, '-e', 'demo_output_dir=%s' % demo_output))]
    runs += [] if tour_only else [('Life: %s' % phase, LIFE_PLAYBOOK, ('-e', 'customer_life_phase=%s' % phase)) for phase in LIFE_PHASES]
    summary = []
    for name, playbook, extra in runs:
        passes = run_passes(emulator, environment, name, playbook, extra)
        if isinstance(passes, int):
            return passes
        summary.append((name, passes))
    print('\n== Summary (changed tasks, writes the emulator received)')
    disagree = []
    for name, passes in summary:
        print('   %-20s %s' % (name, '   '.join('%s changed=%-2d writes=%-3d' % entry for entry in passes)))
        (_preview, preview_changed, preview_writes), (_apply, applied_changed, _writes), (_again, again_changed, again_writes) = passes
        if preview_writes != 0 or again_changed != 0 or again_writes != 0 or preview_changed != applied_changed:
            disagree.append(name)
    print('\n== The audit report: %s and %s' % (demo_output / 'partner-audit.md', demo_output / 'partner-audit.html'))
    if disagree:
        print('demo: the preview, the run and the rerun disagree in %s' % ', '.join(disagree), file=sys.stderr)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--fixture', default='default', help='emulator fixture name or path (default: %(default)s)')
    parser.add_argument('--demo', action='store_true', help='run playbooks/demo.yml and every phase of playbooks/customer_life.yml: preview, apply, rerun')
    parser.add_argument('--tour-only', action='store_true', help='with --demo: playbooks/demo.yml only (a smoke run)')
    parser.add_argument('command', nargs=argparse.REMAINDER, help='command to run against the emulator (after --)')
    options = parser.parse_args()
    command = [part for part in options.command if part != '--'] if options.command else []
    if not options.demo and not command:
        parser.error('give --demo or a command after --')

    if INSTALLED:
        work_dir = Path(tempfile.mkdtemp(prefix='channel-partner-with-emulator-'))
    else:
        work_dir = REPO / '.cache' / 'with-emulator'
        work_dir.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(fixture=options.fixture)
    emulator.start()
    try:
        environment = dict(os.environ)
        environment.update(collections_environment(work_dir))
        environment.update(emulator.connection_environment())
        print('Emulator of both APIs listening on %s' % emulator.url, flush=True)
        if options.demo:
            return run_demo(emulator, environment, tour_only=options.tour_only)
        return subprocess.call(command, env=environment)
    finally:
        emulator.stop()
        if INSTALLED:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
