# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types of docs/awx/credential_types/ and a job run the way AWX runs one.

AWX renders a credential type's ``injectors.env`` templates with the credential's
inputs (Jinja2, sandboxed) and hands the result to ansible-runner as the job's
environment. These tests do the same with the emulator's credentials, run the
job template example (docs/examples/awx_job.yml) through ``ansible_runner.run``
and check that no secret input reaches the event stream.
"""

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import ansible_runner
import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import COLLECTIONS_ROOT, REPO
from emulator_fixture import PARTNER_LOGIN, RETAILER_LOGIN
from playbook import run_playbook

CREDENTIAL_TYPES = REPO / 'docs' / 'awx' / 'credential_types'
JOB_PLAYBOOK = REPO / 'docs' / 'examples' / 'awx_job.yml'
MODULE_DEFAULTS_PLAYBOOK = REPO / 'docs' / 'examples' / 'module_defaults.yml'
CREATE_TYPES_PLAYBOOK = REPO / 'docs' / 'awx' / 'create_credential_types.yml'
APIS = ('partner_api', 'retailer_api')
ENV_PREFIXES = ('MYENGINE_', 'MAILUP_')

# The inputs a user would type into the two AWX credentials to reach the emulator.
PARTNER_INPUTS = PARTNER_LOGIN
RETAILER_INPUTS = RETAILER_LOGIN
EXPECTED_SECRETS = {'partner_api': {'api_key'}, 'retailer_api': {'client_secret', 'password'}}

# Environment variables AWX refuses in a custom credential type's injectors
# (awx.main.constants.ENV_BLOCKLIST, and every ANSIBLE_* name).
AWX_ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID', 'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES', 'CALLBACK_QUEUE', 'CALLBACK_CONNECTION',
    'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS', 'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH',
))


def load_credential_type(api):
    return yaml.safe_load((CREDENTIAL_TYPES / (api + '.yml')).read_text())


def render_injected_env(credential_type, inputs):
    """The environment AWX injects for a credential of ``credential_type`` with ``inputs``.

    Like AWX: a sandboxed Jinja2 environment, the credential's inputs as the namespace,
    one rendered string per ``injectors.env`` entry.
    """
    sandbox = ImmutableSandboxedEnvironment()
    return {name: sandbox.from_string(template).render(**inputs)
            for name, template in credential_type['injectors']['env'].items()}


def template_field(template):
    """The input field a ``{{ field }}`` injector template consists of."""
    match = re.fullmatch(r'\{\{\s*(\w+)\s*\}\}', template)
    assert match, 'an injector should be exactly one input field: %r' % template
    return match.group(1)


def argspec(api):
    from ansible_collections.channel.partner.plugins.module_utils import _argspec
    return getattr(_argspec, api.split('_')[0] + '_argument_spec')()


def argspec_env_vars(api):
    """{option: environment variable} for every connection option that falls back to one."""
    env_vars = {}
    for option, spec in argspec(api).items():
        fallback = spec.get('fallback')
        if fallback:
            assert fallback[0].__name__ == 'env_fallback'
            assert len(fallback[1]) == 1, option
            env_vars[option] = fallback[1][0]
    return env_vars


def doc_fragment_env_vars(api):
    """{option: environment variable} as the doc fragment describes them (E(NAME))."""
    path = REPO / 'plugins' / 'doc_fragments' / (api + '.py')
    spec = importlib.util.spec_from_file_location('channel_partner_fragment_%s' % api, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    options = yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)['options']
    env_vars = {}
    for option, doc in options.items():
        names = set(re.findall(r'E\(([A-Z0-9_]+)\)', ' '.join(doc['description'])))
        if names:
            assert len(names) == 1, option
            env_vars[option] = names.pop()
    return env_vars


def emulator_inputs(emu):
    """The inputs of the two AWX credentials for the emulator ``emu``."""
    return {
        'partner_api': dict(PARTNER_INPUTS, api_url=emu.partner_url),
        'retailer_api': dict(RETAILER_INPUTS, api_url=emu.retailer_url),
    }


def secret_values(inputs):
    """The values of every input marked ``secret: true`` in its credential type."""
    values = {}
    for api in APIS:
        for field in load_credential_type(api)['inputs']['fields']:
            if field.get('secret'):
                values['%s.%s' % (api, field['id'])] = inputs[api][field['id']]
    return values


# ---------------------------------------------------------------------------
# The credential type files


@pytest.mark.parametrize('api', APIS)
def test_credential_type_is_a_valid_awx_custom_type(api):
    credential_type = load_credential_type(api)
    assert set(credential_type) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    assert credential_type['kind'] == 'cloud'  # custom types must be 'cloud' or 'net'
    assert credential_type['name'] and credential_type['description']
    fields = credential_type['inputs']['fields']
    ids = [field['id'] for field in fields]
    labels = [field['label'] for field in fields]
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    for field in fields:
        assert set(field) <= {'id', 'label', 'type', 'help_text', 'secret', 'multiline', 'default', 'choices', 'format'}, field
        assert field.get('type', 'string') == 'string'
    assert set(credential_type['inputs']['required']) <= set(ids)
    assert set(credential_type['injectors']) == {'env'}, 'only environment variables are injected'
    for name, template in credential_type['injectors']['env'].items():
        assert name not in AWX_ENV_BLOCKLIST and not name.startswith('ANSIBLE_'), name
        assert template_field(template) in ids


@pytest.mark.parametrize('api', APIS)
def test_secret_inputs_are_marked_secret(api):
    fields = load_credential_type(api)['inputs']['fields']
    secret = {field['id'] for field in fields if field.get('secret') is True}
    assert secret == EXPECTED_SECRETS[api]
    no_log = {option for option, spec in argspec(api).items() if spec.get('no_log')}
    assert secret == no_log, 'secret inputs and no_log options should be the same'


@pytest.mark.parametrize('api', APIS)
def test_injectors_set_exactly_the_env_vars_the_modules_read(api):
    injected = {name: template_field(template) for name, template in load_credential_type(api)['injectors']['env'].items()}
    from_argspec = argspec_env_vars(api)
    assert from_argspec == doc_fragment_env_vars(api), 'doc fragment and argspec disagree on the env vars'
    # Every variable the modules fall back to is injected, from the input of the same name, and nothing else.
    assert injected == {env_var: option for option, env_var in from_argspec.items()}
    assert all(name.startswith(ENV_PREFIXES) for name in injected)


@pytest.mark.parametrize('api', APIS)
def test_required_inputs_and_defaults_match_the_modules(api):
    credential_type = load_credential_type(api)
    spec = argspec(api)
    required_options = {option for option, option_spec in spec.items() if option_spec.get('required')}
    assert required_options <= set(credential_type['inputs']['required'])
    # api_url is required too, so the injector never sets an empty MYENGINE_API_URL/MAILUP_API_URL;
    # the form is prefilled with the modules' own default.
    fields = {field['id']: field for field in credential_type['inputs']['fields']}
    assert 'api_url' in credential_type['inputs']['required']
    assert fields['api_url']['default'] == spec['api_url']['default']


def test_injected_env_equals_what_with_emulator_sets(emulator):
    """The credential types inject what `make demo` (tests/tools/with_emulator.py) sets, given the emulator's credentials."""
    expected = emulator.connection_environment()
    expected.pop('EMULATOR_URL')
    inputs = emulator_inputs(emulator)
    rendered = {}
    for api in APIS:
        rendered.update(render_injected_env(load_credential_type(api), inputs[api]))
    assert rendered == expected


