# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options shared by the modules of each API, and the rules every option is checked with.

The doc fragments describe the same connection options. The option tables of each module
family (``_partner_options``, ``_retailer_options``) name a rule per option; ``problems``
applies them, to the task's options or to one item of a bulk list, before any request.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import decimal
import math
import os

from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, _load_params, env_fallback

from ansible_collections.channel.partner.plugins.module_utils._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ApiError,
    missing_requests_message,
)

PARTNER_DEFAULT_URL = 'https://sandbox.my-engine.com/api-v1'
RETAILER_DEFAULT_URL = 'https://services.mailup.com'


def _transport_options():
    return dict(
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30),
        allow_plain_http=dict(type='bool', default=False),
    )


def partner_argument_spec():
    """A fresh argument spec of the Partner API connection; modules add their own options to it."""
    spec = dict(
        api_url=dict(type='str', default=PARTNER_DEFAULT_URL, fallback=(env_fallback, ['MYENGINE_API_URL'])),
        partner_id=dict(type='str', required=True, fallback=(env_fallback, ['MYENGINE_PARTNER_ID'])),
        api_key=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MYENGINE_API_KEY'])),
    )
    spec.update(_transport_options())
    return spec


def retailer_argument_spec():
    """A fresh argument spec of the Retailer API connection; modules add their own options to it."""
    spec = dict(
        api_url=dict(type='str', default=RETAILER_DEFAULT_URL, fallback=(env_fallback, ['MAILUP_API_URL'])),
        client_id=dict(type='str', required=True, fallback=(env_fallback, ['MAILUP_CLIENT_ID'])),
        client_secret=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MAILUP_CLIENT_SECRET'])),
        username=dict(type='str', required=True, fallback=(env_fallback, ['MAILUP_USERNAME'])),
        password=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MAILUP_PASSWORD'])),
        # Requests per second the client allows itself (0: no pacing); MailUp's own limit is 5.
        rate_limit=dict(type='float', default=5),
        # What one window of that limit covers: each resource (request path), or every call of the token.
        rate_limit_scope=dict(type='str', default='resource', choices=['resource', 'token']),
    )
    spec.update(_transport_options())
    return spec


# The rules. Each takes the option's name (as the user wrote it, with its list position) and its value,
# which is set (not None), and returns what is wrong with it, or None.

def _boolean(name, value):
    # Ansible's int type lets true and false through (a bool is an int in Python): true would be sent as 1, or as True.
    if isinstance(value, bool):
        return '%s must be an integer, not the boolean %s' % (name, str(value).lower())
    return None


def positive_integer(name, value):
    if _boolean(name, value):
        return _boolean(name, value)
    if value <= 0:
        return '%s must be a positive integer, not %s' % (name, value)
    return None


def not_negative(name, value):
    if _boolean(name, value):
        return _boolean(name, value)
    if value < 0:
        return '%s must be 0 or more, not %s' % (name, value)
    return None


def _finite(name, value):
    if isinstance(value, float) and not math.isfinite(value):
        return '%s must be a finite number, not %s' % (name, value)
    return None


def greater_than_zero(unit, maximum=None):
    def rule(name, value):
        if _finite(name, value):
            return _finite(name, value)
        if value <= 0:
            return '%s must be a number of %s greater than 0, not %s' % (name, unit, value)
        return at_most(maximum, unit)(name, value)
    return rule


def at_most(maximum, unit):
    # Time is counted in floats: a wait longer than a day is a typo, and one beyond what a float holds would crash.
    def rule(name, value):
        if maximum is not None and value > maximum:
            return '%s must be at most %s %s, not %s' % (name, maximum, unit, _shown(value))
        return None
    return rule


def all_of(*rules):
    def rule(name, value):
        return next((problem for problem in (each(name, value) for each in rules) if problem), None)
    return rule


def _shown(value):
    text = str(value)
    return text if len(text) <= 40 else text[:37] + '...'


def not_zero(name, value):
    if _boolean(name, value):
        return _boolean(name, value)
    if value == 0:
        return '%s must not be 0' % name
    return None


