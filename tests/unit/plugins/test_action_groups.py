# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module belongs to the action group of the API it talks to.

module_defaults for ``group/channel.partner.partner_api`` and
``group/channel.partner.retailer_api`` is how users set credentials once per
play; a module missing from its group would silently ignore them.
"""

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
MODULES = sorted(path.stem for path in (REPO / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__')
GROUP_OF_FRAGMENT = {
    'channel.partner.partner_api': 'partner_api',
    'channel.partner.retailer_api': 'retailer_api',
}


def action_groups():
    runtime = yaml.safe_load((REPO / 'meta' / 'runtime.yml').read_text())
    return runtime['action_groups']


def documented_fragments(module):
    """The doc fragments a module's DOCUMENTATION extends, read without importing it."""
    source = (REPO / 'plugins' / 'modules' / (module + '.py')).read_text()
    documentation = source.split("DOCUMENTATION = r'''", 1)[1].split("'''", 1)[0]
    return yaml.safe_load(documentation).get('extends_documentation_fragment', [])


def test_there_are_modules():
    assert len(MODULES) >= 5, MODULES


@pytest.mark.parametrize('module', MODULES)
def test_module_is_in_the_group_of_its_api(module):
    groups = action_groups()
    wanted = [GROUP_OF_FRAGMENT[fragment] for fragment in documented_fragments(module) if fragment in GROUP_OF_FRAGMENT]
    assert len(wanted) == 1, '%s should extend exactly one connection fragment, found %s' % (module, wanted)
    members = [group for group, names in groups.items() if module in names]
    assert members == wanted


def test_groups_name_only_existing_modules():
    for group, names in action_groups().items():
        assert sorted(names) == sorted(set(names)), group
        for name in names:
            assert name in MODULES, '%s lists %s, which is not a module' % (group, name)