# ---------------------------------------------------------------------------
# A job run by ansible-runner with the injected environment


@pytest.fixture(scope='module')
def awx_job(emulator_server, tmp_path_factory):
    """Run docs/examples/awx_job.yml through ansible-runner as an AWX job with both credentials attached."""
    emulator_server.reset()
    private_data_dir = tmp_path_factory.mktemp('awx_job')
    (private_data_dir / 'project').mkdir()
    (private_data_dir / 'project' / 'awx_job.yml').write_text(JOB_PLAYBOOK.read_text())
    (private_data_dir / 'inventory').mkdir()
    (private_data_dir / 'inventory' / 'hosts').write_text('localhost ansible_connection=local\n')

    inputs = emulator_inputs(emulator_server)
    envvars = {}
    for api in APIS:
        envvars.update(render_injected_env(load_credential_type(api), inputs[api]))
    # What the execution environment provides (AWX sets these itself, not through credentials).
    envvars.update({
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_REMOTE_TMP': str(private_data_dir / 'remote_tmp'),
        'ANSIBLE_LOCAL_TEMP': str(private_data_dir / 'local_tmp'),
        'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS_ROOT),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
        'PATH': str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''),
    })
    with pytest.MonkeyPatch.context() as patch:
        # ansible-runner starts from this process's environment: only the injectors may provide credentials.
        for name in list(os.environ):
            if name.startswith(ENV_PREFIXES):
                patch.delenv(name)
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir),
            playbook='awx_job.yml',
            envvars=envvars,
            extravars={'partner_regrades': [{'live_service_id': 1234931, 'tariff_service_name': 'Outmail1000'}]},
            verbosity=3,  # a job launched with verbosity 3 (Debug) must not leak either
            quiet=True,
        )
        events = list(runner.events)
    with open(runner.stdout.name, encoding='utf-8') as stdout_file:
        stdout = stdout_file.read()
    stderr_path = Path(runner.config.artifact_dir) / 'stderr'
    stderr = stderr_path.read_text() if stderr_path.exists() else ''
    yield {
        'runner': runner, 'events': events, 'stdout': stdout, 'stderr': stderr, 'inputs': inputs,
        'private_data_dir': private_data_dir, 'state': emulator_server.snapshot(),
        'requests': emulator_server.requests(),
    }
    emulator_server.reset()


