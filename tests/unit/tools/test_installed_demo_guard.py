# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guard of tests/tools/installed_demo.py: the installed collection is really read-only to the demo, and a write
into it would be seen."""

import importlib.util
import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / 'tools' / 'installed_demo.py'
spec = importlib.util.spec_from_file_location('installed_demo', SCRIPT)
installed_demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(installed_demo)


def guarded(command):
    return installed_demo.WITHOUT_OVERRIDES + command if os.geteuid() == 0 else command


def test_the_demo_cannot_write_into_the_read_only_install(tmp_path):
    install = tmp_path / 'collections' / 'ansible_collections' / 'channel' / 'partner'
    (install / 'playbooks').mkdir(parents=True)
    (install / 'playbooks' / 'demo.yml').write_text('---\n')
    installed_demo.set_writable(tmp_path / 'collections', False)
    try:
        for command in (['sh', '-c', 'echo changed > "$0"', str(install / 'playbooks' / 'demo.yml')],
                        ['touch', str(install / 'new-file')],
                        ['mkdir', str(install / 'playbooks' / '__pycache__')]):
            completed = subprocess.run(guarded(command), capture_output=True, text=True, check=False)
            assert completed.returncode != 0, command
        assert (install / 'playbooks' / 'demo.yml').read_text() == '---\n'
        assert not (install / 'new-file').exists()
    finally:
        installed_demo.set_writable(tmp_path / 'collections', True)


def test_a_write_into_the_install_changes_its_digest(tmp_path):
    (tmp_path / 'playbooks').mkdir()
    (tmp_path / 'playbooks' / 'demo.yml').write_text('---\n')
    before = installed_demo.digest(tmp_path)
    (tmp_path / 'playbooks' / 'demo.yml').write_text('---\n# changed\n')
    assert installed_demo.digest(tmp_path) != before
    (tmp_path / 'playbooks' / 'demo.yml').write_text('---\n')
    assert installed_demo.digest(tmp_path) == before
    (tmp_path / 'demo-output').mkdir()
    assert installed_demo.digest(tmp_path) != before
