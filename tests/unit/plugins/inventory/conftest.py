# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the inventory plugin's tests: the collection loader, and the emulator's connection in the environment."""

import pytest

from conftest import COLLECTIONS_ROOT
from inventory_parse import load_collections


@pytest.fixture(autouse=True)
def collection_loader():
    load_collections(COLLECTIONS_ROOT)


@pytest.fixture
def partner_environment(emulator, monkeypatch):
    """The MYENGINE_* variables set to the emulator, as AWX's credential injects them, and an empty request log."""
    for name, value in emulator.connection_environment().items():
        if name.startswith('MYENGINE_'):
            monkeypatch.setenv(name, value)
    emulator.clear_requests()
    return emulator
