# -*- coding: utf-8 -*-
# Copyright (c) channel.partner contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
name: live_services
short_description: The Prolateral My-Engine live services of a partner as inventory hosts
version_added: 1.0.0
description:
  - Reads the partner's live services with one C(GET /live_services) of the My-Engine Partner API and makes each one a host,
    named C(live_service_<id>) (for example C(live_service_1234931)) unless O(hostname) names it otherwise.
  - Every host is in the group C(live_services) and in one group for each of its product (C(product_outmail)), its tariff
    (C(tariff_Outmail500)), its client (C(client_9987600)) and its state (C(state_active) or C(state_suspended)). In these
    names every character other than an ASCII letter, a digit or C(_) becomes C(_).
  - The host variables are the fields of the live service, each under the prefix C(live_service_), so that no field the vendor
    sends can set an C(ansible_*) variable; C(live_service_id), C(live_service_client_id), C(live_service_product),
    C(live_service_tariff_service_name), C(live_service_regrade_servicenames), C(live_service_suspended),
    C(live_service_suspend_reason), C(live_service_whmcs_service_id), C(live_service_created), and any other field the vendor
    sends whose name is a plain identifier. C(live_service_state) is V(active) or V(suspended), the states of
    M(channel.partner.live_service). With O(include_clients), C(live_service_client) is the service's client.
  - C(live_service_id) is what O(channel.partner.live_service_regrade#module:live_service_id) and the other modules take, so a
    play over these hosts regrades each one's service with C(live_service_id="{{ live_service_id }}").
  - C(live_service_regrade_servicenames) is the list the vendor gave with the service; it may be empty where the vendor's list
    leaves the targets out. M(channel.partner.live_service_regrade) reads the service itself before it regrades.
  - Values from the vendor are data, never templates, in every host variable and in what O(compose) makes of them.
  - The inventory source is a YAML file whose name is C(live_services.yml) or ends in C(.live_services.yml) or
    C(.live_services.yaml), and whose O(plugin) is V(channel.partner.live_services).
  - The plugin only reads; it sends no write.
notes:
  - With O(cache), the answers of the Partner API are kept by the cache plugin (O(cache_plugin), for example
    V(ansible.builtin.jsonfile) with O(cache_connection)), so that a second run within O(cache_timeout) sends no request.
    The cache key is a hash of the connection (URL, partner ID and API key) and of the filter sent to the vendor; it holds no
    credential. C(ansible-playbook --flush-cache) (and, from ansible-core 2.19, C(ansible-inventory --flush-cache)) reads the API
    again.
  - The filters the vendor's search can apply (a single product, a single client) are sent to it; the others are applied to
    the list it returns. Every service the vendor returns is checked against all filters here as well.
author:
  - Channel Partner Maintainers (@channel-partner)
extends_documentation_fragment:
  - channel.partner.partner_api
  - channel.partner.transport
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin, which makes the file an inventory source of it.
    type: str
    required: true
    choices: [channel.partner.live_services]
  api_url:
    env:
      - name: MYENGINE_API_URL
  partner_id:
    env:
      - name: MYENGINE_PARTNER_ID
  api_key:
    env:
      - name: MYENGINE_API_KEY
  timeout:
    description:
      - The most seconds one HTTP request may take, from connecting to the last byte of the answer. At most 86400.
      - A read that times out is sent again, up to 4 attempts in all with short waits between them.
      - The list of live services (and of clients) is read up to 64 MiB, some 200,000 services; a larger answer is not read.
  products:
    description:
      - Only the live services of these products. All products when not set.
    type: list
    elements: str
    choices: [outmail, profilter, fakemx, backupmx, masterdns, backupdns]
  tariff_service_names:
    description:
      - Only the live services on these packages (tariffs), for example V(Outmail500). All packages when not set.
    type: list
    elements: str
  client_ids:
    description:
      - Only the live services of these My-Engine clients. All clients when not set.
    type: list
    elements: int
  include_suspended:
    description:
      - Also make hosts of suspended live services (in the group C(state_suspended)).
      - Off by default, so that a job over a group does not regrade, and charge credits for, a service its partner or the
        system suspended.
    type: bool
    default: false
  include_clients:
    description:
      - Also read the partner's clients (one more request, C(GET /clients)) and give each host the record of its client as
        C(live_service_client), the fields M(channel.partner.client_info) returns (C(id), C(external_userid), C(email),
        C(username), C(firstname), C(surname), C(enabled), ...); V(null) for a client the list does not have.
      - Off by default; the client records hold names and e-mail addresses, which an AWX inventory stores with the hosts.
    type: bool
    default: false
  hostname:
    description:
      - A Jinja2 template of the host name, with the host variables of the service, for example
        V({{ live_service_product }}_{{ live_service_whmcs_service_id }}).
      - When not set, C(live_service_<id>).
      - The inventory fails, naming both services, when the template gives two services the same name, and when it gives an
        empty name or one with a space or a comma.
    type: str
seealso:
  - module: channel.partner.live_service_regrade
    description: Regrades a live service; the regrade job of the guide runs it over a group of these hosts.
  - module: channel.partner.live_service_info
    description: Lists live services with their regrade targets and what each would cost.
'''

EXAMPLES = r'''
# live_services.yml: every active live service, with the connection from MYENGINE_API_URL, MYENGINE_PARTNER_ID and
# MYENGINE_API_KEY (AWX injects them from the Partner API credential type of this collection).
plugin: channel.partner.live_services

---
# outmail.live_services.yml: the outMail services of two clients, suspended ones included, named by the billing id.
plugin: channel.partner.live_services
products: [outmail]
client_ids: [9987600, 9987601]
include_suspended: true
hostname: "outmail_{{ live_service_whmcs_service_id }}"

---
# customers.live_services.yml: groups by your own customer id, and a group of the services that can grow, kept an hour.
plugin: channel.partner.live_services
include_clients: true
keyed_groups:
  - key: live_service_client.external_userid
    prefix: customer
    default_value: unknown
groups:
  can_upgrade: live_service_regrade_servicenames | length > 0
compose:
  billing_reference: "'WHMCS-' ~ live_service_whmcs_service_id"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /var/cache/ansible/live_services
cache_timeout: 3600
'''

import os

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.channel.partner.plugins.module_utils._argspec import PARTNER_REQUIRED_TEXT, connection_problem
from ansible_collections.channel.partner.plugins.module_utils._errors import mask
from ansible_collections.channel.partner.plugins.module_utils._http import HAS_REQUESTS, ApiError, missing_requests_message
from ansible_collections.channel.partner.plugins.module_utils._partner_api import PartnerApi
from ansible_collections.channel.partner.plugins.plugin_utils import _live_service_hosts as hosts

CONNECTION_OPTIONS = ('api_url', 'partner_id', 'api_key', 'timeout', 'validate_certs', 'ca_path', 'allow_plain_http')
FILTER_OPTIONS = ('products', 'tariff_service_names', 'client_ids', 'include_suspended')
SOURCE_SUFFIXES = ('.live_services.yml', '.live_services.yaml')
SOURCE_NAMES = ('live_services.yml', 'live_services.yaml')


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'channel.partner.live_services'

    def verify_file(self, path):
        name = str(path).replace('\\', '/').rsplit('/', 1)[-1]
        return super(InventoryModule, self).verify_file(path) and (name in SOURCE_NAMES or name.endswith(SOURCE_SUFFIXES))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_options(path)
        connection = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        filters, found = hosts.read_filters(dict((name, self.get_option(name)) for name in FILTER_OPTIONS))
        # Everything that would only earn an error from the vendor, or send a key where it must not go, is refused first.
        problem = connection_problem(connection, PARTNER_REQUIRED_TEXT)
        if problem or found:
            # The connection's problem comes last: its message ends in "nothing was sent", which holds for all of them.
            message = '; '.join(found + ([problem] if problem else []))
            raise AnsibleParserError('%s: %s' % (self.NAME, message if problem else message + '; nothing was sent'))
        answer = self._answer(connection, hosts.vendor_search(filters), self.get_option('include_clients'), cache)
        clients = hosts.clients_by_id(answer['clients'])
        self._add_hosts([service for service in answer['live_services'] if hosts.kept(service, filters)], clients)

    def _read_options(self, path):
        try:
            self._read_config_data(path)
        except AnsibleError as error:
            # Ansible's own message would quote a key given as a list, and name neither the environment variable of a
            # missing credential nor the products a misspelt one could be: the source as written says what is wrong.
            source = self._source_as_written(path)
            found = hosts.source_problems(source, os.environ)
            if found:
                raise AnsibleParserError('%s: %s; nothing was sent' % (self.NAME, '; '.join(found))) from None
            raise AnsibleParserError(mask(str(error), hosts.source_secrets(source, os.environ))) from None

    def _source_as_written(self, path):
        try:
            return self.loader.load_from_file(path)
        except Exception:  # pylint: disable=broad-except
            # A file Ansible could not read either: its own message (already raised) says why.
            return None

    def _answer(self, connection, search, include_clients, cache):
        """What the API answered: from the cache when it is on and holds it, else read (and kept when the cache is on).

        ``cache`` is False for ``--flush-cache`` and ``meta: refresh_inventory``: the API is read and the cache refreshed.
        """
        key = hosts.cache_key(self.NAME, connection, search, include_clients)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        answer = None
        if use_cache:
            try:
                answer = hosts.cached_answer(self._cache[key])
            except KeyError:
                answer = None
            update_cache = answer is None
        if answer is None:
            answer = self._read(connection, search, include_clients)
        if update_cache:
            self._cache[key] = answer
        return answer

    def _read(self, connection, search, include_clients):
        if not HAS_REQUESTS:
            raise AnsibleParserError('%s: %s' % (self.NAME, missing_requests_message()))
        try:
            api = PartnerApi(**connection)
        except ApiError as error:
            # A URL refused before any request (credentials in it, plain http:// to a host that is not loopback).
            raise AnsibleParserError('%s: %s' % (self.NAME, error)) from None
        try:
            services = api.live_services(**search)
        except ApiError as error:
            # The message is the API's, scrubbed of every form of the key; the exception itself is not chained, so that a
            # traceback at -vvv shows no more than the message.
            raise AnsibleParserError('%s: reading the live services failed: %s' % (self.NAME, error)) from None
        clients = None
        if include_clients:
            try:
                clients = api.clients()
            except ApiError as error:
                raise AnsibleParserError('%s: reading the clients failed (include_clients is on): %s' % (self.NAME, error)) from None
        return hosts.answer_to_cache(services, clients)

    def _add_hosts(self, services, clients):
        """One host per service. Every name is made and checked before the first host is added, so that a source that
        fails adds no host at all (Ansible keeps what a failed source added)."""
        named, hosts_to_add = {}, []
        for service in services:
            # Wrapped, so that a vendor's text is never rendered as a template, in the host variables or in compose.
            variables = wrap_var(hosts.host_variables(service, clients))
            hostname = self._hostname(service, variables)
            if hostname in named:
                raise AnsibleParserError('%s: %s' % (self.NAME, self._same_name(named[hostname], service['id'], hostname)))
            named[hostname] = service['id']
            hosts_to_add.append((hostname, service, variables))
        strict = self.get_option('strict')
        for hostname, service, variables in hosts_to_add:
            self.inventory.add_host(hostname)
            for group in hosts.builtin_groups(service):
                self.inventory.add_group(group)
                self.inventory.add_child(group, hostname)
            for name, value in variables.items():
                self.inventory.set_variable(hostname, name, value)
            self._set_composite_vars(self.get_option('compose'), variables, hostname, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, hostname, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, hostname, strict=strict)

    def _same_name(self, first, second, hostname):
        if str(first) == str(second):
            # Not left to chance (the first or the last of two records?): an answer that contradicts itself is refused.
            return 'the vendor listed live service %s twice; no inventory is made of a list that contradicts itself' % first
        return ('the hostname option names live services %s and %s both %s; a host is one service, so the template must tell '
                'them apart (add live_service_id to it)' % (first, second, hostname))

    def _hostname(self, service, variables):
        template = self.get_option('hostname')
        if not template:
            return hosts.default_hostname(service)
        self.templar.available_variables = variables
        try:
            name = self.templar.template(template)
        except Exception as error:  # pylint: disable=broad-except
            # Any failure of the user's template (an undefined variable, a filter that raises) is named with its service.
            raise AnsibleParserError('%s: the hostname template %r failed for live service %s: %s'
                                     % (self.NAME, template, service['id'], error)) from None
        problem = hosts.hostname_problem(name, service)
        if problem:
            raise AnsibleParserError('%s: %s' % (self.NAME, problem))
        return name
