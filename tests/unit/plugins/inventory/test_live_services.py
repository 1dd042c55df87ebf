# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The channel.partner.live_services inventory plugin, in-process against the emulator over real HTTP: hosts, groups,
variables, filters, clients, compose and keyed groups, host names, and the documentation's examples.

Every test asserts on what a playbook would see and on the emulator's request log (tests/inventory_parse.py).
"""

import sys

import pytest
import yaml

from emulator_fixture import default_state, partner_calls
from inventory_parse import PLUGIN, cached_source, failure, hosts_of, ids_of, parse, plugin, service_vars, source

SERVICES = dict((service['id'], service) for service in default_state()['live_services'])
ACTIVE = sorted(service_id for service_id, service in SERVICES.items() if not service['suspended'])


# Hosts, groups, variables

def test_every_active_service_is_a_host_with_its_fields_read_in_one_request(partner_environment, tmp_path):
    inventory = parse(source(tmp_path))

    assert hosts_of(inventory) == ['live_service_%d' % service_id for service_id in ACTIVE]
    assert service_vars(inventory, 'live_service_1234931') == {
        'live_service_id': 1234931,
        'live_service_client_id': 9987600,
        'live_service_product': 'outmail',
        'live_service_tariff_service_name': 'Outmail500',
        'live_service_regrade_servicenames': ['Outmail100', 'Outmail1000', 'Outmail5000', 'Outmail25000'],
        'live_service_suspended': False,
        'live_service_suspend_reason': None,
        'live_service_whmcs_service_id': '501',
        'live_service_created': '2024-03-06 10:00:00',
        'live_service_state': 'active',
    }
    assert partner_calls(partner_environment) == [('GET', '/live_services')]
    assert partner_environment.requests()[0]['query'] == {}
    assert partner_environment.writes() == []


def test_the_builtin_groups_are_by_product_tariff_client_and_state(partner_environment, tmp_path):
    inventory = parse(source(tmp_path, include_suspended=True))

    assert ids_of(inventory, 'live_services') == sorted(SERVICES)
    for service_id, service in SERVICES.items():
        name = 'live_service_%d' % service_id
        assert set(group.name for group in inventory.hosts[name].get_groups()) == {
            'live_services', 'product_' + service['product'], 'tariff_' + service['tariff_service_name'],
            'client_%d' % service['client_id'], 'state_suspended' if service['suspended'] else 'state_active'}
    assert ids_of(inventory, 'product_outmail') == [1234931, 1234933, 1234934, 1234939]
    assert ids_of(inventory, 'tariff_Outmail500') == [1234931]
    assert ids_of(inventory, 'client_9987602') == [1234936, 1234937, 1234938, 1234939]
    assert ids_of(inventory, 'state_suspended') == [1234938, 1234939]
    assert service_vars(inventory, 'live_service_1234939')['live_service_state'] == 'suspended'


def test_group_names_keep_only_letters_digits_and_underscores(partner_environment, tmp_path):
    with partner_environment.edit_state() as state:
        state['live_services'][0]['product'] = 'outmail'
        state['tariffs'].append({'service_name': 'Out-mail 2.0', 'product': 'outmail', 'credits': 1, 'regrade_to': []})
        state['live_services'][0]['tariff_service_name'] = 'Out-mail 2.0'

    inventory = parse(source(tmp_path))

    assert ids_of(inventory, 'tariff_Out_mail_2_0') == [1234931]
    assert service_vars(inventory, 'live_service_1234931')['live_service_tariff_service_name'] == 'Out-mail 2.0'


# Filters

@pytest.mark.parametrize('options, wanted, search', [
    ({'products': ['outmail']}, [1234931, 1234933, 1234934], "('product':'outmail')"),
    ({'products': ['outmail'], 'client_ids': [9987601]}, [1234933, 1234934], "('client_id':'9987601','product':'outmail')"),
    ({'client_ids': ['9987600']}, [1234931, 1234932], "('client_id':'9987600')"),
    ({'products': ['fakemx', 'backupmx']}, [1234935, 1234936], None),
    ({'client_ids': [9987600, 9987602]}, [1234931, 1234932, 1234936, 1234937], None),
    ({'tariff_service_names': ['Outmail100', 'BackupMX10']}, [1234933, 1234936], None),
    ({'products': ['outmail'], 'include_suspended': True}, [1234931, 1234933, 1234934, 1234939], "('product':'outmail')"),
    ({'client_ids': [9987603]}, [], "('client_id':'9987603')"),
])
def test_filters_send_what_the_vendor_search_can_do_and_apply_the_rest(partner_environment, tmp_path, options, wanted, search):
    inventory = parse(source(tmp_path, **options))

    assert ids_of(inventory) == wanted
    assert [entry['query'].get('search') for entry in partner_environment.requests()] == [search]


@pytest.mark.parametrize('switches', [
    {'search_filter': 'ignored'},
    {'regrade_servicenames_format': 'csv'},
    {'regrade_servicenames_field': 'regarde_servicenames'},
])
def test_the_vendor_variants_make_the_same_inventory(partner_environment, tmp_path, switches):
    options = {'products': ['outmail'], 'client_ids': [9987601]}
    expected = parse(source(tmp_path, **options))
    partner_environment.configure(**switches)

    inventory = parse(source(tmp_path, **options))

    assert hosts_of(inventory) == hosts_of(expected) == ['live_service_1234933', 'live_service_1234934']
    for name in hosts_of(inventory):
        assert service_vars(inventory, name) == service_vars(expected, name)


# Clients

def test_include_clients_reads_the_clients_once_and_gives_each_host_its_client(partner_environment, tmp_path):
    inventory = parse(source(tmp_path, include_clients=True, keyed_groups=[
        {'key': 'live_service_client.external_userid', 'prefix': 'customer'}]))

    client = service_vars(inventory, 'live_service_1234933')['live_service_client']
    assert (client['id'], client['external_userid'], client['email'], client['enabled']) == (9987601, '123457', 'jane@example.net', True)
    assert ids_of(inventory, 'customer_123457') == [1234933, 1234934, 1234935]
    assert partner_calls(partner_environment) == [('GET', '/live_services'), ('GET', '/clients')]


def test_without_include_clients_no_client_is_read(partner_environment, tmp_path):
    inventory = parse(source(tmp_path))

    assert 'live_service_client' not in service_vars(inventory, 'live_service_1234933')
    assert ('GET', '/clients') not in partner_calls(partner_environment)


def test_a_client_the_list_does_not_have_is_null_and_takes_the_default_group(partner_environment, tmp_path):
    with partner_environment.edit_state() as state:
        state['clients'] = [client for client in state['clients'] if client['id'] != 9987600]

    inventory = parse(source(tmp_path, include_clients=True, keyed_groups=[
        {'key': 'live_service_client.external_userid | default(None)', 'prefix': 'customer', 'default_value': 'unknown'}]))

    assert service_vars(inventory, 'live_service_1234931')['live_service_client'] is None
    assert ids_of(inventory, 'customer_unknown') == [1234931, 1234932]


# compose, groups, keyed_groups, strict, hostname

def test_compose_groups_and_keyed_groups_work_on_the_host_variables(partner_environment, tmp_path):
    inventory = parse(source(
        tmp_path,
        compose={'billing_reference': "'WHMCS-' ~ live_service_whmcs_service_id", 'ansible_connection': "'local'"},
        groups={'can_be_upgraded': 'live_service_regrade_servicenames | length > 0 and live_service_product == "outmail"'},
        keyed_groups=[{'key': 'live_service_product', 'prefix': 'sold'}, {'key': 'live_service_tariff_service_name'}],
        leading_separator=False,
    ))

    variables = inventory.hosts['live_service_1234931'].vars
    assert (variables['billing_reference'], variables['ansible_connection']) == ('WHMCS-501', 'local')
    assert ids_of(inventory, 'can_be_upgraded') == [1234931, 1234933, 1234934]
    assert ids_of(inventory, 'sold_outmail') == [1234931, 1234933, 1234934]
    # No prefix and leading_separator false: the group is the bare value, without the separator in front.
    assert ids_of(inventory, 'Outmail500') == [1234931]
    assert '_Outmail500' not in inventory.groups


def test_strict_false_skips_a_compose_that_fails_strict_true_names_it(partner_environment, tmp_path):
    compose = {'missing': 'no_such_variable ~ "x"', 'fine': 'live_service_id'}

    inventory = parse(source(tmp_path, compose=compose))
    assert 'missing' not in inventory.hosts['live_service_1234931'].vars
    assert inventory.hosts['live_service_1234931'].vars['fine'] == 1234931

    message = failure(source(tmp_path, compose=compose, strict=True))
    assert 'Could not set missing for host live_service_' in message


def test_the_hostname_template_names_the_hosts(partner_environment, tmp_path):
    inventory = parse(source(tmp_path, hostname='{{ live_service_product }}_{{ live_service_whmcs_service_id }}'))

    assert hosts_of(inventory) == sorted(['outmail_501', 'profilter_502', 'outmail_503', 'outmail_504', 'fakemx_505',
                                          'backupmx_506', 'masterdns_507'])
    assert inventory.hosts['outmail_503'].vars['live_service_id'] == 1234933


@pytest.mark.parametrize('template, words', [
    ('{{ live_service_product }}', 'the hostname option names live services 1234931 and 1234933 both outmail'),
    ('{{ live_service_product }} {{ live_service_id }}', "made 'outmail 1234931' of live service 1234931; a hostname must not hold spaces"),
    ('{{ live_service_suspend_reason | default("", true) }}', "made '' of live service 1234931; a hostname must be a non-empty text"),
    ('{{ no_such_variable }}', 'the hostname template'),
])
def test_a_hostname_template_that_cannot_name_every_service_fails_clearly(partner_environment, tmp_path, template, words):
    message = failure(source(tmp_path, hostname=template))

    assert words in message
    assert message.startswith(PLUGIN + ': ')


def playbook_templar(variables):
    """A templar over ``variables``, and how a playbook's own (trusted) template is made for it."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    return Templar(loader=DataLoader(), variables=variables)