def task_results(events, task):
    return [event['event_data']['res'] for event in events
            if event.get('event') in ('runner_on_ok', 'runner_item_on_ok') and event['event_data'].get('task') == task]


def test_job_runs_with_credentials_from_injectors(awx_job):
    runner = awx_job['runner']
    assert runner.status == 'successful', awx_job['stdout'][-4000:] + awx_job['stderr']
    assert runner.rc == 0
    assert runner.stats['changed'] == {'localhost': 1}
    assert not runner.stats['failures'] and not runner.stats['dark']

    # The regrade was written, with the Partner credentials; the Retailer modules got an OAuth token.
    services = {int(service['id']): service for service in awx_job['state']['live_services']}
    assert services[1234931]['tariff_service_name'] == 'Outmail1000'
    apis = {entry['api'] for entry in awx_job['requests']}
    assert apis == {'partner', 'oauth', 'retailer'}
    assert all(entry['status'] != 401 for entry in awx_job['requests'])

    summary = task_results(awx_job['events'], 'Show a summary')[0]['msg']
    assert summary['services']['1234931'] == 'Outmail1000'
    assert summary['profiles'] == ['Trial', 'Economy', 'Premium']
    # module_defaults of the play set no credential: the options came from the injected environment.
    play = yaml.safe_load(JOB_PLAYBOOK.read_text())[0]
    for group, defaults in play['module_defaults'].items():
        assert group.startswith('group/channel.partner.')
        assert not set(defaults) & {'api_url', 'partner_id', 'api_key', 'client_id', 'client_secret', 'username', 'password'}


def test_no_secret_input_in_event_stream(awx_job):
    secrets = secret_values(awx_job['inputs'])
    assert set(secrets) == {'partner_api.api_key', 'retailer_api.client_secret', 'retailer_api.password'}

    # The secrets did reach the job: they are in the private data dir's env/envvars, which AWX never shows.
    envvars_file = (awx_job['private_data_dir'] / 'env' / 'envvars').read_text()
    assert all(value in envvars_file for value in secrets.values())

    stream = [json.dumps(event, sort_keys=True, default=str) for event in awx_job['events']]
    assert len(stream) > 10
    stream.append(awx_job['stdout'])
    stream.append(awx_job['stderr'])
    for path in sorted((Path(awx_job['runner'].config.artifact_dir) / 'job_events').glob('*.json')):
        stream.append(path.read_text())
    text = '\n'.join(stream)
    leaked = sorted(name for name, value in secrets.items() if value in text)
    assert not leaked, 'secret inputs found in the event stream: %s' % leaked
    # The module invocations are in the stream (verbosity 3), with the secret options masked.
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in text


