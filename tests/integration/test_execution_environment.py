# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment: the collection's meta/execution-environment.yml and docs/execution-environment.example.yml.

``ansible-builder create`` writes a build context without a container engine. The
image build would then install the collection from its tarball and run the
context's ``introspect.py`` over the installed collections to find their Python
requirements; these tests run those two steps here, offline, on the context that
``create`` wrote.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_builder._target_scripts import introspect
from ansible_builder.ee_schema import validate_schema
from packaging.requirements import Requirement

from conftest import REPO

BIN = Path(sys.executable).parent
EXAMPLE = REPO / 'docs' / 'execution-environment.example.yml'
COLLECTION_EE = REPO / 'meta' / 'execution-environment.yml'


def offline_environment(tmp_path):
    environment = dict(os.environ)
    environment.update({
        # Any attempt to reach a Galaxy server fails at once instead of waiting on the network.
        'ANSIBLE_GALAXY_SERVER': 'http://127.0.0.1:9/',
        # As in the image: no collection is installed yet (the tests' own path holds this checkout).
        'ANSIBLE_COLLECTIONS_PATH': str(tmp_path / 'no_collections'),
        'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'local_tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'PATH': str(BIN) + os.pathsep + os.environ.get('PATH', ''),
    })
    return environment


def run(command, tmp_path, cwd):
    completed = subprocess.run([str(part) for part in command], cwd=str(cwd), env=offline_environment(tmp_path),
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, '%s\n%s\n%s' % (command, completed.stdout, completed.stderr)
    return completed


def requirement_names(lines):
    return {Requirement(introspect.COMMENT_RE.sub('', line).strip()).name.lower() for line in lines}


def test_collection_metadata_points_at_the_requirements():
    definition = yaml.safe_load(COLLECTION_EE.read_text())
    assert definition == {'version': 1, 'dependencies': {'python': 'meta/ee-requirements.txt'}}
    validate_schema(definition)
    # ansible-builder reads it relative to the collection root, as it does in an image.
    python_requirements, system_requirements = introspect.process_collection(str(REPO))
    assert requirement_names(python_requirements) == {'requests'}
    assert system_requirements == []


def test_ee_requirements_cover_the_modules_requirements():
    """Every Python library the doc fragments list under requirements is in meta/ee-requirements.txt."""
    wanted = set()
    for fragment in (REPO / 'plugins' / 'doc_fragments').glob('*.py'):
        text = fragment.read_text()
        if 'requirements:' in text:
            documentation = text.split("DOCUMENTATION = r'''", 1)[1].split("'''", 1)[0]
            wanted.update(Requirement(line).name.lower() for line in yaml.safe_load(documentation).get('requirements', []))
    assert wanted == {'requests'}
    python_requirements = introspect.pip_file_data(str(REPO / 'meta' / 'ee-requirements.txt'))
    assert wanted <= requirement_names(python_requirements)


@pytest.fixture(scope='module')
def build_context(tmp_path_factory):
    """The example EE with the collection tarball beside it, and the context ``ansible-builder create`` wrote."""
    work = tmp_path_factory.mktemp('ee')
    run([BIN / 'ansible-galaxy', 'collection', 'build', '--output-path', work / 'dist', REPO], work, work)
    tarballs = list((work / 'dist').glob('channel-partner-*.tar.gz'))
    assert len(tarballs) == 1
    definition = yaml.safe_load(EXAMPLE.read_text())
    # The example copies the tarball into the context under the name its comment tells users to use.
    (build_file,) = definition['additional_build_files']
    shutil.copy(str(tarballs[0]), str(work / build_file['src']))
    shutil.copy(str(EXAMPLE), str(work / EXAMPLE.name))
    completed = run([BIN / 'ansible-builder', 'create', '-f', work / EXAMPLE.name, '-c', work / 'context',
                     '--output-filename', 'Containerfile'], work, work)
    return {'work': work, 'context': work / 'context', 'definition': definition, 'output': completed.stdout}


def test_example_is_a_version_3_definition():
    definition = yaml.safe_load(EXAMPLE.read_text())
    assert definition['version'] == 3
    validate_schema(definition)
    collections = definition['dependencies']['galaxy']['collections']
    assert collections == [{'name': 'collections/channel-partner.tar.gz', 'type': 'file'}]
    assert definition['additional_build_files'] == [{'src': 'channel-partner.tar.gz', 'dest': 'collections'}]
    core = Requirement(definition['dependencies']['ansible_core']['package_pip'])
    assert core.name == 'ansible-core'
    assert core.specifier.contains('2.19.0') and core.specifier.contains('2.17.0')


def test_ansible_builder_create_accepts_the_example(build_context):
    context = build_context['context']
    containerfile = (context / 'Containerfile').read_text()
    assert 'ansible-galaxy collection install' in containerfile
    assert 'introspect.py introspect' in containerfile
    assert (context / '_build' / 'collections' / 'channel-partner.tar.gz').is_file()
    requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    assert requirements == {'collections': [{'name': 'collections/channel-partner.tar.gz', 'type': 'file'}]}
    assert (context / '_build' / 'scripts' / 'introspect.py').is_file()


def test_built_image_would_install_requests(build_context, tmp_path):
    """The galaxy and builder stages of the image build, run on the generated context."""
    build_dir = build_context['context'] / '_build'   # the image's /build (COPY _build /build; WORKDIR /build)
    collections = tmp_path / 'usr_share_ansible_collections'
    run([BIN / 'ansible-galaxy', 'collection', 'install', '-r', 'requirements.yml', '--collections-path', collections],
        tmp_path, build_dir)
    installed = collections / 'ansible_collections' / 'channel' / 'partner'
    assert (installed / 'meta' / 'execution-environment.yml').is_file()
    assert (installed / 'meta' / 'ee-requirements.txt').is_file()

    pip_out = tmp_path / 'requirements.txt'
    run([sys.executable, build_dir / 'scripts' / 'introspect.py', 'introspect', collections,
         '--write-pip', pip_out, '--write-bindep', tmp_path / 'bindep.txt'], tmp_path, build_dir)
    lines = [line for line in pip_out.read_text().splitlines() if line.strip()]
    assert requirement_names(lines) == {'requests'}
    assert all('from collection channel.partner' in line for line in lines)
