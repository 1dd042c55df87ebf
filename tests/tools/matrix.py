"""The version matrix: sanity and a smoke run of the installed demo on the oldest and the newest ansible-core the
collection claims, each in its own virtualenv.

    python tests/tools/matrix.py --tree TREE [--leg oldest|newest ...]

Each leg's virtualenv (.venv-matrix/<leg>) holds that ansible-core and what the modules and the emulator need; it
is rebuilt when its pins change. A leg whose interpreter is missing fails the matrix: a skipped leg would let a
break on that version land unseen. The main version (requirements/test.txt) is covered by the rest of `make test`.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYENV = Path(os.path.expanduser('~/.pyenv/versions'))
# meta/runtime.yml claims >=2.17.0; the newest is the last release CI was run with (README, "Supported versions").
LEGS = {
    'oldest': {'python': PYENV / '3.11.7' / 'bin' / 'python3.11', 'python_version': '3.11', 'ansible_core': 'ansible-core==2.17.0'},
    'newest': {'python': PYENV / '3.13.0' / 'bin' / 'python3.13', 'python_version': '3.13', 'ansible_core': 'ansible-core==2.21.5'},
}
# What the modules and the emulator need besides ansible-core, at the versions make test uses.
RUNTIME = ('requests', 'Werkzeug', 'PyYAML')


def pins():
    wanted = {}
    for line in (REPO / 'requirements' / 'test.txt').read_text().splitlines():
        name = line.split('==')[0].strip()
        if name in RUNTIME:
            wanted[name] = line.strip()
    return [wanted.get(name, name) for name in RUNTIME]


def leg_venv(name, leg):
    if not leg['python'].is_file():
        raise SystemExit('matrix: leg %s needs %s, which this machine does not have' % (name, leg['python']))
    venv = REPO / '.venv-matrix' / name
    requirements = [leg['ansible_core']] + pins()
    stamp = venv / '.installed'
    if stamp.is_file() and stamp.read_text() == '\n'.join(requirements):
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([str(leg['python']), '-m', 'venv', str(venv)], check=True)
    subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet'] + requirements, check=True)
    stamp.write_text('\n'.join(requirements))
    return venv


def run_leg(name, leg, tree):
    started = time.monotonic()
    venv = leg_venv(name, leg)
    python = venv / 'bin' / 'python'
    version = subprocess.run([str(python), '-c', 'import ansible; print(ansible.__version__)'], check=True, capture_output=True, text=True).stdout.strip()
    print('matrix: leg %s, ansible-core %s on Python %s' % (name, version, leg['python_version']), flush=True)
    # ansible-test insists on .../ansible_collections/channel/partner and removes nothing outside it.
    leg_root = tree.parents[2].parent / ('%s-matrix-%s' % (tree.parents[2].name, name))
    leg_tree = leg_root / 'ansible_collections' / 'channel' / 'partner'
    shutil.rmtree(leg_root, ignore_errors=True)
    shutil.copytree(tree, leg_tree, symlinks=True)
    environment = dict(os.environ, PATH=os.pathsep.join([str(venv / 'bin'), str(leg['python'].parent), os.environ.get('PATH', '')]))
    subprocess.run([str(python), str(REPO / 'tests' / 'tools' / 'seed_ansible_test_pip.py')], check=True, env=environment)
    sanity = subprocess.run([str(venv / 'bin' / 'ansible-test'), 'sanity', '--venv', '--python', leg['python_version'], '--color', 'no'],
                            cwd=str(leg_tree), env=environment, check=False)
    if sanity.returncode != 0:
        return 'sanity failed on ansible-core %s' % version
    demo = subprocess.run([str(python), str(REPO / 'tests' / 'tools' / 'installed_demo.py'), '--python', str(python), '--source', str(leg_tree),
                           '--smoke'], env=environment, check=False)
    if demo.returncode != 0:
        return 'the installed demo failed on ansible-core %s' % version
    shutil.rmtree(leg_root, ignore_errors=True)
    print('matrix: leg %s passed: ansible-core %s, sanity and the installed demo, in %.0f s' % (name, version, time.monotonic() - started), flush=True)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--tree', required=True, help='the collection at .../ansible_collections/channel/partner (make tree)')
    parser.add_argument('--leg', action='append', choices=sorted(LEGS), help='run only this leg (default: all)')
    options = parser.parse_args()
    failures = []
    for name in options.leg or sorted(LEGS, reverse=True):
        problem = run_leg(name, LEGS[name], Path(options.tree).resolve())
        if problem:
            failures.append('%s: %s' % (name, problem))
    if failures:
        print('matrix: FAILED: %s' % '; '.join(failures), file=sys.stderr)
        return 1
    print('matrix: passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