def text(wanted=None, hint=None, header=False):
    """A text that must not be empty; ``wanted`` says what it must name, ``hint`` what to do instead.

    A ``header`` text is sent in an HTTP header (or in the Basic credentials), which carries Latin-1 only and no line breaks.
    """
    def rule(name, value):
        if not str(value).strip():
            if wanted:
                return '%s must name %s' % (name, wanted)
            return '%s must not be empty%s' % (name, '; %s' % hint if hint else '')
        if header:
            try:
                str(value).encode('latin-1')
            except UnicodeEncodeError:
                return '%s must be Latin-1 text (it is sent in an HTTP header), which %r is not' % (name, str(value)[:40])
            if any(ord(character) < 32 or ord(character) == 127 for character in str(value)):
                return '%s must not hold control characters such as a line break (it is sent in an HTTP header)' % name
        return None
    return rule


def existing_path(name, value):
    if not str(value).strip():
        return '%s must not be empty; name a CA bundle file or omit the option' % name
    if not os.path.exists(str(value)):
        return '%s names %s, which does not exist' % (name, value)
    return None


def problems(values, rules, prefix=''):
    """What is wrong with the set ``values`` by their ``rules`` ({option: rule}), each naming ``prefix`` + the option."""
    found = []
    for option, rule in rules.items():
        value = values.get(option)
        if value is not None:
            problem = rule(prefix + option, value)
            if problem:
                found.append(problem)
    return found


def list_problems(option, items, rules):
    """What is wrong with the items of the list option ``option``, each named ``option[N].suboption``."""
    found = []
    for position, item in enumerate(items):
        found.extend(problems(item, rules, '%s[%d].' % (option, position)))
    return found


def repeated(option, keys, describe):
    """A problem for every key given more than once in the list ``option``: ``describe(key)`` names the thing."""
    positions = {}
    for position, key in enumerate(keys):
        positions.setdefault(key, []).append(position)
    return ['%s is listed more than once (%s)' % (describe(key), ', '.join('%s[%d]' % (option, spot) for spot in spots))
            for key, spots in positions.items() if len(spots) > 1]


def single_form(item_options):
    """The options of one item of a bulk list as options of the task itself (none of them required there).

    The single form and the bulk items are made from the same dict, so an option added to one is in both.
    """
    return dict((name, dict((key, value) for key, value in spec.items() if key != 'required')) for name, spec in item_options.items())


def wanted_item(params, item_options):
    """The single form's options as one item of the bulk list."""
    return dict((name, params[name]) for name in item_options)


def requests_per_second(name, value):
    if _finite(name, value):
        return _finite(name, value)
    if value < 0 or value > MAX_REQUESTS_PER_SECOND:
        return '%s must be 0 (no pacing) or a number of requests per second up to %d, not %s' % (name, MAX_REQUESTS_PER_SECOND, _shown(value))
    return None


# The pacing keeps one timestamp per request of the last second.
MAX_REQUESTS_PER_SECOND = 1000
# The concurrency option of the bulk forms (requests in flight together): one thread and one connection each, so that a
# typo cannot open thousands of connections to a vendor at once.
MAX_CONCURRENCY = 50
# A day: longer than any request or wait should take.
LONGEST_WAIT = 86400
TRANSPORT_RULES = {'ca_path': existing_path, 'timeout': greater_than_zero('seconds', LONGEST_WAIT)}
# The connection options sent in a header or in the Basic credentials, beside the ones that must only not be empty.
HEADER_TEXT = ('partner_id', 'api_key')
# The connection options that must carry a value: an empty one would only earn a 401 or a confusing error from the vendor.
PARTNER_REQUIRED_TEXT = ('api_url', 'partner_id', 'api_key')
RETAILER_REQUIRED_TEXT = ('api_url', 'client_id', 'client_secret', 'username', 'password')
RETAILER_CONNECTION_RULES = {'rate_limit': requests_per_second}


def requests_in_flight(name, value):
    return all_of(positive_integer, at_most(MAX_CONCURRENCY, 'requests in flight'))(name, value)


# The rule of the concurrency option, the same for every bulk form of both APIs.
CONCURRENCY_RULES = {'concurrency': requests_in_flight}


def connection_problem(params, required_text, rules=None):
    """The first thing wrong with the connection options, as a message naming the option, or None.

    Checked before the first request, so that a typo in a vault variable or an empty
    environment variable fails clearly instead of reaching the API.
    """
    every_rule = dict((name, text(header=name in HEADER_TEXT)) for name in required_text)
    every_rule.update(TRANSPORT_RULES, **(rules or {}))
    found = ['%s must not be empty' % name for name in required_text if params.get(name) is None] + problems(params, every_rule)
    return '%s; nothing was sent' % found[0] if found else None


