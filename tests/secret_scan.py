"""pytest plugin: a test fails when a secret of the test environment shows up in what it produced.

The secrets are the emulator's credentials (read from its default fixture, so a changed
credential is followed automatically) and every OAuth2 access and refresh token the
emulator issues during the session. The plugin looks for them in:

- each test report: the captured stdout, stderr and log sections and the failure text;
- every result of ``modrun.run_module`` and every ``playbook.run_playbook`` run
  (stdout, stderr and the recorded task results), which those helpers hand to
  ``scan_value`` / ``scan_playbook_run``;
- the output files a test left in its temporary directories (ansible-runner
  artifacts, recorded results, logs) and under tests/output.

A hit turns the phase of the test during which it was found into a failure that names
the place and the kind of secret, never its value; the captured output and failure
text shown for that test are redacted the same way, so the report itself leaks nothing.

Register it with ``pytest_plugins = ['secret_scan']`` in tests/conftest.py, or ``-p secret_scan``.
"""

import base64
import html
import json
import os
import re
import sys
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / 'emulator' / 'fixtures' / 'default.json'
OUTPUT_DIR = TESTS / 'output'

# Every token the emulator mints has this shape (emulator/oauth.py); it also catches tokens
# of an emulator running in another process, whose issuing this process cannot see.
TOKEN_PATTERN = re.compile(r'emu-(?:at|rt)-\d+-[0-9a-f]{24}')
TOKEN_KINDS = {'at': 'an OAuth access token issued by the emulator', 'rt': 'an OAuth refresh token issued by the emulator'}

# Files under a test's temporary directories that are output of a run. Inputs (playbooks,
# ansible-runner's env/ directory and its ``command`` record) hold the credentials on purpose.
OUTPUT_FILE_NAMES = frozenset(('stdout', 'stderr', 'results.jsonl', 'recorded.jsonl'))
OUTPUT_SUFFIXES = ('.log', '.out', '.err')
INPUT_DIR_NAMES = frozenset(('env', 'inventory', 'project', 'remote_tmp', 'local_tmp'))
TEMP_FIXTURES = ('tmp_path', 'tmpdir', 'tmp_path_factory', 'tmpdir_factory')
MAX_SCANNED_FILE = 20 * 1024 * 1024
# The shortest part of a secret the scan looks for.
PART_LENGTH = 12
TAIL_CHARACTERS = 3

_lock = threading.Lock()
_issued_tokens = {}
_pending_hits = []
_file_marks = {}


