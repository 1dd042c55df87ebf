# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The concurrency option of a bulk write form on the Partner API, as in _partner_options (PARTNER_CONCURRENCY).
    # The two fragments repeat their common lines: Ansible does not merge one option's description from two fragments,
    # and ansible-test's yamllint reads a fragment only as a literal string, so it cannot be composed in Python either.
    PARTNER = r'''
options:
  concurrency:
    description:
      - With a list (the bulk form), how many of its writes may be in flight at the same time. V(1) sends them one after
        another. The single form has one write at a time whatever the value.
      - Everything checked before the first write is checked for the whole list first, as with V(1) (for a regrade, the
        cost of the whole list against the credit balance).
      - The writes of one item still go one after another, each once the one before it is done.
      - When a write is refused, or its answer is lost, no new write starts; the writes already in flight finish and are
        reported with their real outcome (a lost answer settled by a read-back, as always); every write not started is
        not attempted. The message names every write that failed or whose outcome is unknown.
      - RV(plans) (and every list the module returns) is in the order of the list given, whatever order the writes
        finished in. Check mode predicts the same result as with V(1), and sends nothing.
      - The Partner API documents no rate limit. The default of 8 keeps the load of a few interactive users, yet it
        brings a long list within a small multiple of the vendor's own answer time; raise it only if the vendor agrees.
      - From 1 to 50.
    type: int
    default: 8
'''

    # The same for the Retailer API, as in _retailer_options (RETAILER_CONCURRENCY).
    RETAILER = r'''
options:
  concurrency:
    description:
      - With a list (the bulk form), how many of its writes may be in flight at the same time. V(1) sends them one after
        another. The single form has one write at a time whatever the value.
      - Everything checked before the first write is checked for the whole list first, as with V(1) (for a pack, its
        limits in the account's profile).
      - The writes of one item still go one after another, each once the one before it is done.
      - When a write is refused, or its answer is lost, no new write starts; the writes already in flight finish and are
        reported with their real outcome (a lost answer settled by a read-back, as always); every write not started is
        not attempted. The message names every write that failed or whose outcome is unknown.
      - RV(plans) (and every list the module returns) is in the order of the list given, whatever order the writes
        finished in. Check mode predicts the same result as with V(1), and sends nothing.
      - The pacing (O(rate_limit), O(rate_limit_scope)) holds whatever the value, counting the requests in flight. The
        default of 5 is MailUp's limit of calls per second per resource; more writes in flight than that cannot go faster
        against one resource, and against a vendor that counts every call of the token together
        (O(rate_limit_scope=token)) they only wait in the pacing.
      - From 1 to 50.
    type: int
    default: 5
'''
