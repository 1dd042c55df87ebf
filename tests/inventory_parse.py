# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive the channel.partner.live_services inventory plugin in-process, the way InventoryManager does.

A test writes an inventory source with ``source``, parses it with ``parse`` (the plugin's parse with a DataLoader, then
the cache written) and reads the hosts, groups and variables a playbook would see; ``failure`` returns the message of
a parse that fails, scanned for secrets, since it is what ansible-inventory and AWX show.
"""

import importlib
import sys

import pytest
import yaml

import secret_scan

PLUGIN = 'channel.partner.live_services'
COLLECTION_PACKAGE = 'ansible_collections.channel.partner'

# Ansible's controller code (the inventory, the plugin loader, the templar) is imported here only when a test asks
# for it: importing it marks the whole process a controller, and a module run in-process later in the same worker
# would then print its warnings instead of returning them. The fixture of tests/unit/plugins/inventory/conftest.py
# marks the process a controller for the inventory's own tests only.


def load_collections(collections_root):
    """The collection loader, which finds the plugin by its name (ansible-test's runner installs it itself)."""
    from ansible.plugins.loader import init_plugin_loader
    from ansible.utils.collection_loader import AnsibleCollectionConfig

    if not AnsibleCollectionConfig.collection_finder:
        init_plugin_loader([str(collections_root)])
    package = sys.modules.get(COLLECTION_PACKAGE)
    if package is not None and getattr(package, '_collection_meta', None) is None:
        # Imported as a plain package before the loader was there (another test imported a module of the collection):
        # reloaded through the loader, which reads meta/runtime.yml into it. Its modules stay the objects they are.
        importlib.reload(package)


def plugin():
    from ansible.plugins.loader import inventory_loader

    return inventory_loader.get(PLUGIN)


def source(tmp_path, name='test.live_services.yml', **options):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(dict({'plugin': PLUGIN}, **options)))
    return path


def cached_source(tmp_path, **options):
    return source(tmp_path, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'), **options)


def parse(path, cache=True):
    """What InventoryManager does with the source: the plugin's parse, then the cache written."""
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader

    inventory_plugin = plugin()
    inventory = InventoryData()
    inventory_plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    if hasattr(inventory_plugin, '_cache'):
        # As InventoryManager does: a plugin has a cache only when the source turns it on.
        inventory_plugin.update_cache_if_changed()
    return inventory


def failure(path, cache=True):
    """The message of the parse's error; the message is what ansible-inventory and AWX show, so it is scanned for secrets."""
    from ansible.errors import AnsibleError

    with pytest.raises(AnsibleError) as raised:
        parse(path, cache=cache)
    message = str(raised.value)
    secret_scan.scan_value(message, 'the inventory error')
    return message


def hosts_of(inventory, group=None):
    """The hosts of a group, or every host (InventoryData puts hosts in "all" only when the inventory is reconciled)."""
    if group is None:
        return sorted(inventory.hosts)
    if group not in inventory.groups:
        return []
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def ids_of(inventory, group=None):
    return sorted(inventory.hosts[name].vars['live_service_id'] for name in hosts_of(inventory, group))


def service_vars(inventory, name):
    return dict((key, value) for key, value in inventory.hosts[name].vars.items() if key.startswith('live_service_'))
