# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The markdown_text filter: what it makes of text an API could send, as a table."""

import pytest

from ansible_collections.channel.partner.plugins.filter.markdown_text import FilterModule, markdown_text


@pytest.mark.parametrize('value, text', [
    ('Extra 1,000 emails', 'Extra 1,000 emails'),
    (534, '534'),
    (None, ''),
    ('<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'),
    ('<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'),
    ('[click](javascript:alert(1))', '\\[click\\](javascript:alert(1))'),
    ('![pixel](https://tracker.example/p.gif)', '\\!\\[pixel\\](https://tracker.example/p.gif)'),
    ('a | b', 'a \\| b'),
    ('**bold** _it_ `code` ~~x~~', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~'),
    ('# heading', '\\# heading'),
    ('two\nlines\r\nand\ttabs', 'two lines and tabs'),
    ('back\\slash', 'back\\\\slash'),
    ('Tom & Jerry', 'Tom &amp; Jerry'),
])
def test_markdown_text_shows_the_characters_and_runs_nothing(value, text):
    assert markdown_text(value) == text


def test_the_filter_is_registered_by_its_name():
    assert FilterModule().filters() == {'markdown_text': markdown_text}
