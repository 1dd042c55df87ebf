"""The subset of Rison that the Partner API's ``search`` and ``fields`` parameters use, and the filter.

``search`` is a Rison object whose keys are "field [operator]" in the CakePHP style, for
example ``('id >':'9987600','product':'outmail')``; ``fields`` is a Rison list ``!(id,product)``.
"""

import re

ID_CHARS = re.compile(r"[^ '!:(),*@$]+")
OPERATORS = ('>=', '<=', '!=', '>', '<', '=', 'LIKE')


class RisonError(ValueError):
    pass


class _Parser:

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def parse(self):
        value = self.value()
        if self.pos != len(self.text):
            raise RisonError('unexpected %r at %d' % (self.text[self.pos:], self.pos))
        return value

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ''

    def value(self):
        char = self.peek()
        if char == '(':
            return self.obj()
        if char == "'":
            return self.string()
        if char == '!':
            return self.bang()
        match = ID_CHARS.match(self.text, self.pos)
        if not match:
            raise RisonError('unexpected %r at %d' % (char, self.pos))
        self.pos = match.end()
        token = match.group(0)
        if re.fullmatch(r'-?\d+', token):
            return int(token)
        if re.fullmatch(r'-?\d+\.\d+', token):
            return float(token)
        return token

    def bang(self):
        token = self.text[self.pos:self.pos + 2]
        self.pos += 2
        constants = {'!t': True, '!f': False, '!n': None}
        if token in constants:
            return constants[token]
        if token == '!(':
            items = []
            while self.peek() != ')':
                if not self.peek():
                    raise RisonError('unterminated list')
                if items:
                    self.expect(',')
                items.append(self.value())
            self.pos += 1
            return items
        raise RisonError('unknown ! sequence %r' % token)

    def obj(self):
        self.pos += 1
        result = {}
        while self.peek() != ')':
            if not self.peek():
                raise RisonError('unterminated object')
            if result:
                self.expect(',')
            key = self.value()
            if not isinstance(key, str):
                raise RisonError('object keys must be strings')
            self.expect(':')
            result[key] = self.value()
        self.pos += 1
        return result

    def string(self):
        self.pos += 1
        chars = []
        while True:
            char = self.peek()
            if not char:
                raise RisonError('unterminated string')
            self.pos += 1
            if char == "'":
                return ''.join(chars)
            if char == '!' and self.peek() in ("'", '!'):
                # Strict Rison would reject any other "!x"; a hand-written 'status !=' key is common, so keep it literal.
                char = self.peek()
                self.pos += 1
            chars.append(char)

    def expect(self, char):
        if self.peek() != char:
            raise RisonError('expected %r at %d' % (char, self.pos))
        self.pos += 1


def loads(text):
    return _Parser(text).parse()


def parse_search(text):
    """[(field, operator, value)] from a Rison search object; RisonError when malformed."""
    search = loads(text)
    if not isinstance(search, dict):
        raise RisonError('search must be a Rison object')
    conditions = []
    for key, value in search.items():
        parts = key.strip().split(None, 1)
        if not parts:
            raise RisonError('empty search key')
        operator = parts[1].strip().upper() if len(parts) > 1 else '='
        if operator not in OPERATORS:
            raise RisonError('unknown operator %r' % operator)
        conditions.append((parts[0], operator, value))
    return conditions


def parse_fields(text):
    fields = loads(text)
    if not isinstance(fields, list) or not all(isinstance(field, str) for field in fields):
        raise RisonError('fields must be a Rison list of names')
    return fields


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(str(value))
    except ValueError:
        return None


def _compare(actual, operator, wanted):
    if operator == 'LIKE':
        pattern = ''.join('.*' if c == '%' else '.' if c == '_' else re.escape(c) for c in str(wanted))
        # MySQL's default collation makes LIKE case-insensitive.
        return re.fullmatch(pattern, '' if actual is None else str(actual), re.IGNORECASE | re.DOTALL) is not None
    left, right = _number(actual), _number(wanted)
    if left is None or right is None:
        left, right = str(actual).lower(), str(wanted).lower()
        if isinstance(actual, bool):
            left = '1' if actual else '0'
    results = {'=': left == right, '!=': left != right, '>': left > right, '<': left < right,
               '>=': left >= right, '<=': left <= right}
    return results[operator]


def apply_search(items, conditions):
    """Items matching every condition; RisonError for a field no item has."""
    known = set()
    for item in items:
        known.update(item)
    for field, _operator, _value in conditions:
        if items and field not in known:
            raise RisonError('unknown search field %r' % field)
    return [item for item in items if all(_compare(item.get(f), op, v) for f, op, v in conditions)]


def apply_fields(items, fields):
    return [dict((key, value) for key, value in item.items() if key in fields) for item in items]
