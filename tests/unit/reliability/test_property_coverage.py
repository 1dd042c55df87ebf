# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guard: every module has property tests, and none of them is set to try fewer than 200 examples.

The hypothesis settings are read from the test functions themselves, the way hypothesis
will run them, so lowering ``max_examples`` (or dropping ``@settings``, which falls back
to hypothesis' default of 100) anywhere in these files fails here.
"""

import importlib.util
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parents[2]
REPO = TESTS.parent
MODULE_TESTS = TESTS / 'unit' / 'plugins' / 'modules'
RELIABILITY_TESTS = TESTS / 'unit' / 'reliability'
MINIMUM_EXAMPLES = 200


def module_names():
    return sorted(path.stem for path in (REPO / 'plugins' / 'modules').glob('*.py') if not path.name.startswith('_'))


def property_tests(path):
    """{test name: max_examples} of the hypothesis tests defined in the file at ``path``."""
    spec = importlib.util.spec_from_file_location('property_coverage_' + path.stem, str(path))
    code = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(code)
    found = {}
    for name, value in vars(code).items():
        if name.startswith('test') and getattr(value, 'is_hypothesis_test', False):
            chosen = getattr(value, '_hypothesis_internal_use_settings', None) or settings.default
            found[name] = chosen.max_examples
    return found


def guarded_files():
    return sorted(MODULE_TESTS.glob('test_*.py')) + sorted(RELIABILITY_TESTS.glob('test_*.py'))


@pytest.mark.parametrize('module', module_names())
def test_every_module_has_a_property_test(module):
    # A module's property tests live in its own test file, or in a reliability test whose name says the module.
    own_file = MODULE_TESTS / ('test_%s.py' % module)
    counts = property_tests(own_file) if own_file.exists() else {}
    for path in sorted(RELIABILITY_TESTS.glob('test_*.py')):
        if path.resolve() != Path(__file__).resolve():
            counts.update(('%s::%s' % (path.name, name), examples)
                          for name, examples in property_tests(path).items() if module in name)
    assert counts, 'channel.partner.%s has no hypothesis property test' % module
    assert max(counts.values()) >= MINIMUM_EXAMPLES, counts


@pytest.mark.parametrize('path', [path for path in guarded_files() if path.resolve() != Path(__file__).resolve()],
                         ids=lambda path: path.name)
def test_no_property_test_runs_fewer_than_200_examples(path):
    too_few = dict((name, examples) for name, examples in property_tests(path).items() if examples < MINIMUM_EXAMPLES)
    assert not too_few, 'property tests set to fewer than %d examples in %s: %s' % (MINIMUM_EXAMPLES, path.name, too_few)


def test_the_guard_sees_a_lowered_or_missing_setting(tmp_path):
    # The guard reads what hypothesis will use: an explicit low value, and the default without @settings.
    sample = tmp_path / 'test_sample_properties.py'
    sample.write_text(
        'from hypothesis import given, settings, strategies as st\n'
        '@settings(max_examples=20)\n@given(st.integers())\ndef test_lowered(number):\n    pass\n'
        '@given(st.integers())\ndef test_default(number):\n    pass\n'
        '@settings(max_examples=500)\n@given(st.integers())\ndef test_enough(number):\n    pass\n'
        'def test_plain():\n    pass\n')
    found = property_tests(sample)
    assert found == {'test_lowered': 20, 'test_default': settings.default.max_examples, 'test_enough': 500}
    assert settings.default.max_examples < MINIMUM_EXAMPLES
