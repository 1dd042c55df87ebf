"""Give ansible-test a pip bootstrap script that works without its download host.

``ansible-test --venv`` creates a bare virtual environment and runs
``~/.ansible/test/cache/get_pip_<version>.py`` in it, downloading that script
first when it is missing. The download host is unreachable here, so this
writes a stand-in that installs the requested pip into the new environment
with the pip of the virtual environment running this script (the package
index is reachable; only the script host is not).

Usage: python tests/tools/seed_ansible_test_pip.py
"""

import os
import re
import sys
from pathlib import Path

STAND_IN = '''\
"""Stand-in for get-pip.py written by channel.partner's tests/tools/seed_ansible_test_pip.py."""
import subprocess
import sys

TOOLS_PYTHON = {tools_python!r}
# get-pip.py options that pip itself does not know.
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')
arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY]
command = [TOOLS_PYTHON, '-m', 'pip', '--python', sys.executable, 'install', '--quiet'] + arguments
if subprocess.call(command) != 0:
    # The tools interpreter may be gone; the standard library can still bootstrap pip.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + arguments)
'''


def ansible_test_pip_version():
    import ansible_test
    requirements = Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
    match = re.search(r"pip='([0-9.]+)'", requirements.read_text())
    if not match:
        raise SystemExit('cannot find the pip version ansible-test bootstraps in %s' % requirements)
    return match.group(1)


def main():
    version = ansible_test_pip_version()
    cache = Path(os.path.expanduser('~/.ansible/test/cache'))
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / ('get_pip_%s.py' % version.replace('.', '_'))
    target.write_text(STAND_IN.format(tools_python=sys.executable))
    print('ansible-test pip bootstrap: %s' % target)


if __name__ == '__main__':
    main()
