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