# ---------------------------------------------------------------------------
# The other examples of the docs


def test_create_credential_types_playbook_passes_the_files_unchanged(tmp_path):
    """docs/awx/create_credential_types.yml with a stand-in for awx.awx.credential_type that records its arguments."""
    stub = tmp_path / 'stub_collections' / 'ansible_collections' / 'awx' / 'awx' / 'plugins' / 'modules' / 'credential_type.py'
    stub.parent.mkdir(parents=True)
    stub.write_text(STUB_CREDENTIAL_TYPE_MODULE)
    recorded_path = tmp_path / 'recorded.jsonl'
    run = run_playbook(tmp_path, playbook=CREATE_TYPES_PLAYBOOK, environment={
        'ANSIBLE_COLLECTIONS_PATH': os.pathsep.join((str(tmp_path / 'stub_collections'), str(COLLECTIONS_ROOT))),
        'STUB_CREDENTIAL_TYPE_RECORD': str(recorded_path),
    })
    assert run.rc == 0, run.stdout + run.stderr
    recorded = [json.loads(line) for line in recorded_path.read_text().splitlines()]
    assert len(recorded) == 2
    for params, api in zip(recorded, APIS):
        credential_type = load_credential_type(api)
        for key in ('name', 'description', 'kind', 'inputs', 'injectors'):
            assert params[key] == credential_type[key], key
        assert params['state'] == 'present'


# The parameters of awx.awx.credential_type (awx.awx 24), so that the playbook may use no other.
STUB_CREDENTIAL_TYPE_MODULE = '''
import json
import os
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        name=dict(required=True), new_name=dict(), description=dict(),
        kind=dict(choices=['ssh', 'vault', 'net', 'scm', 'cloud', 'insights', 'kubernetes', 'galaxy', 'token', 'external', 'cryptography']),
        inputs=dict(type='dict'), injectors=dict(type='dict'),
        state=dict(choices=['present', 'absent', 'exists'], default='present'),
        controller_host=dict(), controller_username=dict(), controller_password=dict(no_log=True),
        controller_oauthtoken=dict(no_log=True), validate_certs=dict(type='bool'), request_timeout=dict(type='float'),
        controller_config_file=dict(type='path'),
    ))
    with open(os.environ['STUB_CREDENTIAL_TYPE_RECORD'], 'a') as record:
        record.write(json.dumps(module.params) + '\\n')
    module.exit_json(changed=True)


main()
'''


def test_module_defaults_example(emulator, tmp_path, monkeypatch):
    """docs/examples/module_defaults.yml: the connection of both APIs from the action groups, nothing from the environment."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)
    extra_vars = {
        'myengine_api_url': emulator.partner_url, 'myengine_partner_id': PARTNER_INPUTS['partner_id'],
        'myengine_api_key': PARTNER_INPUTS['api_key'],
        'mailup_api_url': emulator.retailer_url,
    }
    extra_vars.update(('mailup_' + key, value) for key, value in RETAILER_INPUTS.items())
    run = run_playbook(tmp_path, playbook=MODULE_DEFAULTS_PLAYBOOK, extra_vars=extra_vars)
    assert run.rc == 0, run.stdout + run.stderr
    shown = run.task('Show what was read')['msg']
    assert shown['tariff'] == 'Outmail500'
    assert shown['economy_packs'] == {'Extra 1,000 emails': 10, 'Extra 10,000 emails': 5, 'SMS 100': 5,
                                      'Extra storage 1 GB': 3, 'Dedicated IP': 1}
    assert emulator.writes() == []
