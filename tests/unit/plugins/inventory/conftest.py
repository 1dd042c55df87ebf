# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the inventory plugin's tests: the collection loader, and the emulator's connection in the environment."""

import pytest

from conftest import COLLECTIONS_ROOT
from inventory_parse import load_collections


try:
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None


@pytest.fixture(autouse=True)
def controller():
    """The process as ansible-inventory's: a controller, with the collection loader. Afterwards the process is marked as
    it was, so that a module run in-process by a later test returns its warnings, as a module's own process does."""
    marked = getattr(module_utils_internal, 'is_controller', None)
    load_collections(COLLECTIONS_ROOT)
    if marked is not None:
        module_utils_internal.is_controller = True
    yield
    if marked is not None:
        module_utils_internal.is_controller = marked


@pytest.fixture
def partner_environment(emulator, monkeypatch):
    """The MYENGINE_* variables set to the emulator, as AWX's credential injects them, and an empty request log."""
    for name, value in emulator.connection_environment().items():
        if name.startswith('MYENGINE_'):
            monkeypatch.setenv(name, value)
    emulator.clear_requests()
    return emulator
