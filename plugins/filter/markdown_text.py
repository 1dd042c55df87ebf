# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The markdown_text filter: any value as plain text in Markdown, whatever it holds."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: markdown_text
version_added: 1.0.0
short_description: A value as plain text in Markdown
description:
  - Puts any value on one line, turns C(<), C(>) and C(&) into HTML entities and escapes the characters Markdown reads
    as markup (emphasis, code, links and images, headings, strikethrough, table cells).
  - A Markdown renderer then shows the characters as they are and runs nothing, so that text from an API
    (a C(<script>), an C(<img onerror>), a Markdown link to a C(javascript:) URL) stays text in a report.
  - The partner_audit role prints every value it read from the APIs through this filter.
positional: _input
options:
  _input:
    description: The value; V(null) becomes the empty string, anything else its text.
    type: raw
    required: true
author:
  - Channel Partner Maintainers
'''

EXAMPLES = r'''
- name: A table row of values from an API
  ansible.builtin.debug:
    msg: "| {{ profile.Name | channel.partner.markdown_text }} | {{ profile.ClientCode | channel.partner.markdown_text }} |"
'''

RETURN = r'''
_value:
  description: The text, safe to place in Markdown (in a table cell too).
  type: str
'''

import html
import re

# What Markdown (CommonMark and GitHub's tables) would read as markup: emphasis, code, links and images, headings,
# strikethrough, table cells, and the backslash itself.
MARKUP = re.compile(r'([\\`*_\[\]#~|!])')


def markdown_text(value):
    """``value`` on one line, raw HTML turned into entities and Markdown markup escaped, so that a renderer shows the
    characters and runs nothing: a vendor's ``<script>`` or ``[link](javascript:...)`` stays text."""
    text = ' '.join(('' if value is None else str(value)).split())
    return MARKUP.sub(r'\\\1', html.escape(text, quote=False))


class FilterModule:
    def filters(self):
        return {'markdown_text': markdown_text}
