"""Run a module of this collection in-process, the way Ansible would, and return its result.

A playbook task costs about 0.3 s of interpreter start-up and imports; running
``main()`` in the test process costs milliseconds, which is what lets property
tests try hundreds of examples. The module still talks real HTTP to the emulator.
"""

import contextlib
import importlib
import io
import json
from pathlib import Path
from unittest import mock

from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

import secret_scan

MODULE_PACKAGE = 'ansible_collections.channel.partner.plugins.modules.'


class ModuleRunError(AssertionError):
    """The module printed something that is not a single JSON result."""


def run_module(module, args, check_mode=False, diff=False):
    """Run ``channel.partner.<module>`` with ``args`` and return the result dict.

    The result is what Ansible would receive: ``failed``/``msg`` on failure,
    ``changed``, the module's return values, ``diff`` when asked for, and the
    values of ``no_log`` options masked by AnsibleModule itself.
    """
    _forget_earlier_runs()
    module_code = importlib.import_module(MODULE_PACKAGE + module)
    module_args = dict(args)
    module_args['_ansible_check_mode'] = check_mode
    module_args['_ansible_diff'] = diff
    output = io.StringIO()
    with patch_module_args(module_args), contextlib.redirect_stdout(output):
        try:
            module_code.main()
        except SystemExit:
            pass
    text = output.getvalue().strip()
    # Everything the module printed is what Ansible would show or store: no secret may be in it.
    secret_scan.scan_value(text, 'the result of run_module(%r)' % module)
    try:
        return json.loads(text)
    except ValueError:
        raise ModuleRunError('module %s did not print one JSON result:\n%s' % (module, text))


def _forget_earlier_runs():
    """Start with no warnings collected: a real module's process ends with its result and takes its warnings
    along, but in-process they would show up in the next result."""
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    ansible_warnings._global_deprecations.clear()  # pylint: disable=protected-access


def check_apply_again(emu, module, args):
    """Run ``module`` with ``args`` in check mode, for real and again, against the emulator ``emu``.

    The preview writes nothing and predicts the real run (``changed``, ``plan`` or ``plans``, the diff); the rerun changes
    nothing, writes nothing and plans nothing. Returns the real run's result and the writes it sent.
    """
    emu.clear_requests()
    preview = run_module(module, args, check_mode=True, diff=True)
    assert preview.get('failed') is not True, preview.get('msg')
    assert emu.writes() == []
    real = run_module(module, args, diff=True)
    assert real.get('failed') is not True, real.get('msg')
    assert 'plan' in real or 'plans' in real, real
    assert [preview.get(key) for key in ('changed', 'plan', 'plans', 'diff')] == [real.get(key) for key in ('changed', 'plan', 'plans', 'diff')]
    writes = emu.writes()
    emu.clear_requests()
    again = run_module(module, args)
    assert again['changed'] is False and emu.writes() == [], again
    assert all(plan['action'] == 'none' for plan in again.get('plans') or [again['plan']]), again
    return real, writes


def by_pack_id(status):
    """An account status with its ActivePacks in Id order: MailUp does not document their order."""
    return dict(status, ActivePacks=sorted(status.get('ActivePacks') or [], key=lambda pack: pack['Id']))


class ModuleProcess:
    """A module run in a process of its own, as Ansible runs it: for two writers at once, which one process cannot be."""

    def __init__(self, module, args, work_dir):
        from conftest import COLLECTIONS_ROOT
        import os
        import subprocess
        import sys

        arguments = dict(args, _ansible_check_mode=False, _ansible_diff=False)
        path = os.path.join(str(work_dir), 'args-%s-%d.json' % (module, id(self)))
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': arguments}, handle)
        # Kept in front of what is there: under ansible-test's runner, ansible itself comes from PYTHONPATH.
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(COLLECTIONS_ROOT)] + [path for path in [os.environ.get('PYTHONPATH')] if path]))
        self.module = module
        self.process = subprocess.Popen([sys.executable, '-m', MODULE_PACKAGE + module, path], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=environment, text=True)

    def result(self, timeout=60):
        stdout, stderr = self.process.communicate(timeout=timeout)
        secret_scan.scan_value(stdout + stderr, 'the output of the module process %r' % self.module)
        try:
            return json.loads(stdout)
        except ValueError:
            raise ModuleRunError('module %s did not print one JSON result:\n%s\n%s' % (self.module, stdout, stderr))


MODULES_DIR = Path(__file__).resolve().parent.parent / 'plugins' / 'modules'


class _Captured(Exception):
    pass


def module_names():
    """The names of the collection's modules."""
    return sorted(path.stem for path in MODULES_DIR.glob('*.py') if not path.name.startswith('_'))


def captured_module_arguments(name):
    """The keyword arguments ``name``'s main() passes to AnsibleModule (through _argspec.ansible_module)."""
    code = importlib.import_module(MODULE_PACKAGE + name)
    captured = {}

    def record(argument_spec, **arguments):
        captured.update(arguments, argument_spec=argument_spec)
        raise _Captured()

    with mock.patch.object(code, 'ansible_module', record):
        try:
            code.main()
        except _Captured:
            pass
    assert 'argument_spec' in captured, 'could not capture the argument spec of %s' % name
    return captured