def encoded_forms(value, description):
    """{form: description} of the ways a secret can leak: as it is, URL-encoded (as a form body or a query carries it,
    either case of hex), JSON- and HTML-escaped, and long parts of it (what an excerpt cut through it would keep)."""
    forms = {value: description}
    for form in (quote(value, safe=''), quote_plus(value), json.dumps(value)[1:-1], html.escape(value)):
        if form != value:
            forms[form] = '%s (encoded)' % description
            forms[re.sub('%[0-9A-F]{2}', lambda match: match.group(0).lower(), form)] = '%s (encoded)' % description
    # Two thirds of the secret is still most of it, when it holds some of the random tail (the words before it, such as
    # "emu-password", are no secret and show up in test names).
    window = max(PART_LENGTH, len(value) * 2 // 3)
    tail_start = value.rfind('-') + 1
    for start in range(0, len(value) - window + 1):
        if start + window - max(start, tail_start) >= TAIL_CHARACTERS:
            forms.setdefault(value[start:start + window], '%s (a part of it)' % description)
    return forms


def basic_pair(user, password, description):
    """The value of an HTTP Basic header for ``user:password``, which decodes to the password."""
    encoded = base64.b64encode(('%s:%s' % (user, password)).encode('utf-8')).decode('ascii')
    return {encoded: '%s (base64 in the Basic credentials)' % description}


def _load_static_secrets():
    """{value: description} of the credentials the emulator accepts, in every form they can leak in."""
    found = {}
    try:
        state = json.loads(FIXTURE.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return found
    partner = state.get('partner', {})
    if partner.get('api_key'):
        found.update(encoded_forms(partner['api_key'], 'the partner api_key'))
        found.update(basic_pair(partner.get('partner_id', partner.get('id')), partner['api_key'], 'the partner api_key'))
    retailer = state.get('retailer', {})
    for client in retailer.get('oauth_clients', []):
        if client.get('client_secret'):
            found.update(encoded_forms(client['client_secret'], 'the retailer client_secret'))
            found.update(basic_pair(client.get('client_id'), client['client_secret'], 'the retailer client_secret'))
    for user in retailer.get('users', []):
        if user.get('password'):
            found.update(encoded_forms(user['password'], 'the retailer password'))
            found.update(basic_pair(user.get('username'), user['password'], 'the retailer password'))
    return found


# Loaded on import, so that the helpers can scan even before the plugin is configured.
_static_secrets = _load_static_secrets()


def secrets():
    """{value: description} of every secret known so far."""
    with _lock:
        known = dict(_static_secrets)
        known.update(_issued_tokens)
    return known


def record_issued(token_body):
    """Remember the tokens of an answer of the emulator's token endpoint."""
    with _lock:
        if token_body.get('access_token'):
            _issued_tokens[token_body['access_token']] = TOKEN_KINDS['at']
        if token_body.get('refresh_token'):
            _issued_tokens[token_body['refresh_token']] = TOKEN_KINDS['rt']


def _install_token_recorder():
    # The emulator resets its token store with every test; wrapping the issuing keeps them all.
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from emulator import oauth

    if getattr(oauth.OAuth.issue, 'secret_scan_wrapped', False):
        return
    original = oauth.OAuth.issue

    def issue(self, client_id, username):
        body = original(self, client_id, username)
        record_issued(body)
        return body

    issue.secret_scan_wrapped = True
    oauth.OAuth.issue = issue


def find_secrets(text):
    """The descriptions of the secrets in ``text``, sorted, without the values."""
    if not text:
        return []
    matched = [value for value in secrets() if value in text]
    known = secrets()
    # A part of a secret found inside a longer form of it is the same leak, reported once.
    found = set(known[value] for value in matched if not any(value != other and value in other for other in matched))
    for match in TOKEN_PATTERN.finditer(text):
        found.add(TOKEN_KINDS[match.group(0)[4:6]])
    return sorted(found)


def redact(text):
    if not text:
        return text
    for value, description in sorted(secrets().items(), key=lambda item: -len(item[0])):
        text = text.replace(value, '<%s>' % description)
    return TOKEN_PATTERN.sub(lambda match: '<%s>' % TOKEN_KINDS[match.group(0)[4:6]], text)


def _as_text(value):
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


def scan_value(value, where):
    """Check a result, output text or any JSON-able value; a hit fails the running test."""
    for description in find_secrets(_as_text(value)):
        with _lock:
            _pending_hits.append('%s in %s' % (description, where))


def scan_playbook_run(run, where='run_playbook'):
    """Check what a PlaybookRun collected: stdout, stderr and every recorded task result."""
    scan_value(run.stdout, '%s stdout' % where)
    scan_value(run.stderr, '%s stderr' % where)
    for entry in run.tasks:
        scan_value(entry, '%s result of task %r' % (where, entry.get('task')))


def _take_pending():
    with _lock:
        hits = list(_pending_hits)
        del _pending_hits[:]
    return hits


# Output files

def _is_output_file(path, root):
    # _output_files does not descend into INPUT_DIR_NAMES, so only the file itself is judged here.
    relative = path.relative_to(root).parts
    name = path.name
    if 'job_events' in relative[:-1] and name.endswith('.json'):
        return True
    return name in OUTPUT_FILE_NAMES or name.endswith(OUTPUT_SUFFIXES)


def _output_files(root):
    root = Path(root)
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(str(root)):
        subdirectories[:] = [name for name in subdirectories if name not in INPUT_DIR_NAMES]
        for name in names:
            path = Path(directory) / name
            if _is_output_file(path, root):
                yield path


def scan_files(root, where_prefix=''):
    """Scan the output files under ``root`` that are new or changed since the last scan."""
    for path in _output_files(root):
        try:
            stat = path.stat()
        except OSError:
            continue
        mark = (stat.st_mtime_ns, stat.st_size)
        if _file_marks.get(str(path)) == mark or stat.st_size > MAX_SCANNED_FILE:
            continue
        _file_marks[str(path)] = mark
        try:
            text = path.read_text(encoding='utf-8', errors='replace')
        except OSError:
            continue
        scan_value(text, '%sfile %s' % (where_prefix, path))


def _temp_root(config):
    factory = getattr(config, '_tmp_path_factory', None)
    if factory is None:
        return None
    try:
        return factory.getbasetemp()
    except (OSError, ValueError):
        return None


# Hooks

def pytest_configure(config):
    _install_token_recorder()


def _report_texts(report, when):
    # A report carries the sections of the earlier phases too; each is scanned with its own phase.
    for title, content in report.sections:
        if title.endswith(' ' + when):
            yield title, content
    if report.longrepr is not None:
        yield 'the failure report', str(report.longrepr)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    hits = _take_pending()
    if call.when == 'teardown':
        root = _temp_root(item.config) if set(TEMP_FIXTURES) & set(getattr(item, 'fixturenames', ())) else None
        if root is not None:
            scan_files(root)
        scan_files(OUTPUT_DIR)
        hits += _take_pending()
    for title, content in _report_texts(report, call.when):
        hits += ['%s in %s' % (description, title) for description in find_secrets(content)]
    if not hits:
        return report

    # Show nothing of the secrets themselves, in the captured output or the failure text.
    report.sections = [(title, redact(content)) for title, content in report.sections]
    if hasattr(item, '_report_sections'):
        # What the later phases of this test (and a junit report) would show again.
        item._report_sections = [(when, key, redact(content)) for when, key, content in item._report_sections]
    earlier = redact(str(report.longrepr)) if report.longrepr is not None else ''
    unique = sorted(set(hits))
    message = 'secret_scan: %s leaked a secret during %s:\n%s' % (
        item.nodeid, call.when, '\n'.join('  - %s' % hit for hit in unique))
    report.longrepr = (earlier + '\n\n' + message) if earlier else message
    report.outcome = 'failed'
    return report
