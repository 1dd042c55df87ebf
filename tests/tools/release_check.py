"""Check a release as Galaxy, Automation Hub and the docsite would, on the files git knows about.

    python tests/tools/release_check.py --tree TREE --tools VENV/bin --tarball-dir DIR

TREE is a copy of the collection at .../ansible_collections/channel/partner (`make tree`); VENV is the
virtualenv of requirements/release.txt. In order, each step failing the whole check:
  1. `ansible-galaxy collection build` of TREE into DIR (the tarball Galaxy would receive);
  2. galaxy-importer on it, with Automation Hub's options on top of the defaults (flake8, a version of 1.0.0 or
     later, the required tags); its ansible-test step stays off, as it needs a container runtime. Any warning or
     error in its log fails the check;
  3. `antsibull-docs lint-collection-docs --plugin-docs` (plugin docs, extra docs, links);
  4. `antsibull-changelog lint`;
  5. `antsibull-changelog release` in a scratch copy: the release must have a summary, list every module, plugin
     and role of the collection as new (the first release), and carry no unrendered markup such as C(...).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

AUTOMATION_HUB = {'GALAXY_IMPORTER_RUN_FLAKE8': 'true', 'GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER': 'true',
                  'GALAXY_IMPORTER_CHECK_REQUIRED_TAGS': 'true', 'GALAXY_IMPORTER_RUN_ANSIBLE_TEST': 'false'}
# galaxy-importer logs every problem at WARNING or ERROR; the rest of its log is progress.
IMPORTER_PROBLEM = re.compile(r'\b(WARNING|ERROR)\b')
UNRENDERED = re.compile(r'\b[CIBMOVRLEPU]\([^)]*\)')
PLUGIN_TYPES = ('callback', 'filter', 'inventory', 'lookup', 'test')


class CheckFailed(Exception):
    pass


def step(title):
    print('release-check: %s' % title, flush=True)


def run(command, cwd, environment, what):
    completed = subprocess.run(command, cwd=str(cwd), env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    if completed.returncode != 0:
        raise CheckFailed('%s failed (exit %d):\n%s' % (what, completed.returncode, completed.stdout[-6000:]))
    return completed.stdout


def contents(tree):
    """What the collection ships, by kind, as antsibull-changelog names it."""
    found = {'modules': sorted(path.stem for path in (tree / 'plugins' / 'modules').glob('*.py') if not path.stem.startswith('_')),
             'roles': sorted(path.name for path in (tree / 'roles').iterdir() if (path / 'meta' / 'argument_specs.yml').is_file())}
    for plugin_type in PLUGIN_TYPES:
        folder = tree / 'plugins' / plugin_type
        if not folder.is_dir():
            continue
        # A filter or test may be documented in a YAML file of its own name, beside the Python file that holds it.
        found[plugin_type] = sorted(set(path.stem for path in list(folder.glob('*.py')) + list(folder.glob('*.yml'))
                                        if not path.stem.startswith('_')))
    return found


def check_release(tree, tools, environment, version):
    scratch = Path(tempfile.mkdtemp(prefix='channel-partner-release-'))
    try:
        copy = scratch / 'ansible_collections' / 'channel' / 'partner'
        shutil.copytree(tree, copy, symlinks=True)
        release_environment = dict(environment, ANSIBLE_COLLECTIONS_PATH=str(scratch))
        run([str(tools / 'antsibull-changelog'), 'release', '--version', version], copy, release_environment, 'antsibull-changelog release')
        release = yaml.safe_load((copy / 'changelogs' / 'changelog.yaml').read_text())['releases'][version]
        text = (copy / 'CHANGELOG.rst').read_text()
        problems = []
        if not release.get('changes', {}).get('release_summary'):
            problems.append('no release summary')
        shipped = contents(tree)
        listed = {'modules': sorted(entry['name'] for entry in release.get('modules', [])),
                  'roles': sorted(entry['name'] for entry in release.get('objects', {}).get('role', []))}
        for plugin_type, entries in release.get('plugins', {}).items():
            listed[plugin_type] = sorted(entry['name'] for entry in entries)
        for kind, names in shipped.items():
            missing = sorted(set(names) - set(listed.get(kind, [])))
            if missing:
                problems.append('not listed as new %s: %s' % (kind, ', '.join(missing)))
        for heading in ('Release Summary', 'New Modules', 'New Roles', 'New Plugins'):
            if heading not in text:
                problems.append('no "%s" section' % heading)
        markup = sorted(set(UNRENDERED.findall(text)))
        if markup:
            problems.append('unrendered markup: %s' % ', '.join(markup[:10]))
        if problems:
            raise CheckFailed('the release changelog is not ready: %s' % '; '.join(problems))
        counts = ', '.join('%d %s' % (len(names), kind) for kind, names in sorted(listed.items()))
        print('release-check: changelog of %s lists as new: %s' % (version, counts))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--tree', required=True, help='the collection at .../ansible_collections/channel/partner')
    parser.add_argument('--tools', required=True, help='bin directory of the release tools virtualenv')
    parser.add_argument('--tarball-dir', required=True, help='where the built tarball goes')
    options = parser.parse_args()
    tree, tools, tarball_dir = Path(options.tree).resolve(), Path(options.tools).resolve(), Path(options.tarball_dir).resolve()
    version = yaml.safe_load((tree / 'galaxy.yml').read_text())['version']
    environment = dict(os.environ, PATH=str(tools) + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_COLLECTIONS_PATH=str(tree.parents[2]))
    try:
        step('building the tarball')
        if tarball_dir.exists():
            shutil.rmtree(tarball_dir)
        run([str(tools / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tarball_dir)], tree, environment, 'ansible-galaxy collection build')
        tarball = tarball_dir / ('channel-partner-%s.tar.gz' % version)
        step('galaxy-importer (Automation Hub options) on %s' % tarball.name)
        log = run([str(tools / 'python'), '-m', 'galaxy_importer.main', str(tarball)], tarball_dir, dict(environment, **AUTOMATION_HUB),
                  'galaxy-importer')
        problems = [line for line in log.splitlines() if IMPORTER_PROBLEM.search(line)]
        if problems or 'Importer processing completed successfully' not in log:
            raise CheckFailed('galaxy-importer reported:\n%s' % '\n'.join(problems or log.splitlines()[-20:]))
        step('antsibull-docs lint-collection-docs --plugin-docs')
        run([str(tools / 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'], tree, environment, 'antsibull-docs lint')
        step('antsibull-changelog lint')
        run([str(tools / 'antsibull-changelog'), 'lint'], tree, environment, 'antsibull-changelog lint')
        step('antsibull-changelog release %s in a scratch copy' % version)
        check_release(tree, tools, environment, version)
    except CheckFailed as failure:
        print('release-check: FAILED: %s' % failure, file=sys.stderr)
        return 1
    print('release-check: passed (%s)' % tarball)
    return 0


if __name__ == '__main__':
    sys.exit(main())
