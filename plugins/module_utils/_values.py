# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a vendor's loosely typed values are read, the same way for both APIs."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import math


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


class ShapeError(ValueError):
    """An answer that is not of the shape the API documents; the message names the field and what it held."""


def _shown(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


def record(value, field):
    """``value`` when it is a JSON object, else a ShapeError naming ``field``."""
    if not isinstance(value, dict):
        raise ShapeError('%s should be an object, not %s' % (field, _shown(value)))
    return value


def records(value, field, empty_when_null=False):
    """``value`` when it is a list of JSON objects (null as an empty list only when ``empty_when_null``)."""
    if value is None and empty_when_null:
        return []
    if not isinstance(value, list):
        raise ShapeError('%s should be a list, not %s' % (field, _shown(value)))
    for position, item in enumerate(value):
        record(item, '%s[%d]' % (field, position))
    return value


def number(value, field, required=False, whole=False):
    """A count or an amount: a JSON number, or a string that reads as one (some answers quote their numbers).

    A boolean, another string or a non-finite number is a ShapeError naming ``field``; so is a missing value when
    ``required``. ``whole`` asks for an integer.
    """
    if value is None:
        if required:
            raise ShapeError('%s is missing' % field)
        return None
    parsed = value
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            parsed = None
    if isinstance(parsed, bool) or not isinstance(parsed, (int, float)) or (isinstance(parsed, float) and not math.isfinite(parsed)):
        raise ShapeError('%s should be a number, not %s' % (field, _shown(value)))
    if isinstance(parsed, float) and parsed.is_integer():
        parsed = int(parsed)
    if whole and not isinstance(parsed, int):
        raise ShapeError('%s should be a whole number, not %s' % (field, _shown(value)))
    return parsed


def identifier(value, field, required=True):
    """An id: a whole number, as a JSON number or a string of digits."""
    return number(value, field, required=required, whole=True)


def text_of(value, field):
    """A name, a code or a description: text or a number, as the vendor sent it, or None; never an object or a list."""
    if value is None or isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise ShapeError('%s should be text, not %s' % (field, _shown(value)))
