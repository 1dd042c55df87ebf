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

from ansible.module_utils.basic import env_fallback

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


def greater_than_zero(unit):
    def rule(name, value):
        if value <= 0:
            return '%s must be a number of %s greater than 0, not %s' % (name, unit, value)
        return None
    return rule


def not_zero(name, value):
    if _boolean(name, value):
        return _boolean(name, value)
    if value == 0:
        return '%s must not be 0' % name
    return None


def text(wanted=None, hint=None):
    """A text that must not be empty; ``wanted`` says what it must name, ``hint`` what to do instead."""
    def rule(name, value):
        if str(value).strip():
            return None
        if wanted:
            return '%s must name %s' % (name, wanted)
        return '%s must not be empty%s' % (name, '; %s' % hint if hint else '')
    return rule


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
    if value < 0:
        return '%s must be 0 (no pacing) or a number of requests per second, not %s' % (name, value)
    return None


TRANSPORT_RULES = {'ca_path': text(hint='name a CA bundle file or omit the option'), 'timeout': greater_than_zero('seconds')}
# The connection options that must carry a value: an empty one would only earn a 401 or a confusing error from the vendor.
PARTNER_REQUIRED_TEXT = ('api_url', 'partner_id', 'api_key')
RETAILER_REQUIRED_TEXT = ('api_url', 'client_id', 'client_secret', 'username', 'password')
RETAILER_CONNECTION_RULES = {'rate_limit': requests_per_second}


def connection_problem(params, required_text, rules=None):
    """The first thing wrong with the connection options, as a message naming the option, or None.

    Checked before the first request, so that a typo in a vault variable or an empty
    environment variable fails clearly instead of reaching the API.
    """
    every_rule = dict((name, text()) for name in required_text)
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
    problem = connection_problem(params, required_text, rules)
    if problem:
        module.fail_json(msg=problem)
    transport = dict(timeout=params.get('timeout', 30), validate_certs=params.get('validate_certs', True),
                     ca_path=params.get('ca_path'), allow_plain_http=params.get('allow_plain_http', False))
    try:
        return build(params, transport)
    except ApiError as error:
        module.fail_json(msg=str(error), error=error.to_dict())


def fail_on_problems(module, found, prefix=''):
    """Fail the task with every problem found in its options (before any request), or return."""
    if found:
        module.fail_json(msg='%s%s; nothing was sent.' % (prefix, '; '.join(found)))