def api_from_module(module, required_text, build, rules=None):
    """``build(params, transport)`` once the library and the connection options are known to be usable.

    ``transport`` holds the keyword arguments every API class passes to its HTTP client.
    A missing library, an empty option or a refused URL fails the module before any request.
    """
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_requests_message(), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    hidden_credentials(module)
    problem = connection_problem(params, required_text, rules)
    if problem:
        module.fail_json(msg=problem)
    transport = dict(timeout=params.get('timeout', 30), validate_certs=params.get('validate_certs', True),
                     ca_path=params.get('ca_path'), allow_plain_http=params.get('allow_plain_http', False))
    try:
        return build(params, transport)
    except ApiError as error:
        module.fail_json(msg=str(error), error=error.to_dict())


def hidden_credentials(module):
    """Keep a password given inside api_url (https://user:password@host) out of everything the task shows, its
    invocation included; check_base_url then refuses the URL."""
    try:
        parts = urlsplit(str(module.params.get('api_url') or ''))
        password = parts.password
    except ValueError:
        return
    if password:
        module.no_log_values.add(password)


def fail_on_problems(module, found, prefix=''):
    """Fail the task with every problem found in its options (before any request), or return."""
    if found:
        module.fail_json(msg='%s%s; nothing was sent.' % (prefix, '; '.join(found)))


def ansible_module(argument_spec, **options):
    """``AnsibleModule(argument_spec, **options)``, except that what Ansible's own conversion would crash on (``inf`` for
    an integer, an integer too large for a float) or would quietly turn into text (a list or a mapping given for a text
    option, which would be sent as ``[]``) is refused by name, as every other bad value is."""
    found = _mishandled_values(argument_spec, _load_params())
    if not found:
        return AnsibleModule(argument_spec=argument_spec, **options)
    # Taken as it is, so that the module can start and say which option is wrong.
    spec = copy.deepcopy(argument_spec)
    for path, _label, _value, _kind, _secret in found:
        options_of = spec
        for name in path[:-1]:
            options_of = options_of[name]['options']
        options_of[path[-1]] = dict(type='raw', no_log=options_of[path[-1]].get('no_log', False))
    module = AnsibleModule(argument_spec=spec, **options)
    module.fail_json(msg='; '.join('%s must be %s, not %s' % (label, WANTED[kind], _described(value, secret))
                                   for _path, label, value, kind, secret in found) + '; nothing was sent.')


def _described(value, secret):
    # The value itself only when it is no secret, and short.
    if isinstance(value, (list, dict)):
        return 'a list' if isinstance(value, list) else 'a mapping'
    return 'the value given' if secret else _shown(value)


WANTED = {'int': 'a whole number', 'float': 'a finite number of a usual size', 'str': 'text', 'path': 'a path',
          'list': 'a list of mappings', 'dict': 'a mapping'}


def _mishandled_values(spec, values, path=(), label=''):
    """(path in the spec, option as the user wrote it, value, type, no_log) of each option whose value Ansible's
    conversion raises on, or would turn into text it was never meant to be."""
    found = []
    for name, option in spec.items():
        value = values.get(name) if isinstance(values, dict) else None
        if value is None:
            continue
        kind = option.get('type', 'str')
        if (kind in ('int', 'float') and _crashes_conversion(kind, value)) or (kind in ('str', 'path') and isinstance(value, (list, dict))):
            found.append((path + (name,), label + name, value, kind, option.get('no_log', False)))
        elif option.get('options') and not _nested_shape(kind, value):
            # Ansible would try to read a mapping out of a string and say so without naming the option.
            found.append((path + (name,), label + name, value, kind, option.get('no_log', False)))
        elif option.get('options') and kind in ('list', 'dict'):
            items = value if isinstance(value, list) else [value]
            for position, item in enumerate(items):
                item_label = '%s%s[%d].' % (label, name, position) if kind == 'list' else '%s%s.' % (label, name)
                found.extend(_mishandled_values(option['options'], item, path + (name,), item_label))
    return found


def _nested_shape(kind, value):
    if kind == 'dict':
        return isinstance(value, dict)
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _crashes_conversion(kind, value):
    if isinstance(value, bool) or (kind == 'int' and isinstance(value, int)) or not isinstance(value, (int, float, str)):
        return False
    if kind == 'float':
        try:
            float(value)
        except OverflowError:
            return True
        except ValueError:
            return False
        return False
    try:
        number = decimal.Decimal(value)
    except (decimal.DecimalException, ValueError):
        return False
    # An infinite value overflows int(); a thousand-digit exponent would take ages to turn into an int.
    return not number.is_finite() or number.adjusted() > 1000
