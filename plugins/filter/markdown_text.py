# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The markdown_text filter: any value as plain text in Markdown, whatever it holds."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

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