def playbook_template(text):
    try:
        from ansible.template import trust_as_template
    except ImportError:
        # Before ansible-core 2.19 every text was a template unless marked unsafe.
        return text
    return trust_as_template(text)


@pytest.mark.parametrize('from_cache', [False, True])
def test_what_the_vendor_sends_is_never_rendered_as_a_template(partner_environment, tmp_path, from_cache):
    marker = tmp_path / 'rendered'
    with partner_environment.edit_state() as state:
        state['live_services'][0]['whmcs_service_id'] = '{{ 7 * 7 }}'
        state['live_services'][0]['created'] = "{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % marker
    options = dict(compose={'billing_reference': "'WHMCS-' ~ live_service_whmcs_service_id"},
                   keyed_groups=[{'key': 'live_service_whmcs_service_id', 'prefix': 'w'}])
    path = cached_source(tmp_path, **options) if from_cache else source(tmp_path, **options)
    if from_cache:
        parse(path)
        partner_environment.clear_requests()

    inventory = parse(path)

    variables = inventory.hosts['live_service_1234931'].vars
    assert variables['billing_reference'] == 'WHMCS-{{ 7 * 7 }}'
    templar = playbook_templar(variables)
    # As a playbook's own template (trusted) that uses the variables.
    assert templar.template(playbook_template('{{ live_service_whmcs_service_id }}')) == '{{ 7 * 7 }}'
    assert templar.template(playbook_template('{{ live_service_created }}')).startswith('{{ lookup(')
    assert 'w____7___7___' in inventory.groups
    assert not marker.exists()
    if from_cache:
        assert partner_environment.requests() == []


