#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) Channel Partner Maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: retailer_profile_info
short_description: List the profiles of a MailUp retailer, and optionally their packs
version_added: 1.0.0
description:
  - Lists the customer account profiles defined for a MailUp retailer through the Retailer API
    (C(GET Management/Profile)), fetching every page.
  - Optionally filters the list by profile id or by profile name.
  - With O(include_packs=true), also lists the packs each profile allows, with the minimum and maximum
    quantity of each (C(GET Management/Profile/{id}/Pack)), one request per listed profile.
  - The module only reads; it never changes anything.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.retailer_api
  - channel.partner.transport
  - channel.partner.attributes
  - channel.partner.attributes.retailer_group
  - channel.partner.attributes.info_module
options:
  id:
    description:
      - Only return the profile with this id.
      - Mutually exclusive with O(name).
    type: int
  name:
    description:
      - Only return the profiles with exactly this name.
      - Mutually exclusive with O(id).
    type: str
  include_packs:
    description:
      - Also return the packs of each returned profile, in RV(profiles[].packs).
      - This costs one more request per returned profile; filter with O(id) or O(name) to keep it cheap.
    type: bool
    default: false
notes:
  - A filter that matches nothing is not an error; RV(profiles) is then empty.
seealso:
  - module: channel.partner.retailer_account
  - module: channel.partner.retailer_pack
'''

EXAMPLES = r'''
- name: List all retailer profiles
  channel.partner.retailer_profile_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
  register: retailer_profiles

- name: Show the profile names
  ansible.builtin.debug:
    msg: "{{ retailer_profiles.profiles | map(attribute='Name') | list }}"

- name: Find the Economy profile and the packs it allows
  channel.partner.retailer_profile_info:
    client_id: "{{ mailup_client_id }}"
    client_secret: "{{ mailup_client_secret }}"
    username: "{{ mailup_username }}"
    password: "{{ mailup_password }}"
    name: Economy
    include_packs: true
  register: economy

- name: Show the largest quantity of each pack in the Economy profile
  ansible.builtin.debug:
    msg: "{{ economy.profiles[0].packs | items2dict(key_name='Name', value_name='Max') }}"
'''

RETURN = r'''
profiles:
  description:
    - The retailer profiles, in the order the API lists them, after the O(id) or O(name) filter.
  returned: success
  type: list
  elements: dict
  contains:
    Id:
      description: The profile id, as used by the O(channel.partner.retailer_account#module:profile) option.
      type: int
      returned: always
      sample: 1047
    Name:
      description: The profile name.
      type: str
      returned: always
      sample: Economy
    Description:
      description: The profile description.
      type: str
      returned: always
      sample: Economy
    ClientCode:
      description: The retailer's own code for the profile.
      type: int
      returned: always
      sample: 2
    packs:
      description: The packs the profile allows.
      type: list
      elements: dict
      returned: when O(include_packs=true)
      contains:
        Id:
          description: The pack id.
          type: int
          returned: always
          sample: 534
        Name:
          description: The pack name.
          type: str
          returned: always
          sample: Extra 1,000 emails
        Min:
          description: The smallest total quantity of this pack an account of the profile may have.
          type: int
          returned: always
          sample: 0
        Max:
          description: The largest total quantity of this pack an account of the profile may have.
          type: int
          returned: always
          sample: 10
  sample:
    - Id: 1047
      Name: Economy
      Description: Economy
      ClientCode: 2
      packs:
        - Id: 534
          Name: Extra 1,000 emails
          Min: 0
          Max: 10
'''


from ansible_collections.channel.partner.plugins.module_utils._argspec import ansible_module, fail_on_problems
from ansible_collections.channel.partner.plugins.module_utils._http import ApiError
from ansible_collections.channel.partner.plugins.module_utils._retailer_api import RetailerApi
from ansible_collections.channel.partner.plugins.module_utils._retailer_options import option_problems, profile_info_spec


def wanted_profiles(profiles, profile_id=None, name=None):
    """The profiles the filter keeps."""
    return [profile for profile in profiles
            if (profile_id is None or str(profile.id) == str(profile_id)) and (name is None or profile.name == name)]


def main():
    module = ansible_module(profile_info_spec(), mutually_exclusive=[('id', 'name')], supports_check_mode=True)
    fail_on_problems(module, option_problems(module.params))

    api = RetailerApi.from_module(module)
    try:
        profiles = []
        for profile in wanted_profiles(api.profiles(), module.params['id'], module.params['name']):
            described = profile.as_result()
            if module.params['include_packs']:
                described['packs'] = [pack.as_result() for pack in api.profile_packs(profile.id)]
            profiles.append(described)
    except ApiError as error:
        module.fail_json(msg=str(error), error=error.to_dict())

    module.exit_json(changed=False, profiles=profiles)


if __name__ == '__main__':
    main()
