"""Build the collection's tarball, install it into a fresh path, and run the demo from there as a user who cannot write to it.

This is how a user meets the collection: `ansible-galaxy collection install`, then playbooks run from the
installed copy, never from this repository. The install directory is made read-only, and when this runs as
root (whom file modes do not stop) the demo runs without the capabilities that let root write anyway. A digest
of every installed file before and after proves nothing was written there.

    python tests/tools/installed_demo.py [--python VENV/bin/python] [--source DIR | --tarball FILE] [--work DIR] [--smoke]

--python picks the ansible-core to build, install and run with (a version matrix passes each leg's venv);
--smoke runs the tour only (preview, apply, rerun) instead of the whole demo.
"""

import argparse
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Root ignores file modes unless it gives up the capabilities that override them.
WITHOUT_OVERRIDES = ['setpriv', '--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable', '--']


def tool(python, name):
    return str(Path(python).parent / name)


def build(python, source, output_dir):
    subprocess.run([tool(python, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(output_dir), '--force', str(source)],
                   check=True, stdout=subprocess.DEVNULL)
    tarballs = sorted(Path(output_dir).glob('channel-partner-*.tar.gz'))
    if len(tarballs) != 1:
        raise SystemExit('installed_demo: expected one tarball in %s, found %s' % (output_dir, [path.name for path in tarballs]))
    return tarballs[0]


def digest(root):
    """Path, mode and content hash of every file and directory below ``root``."""
    entries = []
    for path in sorted(Path(root).rglob('*')):
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else ''
        entries.append((str(path.relative_to(root)), stat.S_IMODE(info.st_mode), content))
    return entries


def set_writable(root, writable):
    for path in [Path(root)] + list(Path(root).rglob('*')):
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--python', default=sys.executable, help='python of the virtualenv with ansible-core (default: this one)')
    parser.add_argument('--source', default=str(REPO), help='the collection to build (default: this repository)')
    parser.add_argument('--tarball', help='an already built tarball (default: build one from this repository)')
    parser.add_argument('--work', help='work directory (default: a new temporary one, removed afterwards)')
    parser.add_argument('--smoke', action='store_true', help='the tour only, not the customer life phases')
    options = parser.parse_args()

    work = Path(options.work or tempfile.mkdtemp(prefix='channel-partner-installed-'))
    install_root = work / 'collections'
    run_dir = work / 'run'
    try:
        tarball = Path(options.tarball) if options.tarball else build(options.python, options.source, work / 'build')
        if install_root.exists():
            set_writable(install_root, True)
            shutil.rmtree(install_root)
        subprocess.run([tool(options.python, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(install_root), str(tarball)],
                       check=True, stdout=subprocess.DEVNULL)
        installed = install_root / 'ansible_collections' / 'channel' / 'partner'
        set_writable(install_root, False)
        before = digest(install_root)
        run_dir.mkdir(parents=True, exist_ok=True)
        command = [options.python, str(installed / 'tests' / 'tools' / 'with_emulator.py'), '--demo'] + (['--tour-only'] if options.smoke else [])
        if os.geteuid() == 0:
            command = WITHOUT_OVERRIDES + command
        print('installed_demo: %s installed in %s (read-only); running the demo from %s' % (tarball.name, install_root, run_dir), flush=True)
        environment = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
        status = subprocess.call(command, cwd=str(run_dir), env=environment)
        after = digest(install_root)
        if after != before:
            changed = sorted(set(after) ^ set(before))
            print('installed_demo: the run wrote into the installed collection: %s' % [entry[0] for entry in changed[:10]], file=sys.stderr)
            return 1
        report = run_dir / 'demo-output' / 'partner-audit.md'
        if status == 0 and not report.is_file():
            print('installed_demo: the demo passed but wrote no report in %s' % report.parent, file=sys.stderr)
            return 1
        if status == 0:
            print('installed_demo: passed; nothing was written into %s; the report is in %s' % (installed, report.parent))
        return status
    finally:
        if install_root.exists():
            set_writable(install_root, True)
        if not options.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
