"""Shared pytest wiring: the collection on the import path and the emulator fixtures.

The tests import the collection as ``ansible_collections.channel.partner`` and run
``ansible-playbook`` with it on the collections path, so the repository (whose root
is the collection root) must be reachable under ``ansible_collections/channel/partner``.
"""

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / 'tests'


def _collections_root():
    # Inside a real ansible_collections/channel/partner tree (the Makefile's copy
    # for ansible-test) the tree itself is used; otherwise a symlink outside the
    # repository, so that no tool walking the repository meets a cycle.
    if REPO.parent.name == 'channel' and REPO.parent.parent.name == 'ansible_collections':
        return REPO.parents[2]
    digest = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
    root = Path(tempfile.gettempdir()) / ('channel-partner-collections-%s' % digest)
    link = root / 'ansible_collections' / 'channel' / 'partner'
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            link.symlink_to(REPO, target_is_directory=True)
        except FileExistsError:
            pass
    return root


COLLECTIONS_ROOT = _collections_root()
for path in (str(TESTS), str(COLLECTIONS_ROOT)):
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ['ANSIBLE_COLLECTIONS_PATH'] = str(COLLECTIONS_ROOT)

# Every test's output, module results, playbook runs and artifacts are searched for the
# credentials and tokens the tests use; a hit fails the test (tests/secret_scan.py).
pytest_plugins = ['secret_scan']


@pytest.fixture(scope='session')
def emulator_server():
    """One emulator of both APIs for the whole test session, on 127.0.0.1."""
    from emulator import Emulator

    server = Emulator(fixture='default')
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server):
    """The session's emulator, back to the default fixture, switches, faults and log."""
    emulator_server.reset()
    yield emulator_server
    emulator_server.reset()
