# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a vendor's loosely typed values are read, the same way for both APIs."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


def as_int(value):
    """An id or a count as an integer when it reads as one; anything else is passed on as it is."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def as_bool(value):
    """A flag the vendor may send as a bool, a number or a word."""
    if isinstance(value, str):
        return value.strip().lower() in ('1', 'true', 'yes', 'y', 'on')
    return bool(value)