def test_the_inventory_manager_picks_the_source_by_its_name(partner_environment, tmp_path):
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader

    manager = InventoryManager(loader=DataLoader(), sources=[str(source(tmp_path, 'estate.live_services.yaml'))])

    assert sorted(host.name for host in manager.get_hosts('tariff_Outmail100')) == ['live_service_1234933']
    assert manager.get_host('live_service_1234933').vars['live_service_id'] == 1234933


@pytest.mark.parametrize('name, accepted', [
    ('estate.live_services.yml', True),
    ('estate.live_services.yaml', True),
    ('live_services.yml', True),
    ('live_services.yaml', True),
    ('estate.yml', False),
    ('my_live_services.yml', False),
    ('estate.live_services.json', False),
])
def test_verify_file_accepts_the_documented_names(tmp_path, name, accepted):
    path = source(tmp_path, name)

    assert plugin().verify_file(str(path)) is accepted


def test_a_file_that_does_not_exist_is_not_accepted(tmp_path):
    assert plugin().verify_file(str(tmp_path / 'missing.live_services.yml')) is False


# The documentation's examples

def test_every_example_source_makes_an_inventory(partner_environment, tmp_path):
    plugin_module = sys.modules[type(plugin()).__module__]
    examples = list(yaml.safe_load_all(plugin_module.EXAMPLES))
    assert len(examples) == 3
    made = []
    for position, example in enumerate(examples):
        if 'cache_connection' in example:
            example['cache_connection'] = str(tmp_path / 'cache')
        made.append(parse(source(tmp_path, 'example%d.live_services.yml' % position, **example)))

    assert ids_of(made[0]) == ACTIVE
    assert hosts_of(made[1]) == ['outmail_501', 'outmail_503', 'outmail_504']
    assert ids_of(made[2], 'customer_123458') == [1234936, 1234937]
    assert ids_of(made[2], 'can_upgrade') == ACTIVE
    assert made[2].hosts['live_service_1234931'].vars['billing_reference'] == 'WHMCS-501'
