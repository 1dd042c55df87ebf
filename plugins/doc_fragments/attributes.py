# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # For modules that change something: each module states its own support level.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode, and then reports whether it would change anything without sending any write to the API.
  diff_mode:
    description: Returns the managed fields before and after the change when run with C(--diff), also in check mode.
  idempotent:
    description:
      - Running the task again with the same arguments changes nothing and reports no change.
'''

    # For modules that write: what happens to a write whose answer is lost, the same in every one of them.
    WRITES = r'''
options: {}
notes:
  - Every write is sent once. It is sent again only when the vendor refused it before doing anything (HTTP 429, or a 503
    in the vendor's own error format) or it never left this host. A write held up somewhere and applied late could
    otherwise undo a later change, or add and charge twice.
  - When the answer to a write is lost or cannot be trusted (a timeout, a dropped connection, a proxy's 5xx, an unexpected
    status, or an answer that contradicts the request), the module reads the resource back once and never sends the
    write again. An absolute write (a package, a total, a state) whose read-back shows what it sets counts as applied,
    with a warning; anything else fails the task with RV(applied=null) and says what the read-back showed, that the vendor
    may still apply the lost request later, and how to finish the job without applying anything twice (for increments,
    the totals to set instead).
  - A failure says what was done (RV(writes_done)), what is unknown (RV(writes_unknown)) and what was not attempted; the
    task is C(changed) when a write was applied or may have been.
  - Redirects are not followed by writes, nor by any request to another scheme, host or port; a refused redirect on a
    write means the write did not reach the vendor.
'''

    # The action groups of meta/runtime.yml, which module_defaults set the connection for.
    PARTNER_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/channel.partner.partner_api) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - channel.partner.partner_api
'''

    RETAILER_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/channel.partner.retailer_api) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - channel.partner.retailer_api
'''

    # For modules that only read: none of them ever sends a write.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This module only reads from the API, so it runs the same way in check mode.
  diff_mode:
    support: N/A
    details:
      - This module changes nothing, so there is no difference to show.
  idempotent:
    support: full
    details:
      - This module changes nothing.
'''
