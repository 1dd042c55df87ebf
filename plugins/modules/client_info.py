#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: client_info
short_description: Read the clients of a Prolateral My-Engine partner
version_added: 1.0.0
description:
  - Returns clients of the partner through the My-Engine Partner API, with every field the vendor sends.
  - One client by O(client_id) (C(GET /clients/{id})), the clients with your own id O(external_userid), the clients a O(search)
    selects, or all of them (C(GET /clients), which the vendor does not page).
  - Every record a search returns is checked against the filter again, so a server that ignores the filter never makes a
    client look like a match.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - channel.partner.attributes
  - channel.partner.attributes.partner_group
  - channel.partner.attributes.info_module
options:
  client_id:
    description: The My-Engine id of one client. Mutually exclusive with O(external_userid) and O(search).
    type: int
  external_userid:
    description: Your own id of the customer, as the client was created with. Mutually exclusive with O(client_id) and O(search).
    type: str
  search:
    description:
      - The vendor's search filter, as a mapping of a field name, optionally followed by an operator (C(>), C(<), C(>=),
        C(<=), C(!=), C(LIKE) with C(%) as a wildcard), to the value it is compared with; the keys are ANDed.
      - 'For example C({"surname LIKE": "Blog%", "active": 1}). Sent as the Rison object the KB shows.'
    type: dict
notes:
  - One request, whatever the selection. A deleted client is anonymised by the vendor (KB 399) and may still be listed,
    without its fields; its C(deleted) in RV(clients) says so.
seealso:
  - module: channel.partner.client
'''

EXAMPLES = r'''
- name: Find the client of customer 123456
  channel.partner.client_info:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    external_userid: "123456"
  register: found

- name: Every suspended client
  channel.partner.client_info:
    partner_id: "{{ my_engine_partner_id }}"
    api_key: "{{ my_engine_api_key }}"
    search:
      active: 0
'''

RETURN = r'''
clients:
  description:
    - The clients selected, in the vendor's order; empty when none matches (or O(client_id) is unknown).
    - C(enabled) is the vendor's C(active) as a boolean; C(deleted) is true for what is left of a deleted (anonymised) client.
      Every other field is as the vendor sent it.
  returned: success
  type: list
  elements: dict
  sample: [{id: 9987600, external_userid: "123456", email: fred@example.com, username: fred@example.com, title: Mr,
            firstname: Fred, surname: Bloggs, active: 1, enabled: true, deleted: false, client_status_id: 1, verified: 1}]
'''

from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._errors import ApiError
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from ansible_collections.channel.partner.plugins.module_utils._partner_model import is_anonymised
from ansible_collections.channel.partner.plugins.module_utils._partner_options import (
    CLIENT_INFO_EXCLUSIVE,
    client_info_argument_spec,
    client_info_problems,
)


def main():
    module = ansible_module(argument_spec=client_info_argument_spec(), mutually_exclusive=CLIENT_INFO_EXCLUSIVE,
                            supports_check_mode=True)
    params = module.params
    fail_on_problems(module, client_info_problems(params))
    api = PartnerApi.from_module(module)
    try:
        if params['client_id'] is not None:
            found = api.client_by_id(params['client_id'])
            clients = [found] if found is not None else []
        else:
            external_userid = params['external_userid'].strip() if params['external_userid'] is not None else None
            clients = api.clients(external_userid=external_userid, search=params['search'])
    except ApiError as error:
        module.fail_json(msg='reading the clients failed: %s' % error, error=error.to_dict())
    module.exit_json(changed=False, clients=[dict(client, deleted=is_anonymised(client)) for client in clients])


if __name__ == '__main__':
    main()
