# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan report says what the run does, observed from the vendor: real ansible-playbook runs against the emulator.

The property test generates random mixes of tasks of every module and role of the collection
(single and bulk forms, loops, tasks with ``check_mode: true``, tasks that fail, profile changes
that drop packs) over random start states, and runs each mix three times with the plan callback:
``--check --diff``, for real, and again. The emulator's request log says which task sent each
request (the ``emulator_labels`` test callback tells it the task that runs), so every figure of
the reports is compared with what the emulator received and holds.
"""

import json
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from emulator_fixture import account_in, default_state, profile_in
from playbook import run_playbook
from role_runs import PLAN

CALLBACKS = 'record_results,emulator_labels,channel.partner.plan'
EXAMPLES = int(os.environ.get('CHANNEL_PARTNER_PLAN_EXAMPLES', '18'))
FIXTURE = default_state()
BALANCE = 200
# Every service that can be regraded, by product; the 125-credit package is left out so that no mix runs out of credits.
SERVICES = dict((service['id'], service['product']) for service in FIXTURE['live_services'] if not service['suspended'])
TARIFFS = dict((product, [tariff['service_name'] for tariff in FIXTURE['tariffs']
                          if tariff['product'] == product and tariff['credits'] < 100]) for product in set(SERVICES.values()))
ACCOUNTS = dict((account['IdAccount'], account['ExternalUserId']) for account in FIXTURE['retailer']['accounts'])
PROFILES = [profile['Id'] for profile in FIXTURE['retailer']['profiles']]
# The tasks that run in check mode whatever the run: the role's own pricing, and the generated ones.
ROLE_PREVIEWS = ('Price every regrade of the plan (reads only)',)


def plan_run(emu, work_dir, tasks, check, plan_path):
    environment = dict(emu.connection_environment(), ANSIBLE_CALLBACKS_ENABLED=CALLBACKS,
                       CHANNEL_PARTNER_PLAN_PATH=str(plan_path), CHANNEL_PARTNER_PLAN_PRINT_SUMMARY='false')
    run = run_playbook(work_dir, tasks, check=check, diff=True, environment=environment)
    assert run.rc == 0, run.stdout + run.stderr
    return run, json.loads(plan_path.with_suffix('.json').read_text())


def fields_now(state, resource):
    """The managed fields of a resource as the emulator holds it, in the shape of a plan's before/after."""
    kind, _slash, ids = resource.partition('/')
    if kind == 'live_service':
        service = [entry for entry in state['live_services'] if str(entry['id']) == ids][0]
        return {'tariff_service_name': service['tariff_service_name']}
    if kind == 'retailer_account':
        account = account_by_key(state, ids)
        if account is None:
            return {'state': 'absent', 'profile_id': None}
        return {'state': 'enabled' if account['Code'] == 0 else 'disabled', 'profile_id': account['IdProfile']}
    account_key, pack_id = ids.rsplit('/', 1)
    packs = dict((pack['Id'], pack['Quantity']) for pack in (account_by_key(state, account_key) or {}).get('ActivePacks', []))
    pack_id = int(pack_id)
    return {'quantity': packs.get(pack_id, 0)}


def account_by_key(state, key):
    """The account a plan names: by its id, or by its ExternalUserId when the task creates it."""
    if key.startswith('ExternalUserId='):
        found = [entry for entry in state['retailer']['accounts'] if entry.get('ExternalUserId') == key.split('=', 1)[1]]
        return found[0] if found else None
    return account_in(state, int(key))


def comparable(entry):
    return (entry['task'], entry['item'] or '', entry['resource'] or '', entry['action'] or '', json.dumps(entry['before'], sort_keys=True),
            json.dumps(entry['after'], sort_keys=True), entry['credits'])


def writes_by_task(log):
    counts = {}
    for entry in log:
        if entry['method'] not in ('GET', 'HEAD') and entry['api'] != 'oauth':
            counts[entry['label']] = counts.get(entry['label'], 0) + 1
    return counts


# The generator


def module_task(name, module, check_mode, **options):
    task = {'name': name, 'channel.partner.' + module: options, 'ignore_errors': True}
    if check_mode:
        task['check_mode'] = True
    return task


def role_task(name, role, role_vars):
    return {'name': name, 'ansible.builtin.include_role': {'name': 'channel.partner.' + role}, 'vars': role_vars}


def limits_of(profile_id):
    return dict((pack['Id'], (pack['Min'], pack['Max'])) for pack in profile_in(FIXTURE, profile_id)['Packs'])


@st.composite
def pack_totals(draw, profile_id, size, overshoot):
    """(pack id, total) of ``size`` packs of a profile, within its limits (one above them when ``overshoot``)."""
    limits = limits_of(profile_id)
    chosen = draw(st.lists(st.sampled_from(sorted(limits)), min_size=size, max_size=size, unique=True))
    totals = []
    for position, pack_id in enumerate(chosen):
        low, high = limits[pack_id]
        totals.append((pack_id, high + 1 if overshoot and position == 0 else draw(st.integers(low, high))))
    return totals


@st.composite
def mixes(draw):
    """(start state, tasks, the names of the tasks that always run in check mode)."""
    state = default_state()
    state['partner']['partner_credits'] = BALANCE
    for service in state['live_services']:
        if service['id'] in SERVICES:
            service['tariff_service_name'] = draw(st.sampled_from(TARIFFS[service['product']]))
    for account in state['retailer']['accounts']:
        account['Code'] = draw(st.sampled_from([0, 1]))
        limits = limits_of(account['IdProfile'])
        for pack in account['ActivePacks']:
            low, high = limits.get(pack['Id'], (0, 0))
            pack['Quantity'] = pack['CurrentQuantity'] = draw(st.integers(low, high))

    services = draw(st.permutations(sorted(SERVICES)))
    accounts = draw(st.permutations(sorted(ACCOUNTS)))
    kinds = draw(st.lists(st.sampled_from(['regrade', 'regrade_bulk', 'account', 'pack', 'pack_loop', 'pack_bulk', 'info',
                                           'plan_role', 'onboard_role', 'account_create']), min_size=3, max_size=6))
    tasks, previews, used_roles = [], set(ROLE_PREVIEWS), set()
    for number, kind in enumerate(kinds, 1):
        check_mode = draw(st.integers(0, 3)) == 0
        name = 't%d %s' % (number, kind)

        def target(service_id):
            # Now and then a package of another product: refused before any write.
            if draw(st.integers(0, 5)) == 0:
                return 'Profilter10' if SERVICES[service_id] != 'profilter' else 'Outmail100'
            return draw(st.sampled_from(TARIFFS[SERVICES[service_id]]))

        if kind == 'regrade' and services:
            service_id = services.pop()
            tasks.append(module_task(name, 'live_service_regrade', check_mode, live_service_id=service_id, tariff_service_name=target(service_id)))
        elif kind == 'regrade_bulk' and len(services) >= 2:
            chosen = (services.pop(), services.pop())
            items = [{'live_service_id': service_id, 'tariff_service_name': target(service_id)} for service_id in chosen]
            tasks.append(module_task(name, 'live_service_regrade', check_mode, services=items))
        elif kind == 'plan_role' and len(services) >= 2 and 'plan' not in used_roles:
            used_roles.add('plan')
            plan = [{'live_service_id': service_id, 'tariff_service_name': draw(st.sampled_from(TARIFFS[SERVICES[service_id]]))}
                    for service_id in (services.pop(), services.pop())]
            tasks.append(role_task(name, 'live_service_plan', {'live_service_plan_services': plan}))
            continue
        elif kind in ('account', 'onboard_role') and accounts and (kind == 'account' or 'onboard' not in used_roles):
            account_id = accounts.pop()
            current = account_in(state, account_id)['IdProfile']
            profile = draw(st.one_of(st.none(), st.sampled_from(PROFILES)))
            packs = draw(pack_totals(profile or current, draw(st.integers(0, 2)), False))
            packs = [{'pack_id': pack_id, 'quantity': quantity} for pack_id, quantity in packs]
            if kind == 'onboard_role':
                used_roles.add('onboard')
                tasks.append(role_task(name, 'retailer_onboard', {
                    'retailer_onboard_account_id': account_id, 'retailer_onboard_external_user_id': ACCOUNTS[account_id],
                    'retailer_onboard_state': draw(st.sampled_from(['enabled', 'disabled'])),
                    'retailer_onboard_profile': str(profile or ''), 'retailer_onboard_packs': packs,
                    'retailer_onboard_accept_pack_loss': True, 'retailer_onboard_poll_interval': 0.05}))
                continue
            options = {'account_id': account_id, 'external_user_id': ACCOUNTS[account_id], 'poll_interval': 0.05,
                       'state': draw(st.sampled_from(['enabled', 'disabled'])), 'accept_pack_loss': draw(st.booleans())}
            if profile is not None:
                options['profile'] = str(profile)
            if packs:
                options['packs'] = packs
            tasks.append(module_task(name, 'retailer_account', check_mode, **options))
        elif kind == 'account_create':
            # A new customer's account, created on a profile with packs, found again by its ExternalUserId.
            profile = draw(st.sampled_from(PROFILES))
            options = {'external_user_id': 'cust-mix-%d' % number, 'state': 'present', 'profile': str(profile), 'poll_interval': 0.05,
                       'packs': [{'pack_id': pack_id, 'quantity': quantity}
                                 for pack_id, quantity in draw(pack_totals(profile, draw(st.integers(0, 2)), draw(st.integers(0, 4)) == 0))]}
            enabled = draw(st.sampled_from([None, True, False]))
            if enabled is not None:
                options['enabled'] = enabled
            tasks.append(module_task(name, 'retailer_account', check_mode, **options))
        elif kind in ('pack', 'pack_loop', 'pack_bulk') and accounts:
            account_id = accounts.pop()
            profile_id = account_in(state, account_id)['IdProfile']
            overshoot = draw(st.integers(0, 4)) == 0
            totals = draw(pack_totals(profile_id, 1 if kind == 'pack' else 2, overshoot))
            connection = {'account_id': account_id, 'external_user_id': ACCOUNTS[account_id]}
            if kind == 'pack':
                tasks.append(module_task(name, 'retailer_pack', check_mode, pack_id=totals[0][0], quantity=totals[0][1], **connection))
            elif kind == 'pack_bulk':
                tasks.append(module_task(name, 'retailer_pack', check_mode, packs=[{'pack_id': pack_id, 'quantity': quantity}
                                                                                   for pack_id, quantity in totals], **connection))
            else:
                task = module_task(name, 'retailer_pack', check_mode, pack_id='{{ item.pack }}', quantity='{{ item.quantity }}', **connection)
                task.update(loop=[{'pack': pack_id, 'quantity': quantity} for pack_id, quantity in totals],
                            loop_control={'label': 'pack {{ item.pack }}'})
                tasks.append(task)
        else:
            tasks.append(module_task(name, draw(st.sampled_from(['live_service_info', 'retailer_profile_info'])), check_mode))
        if check_mode:
            previews.add(name)
    return state, tasks, previews


SLOW_EXAMPLES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_EXAMPLES)
@given(mix=mixes())
def test_property_preview_real_run_and_rerun_say_what_the_emulator_saw(emulator, tmp_path_factory, mix):
    start, tasks, previews = mix
    work = tmp_path_factory.mktemp('mix')
    emulator.reset()
    emulator.load_state(start)
    emulator.clear_requests()

    preview_run, preview = plan_run(emulator, work / 'preview', tasks, True, work / 'preview-plan')
    assert emulator.writes() == [] and emulator.snapshot() == start
    emulator.clear_requests()
    real_run, real = plan_run(emulator, work / 'real', tasks, False, work / 'real-plan')
    log, after = emulator.requests(), emulator.snapshot()

    # The preview's plan is the real run's: the same resources, before and after, credits, refusals; previews apart.
    assert sorted(map(comparable, preview['changes'])) == sorted(map(comparable, real['changes']))
    assert sorted(map(comparable, preview['predictions'])) == sorted(map(comparable, real['predictions']))
    assert sorted(map(comparable, preview['unchanged'])) == sorted(map(comparable, real['unchanged']))
    assert sorted((entry['task'], entry['resource'] or '', entry['message']) for entry in preview['failures']) == \
        sorted((entry['task'], entry['resource'] or '', entry['message']) for entry in real['failures'])
    for key in ('changes', 'changes_by_action', 'credits', 'balance_before', 'balance_after', 'predictions'):
        assert preview['totals'][key] == real['totals'][key], key

    # The real run's plan is what the emulator holds and received.
    written = writes_by_task(log)
    for entry in real['changes'] + real['unchanged']:
        assert fields_now(after, entry['resource']) == entry['after'], entry
    for entry in real['changes']:
        assert written.get(entry['task']), 'the plan lists a change the emulator never received: %r' % (entry,)
    charged = start['partner']['partner_credits'] - after['partner']['partner_credits']
    if real['totals']['credits_charged'] is not None:
        assert real['totals']['credits_charged'] == charged == real['totals']['credits']
        assert real['totals']['balance_after_observed'] == after['partner']['partner_credits']
    else:
        assert charged == 0
    for entry in real['predictions']:
        assert not written.get(entry['task']), entry
    # Every task is changed exactly when the emulator received a write from it; a preview sends none.
    for entry in real_run.tasks:
        if not str(entry['action']).startswith('channel.partner.'):
            continue
        if entry['task'] in previews:
            assert not written.get(entry['task']), entry
        else:
            assert bool(entry['result'].get('changed')) == bool(written.get(entry['task'])), (entry, written)

    # The third run changes nothing and sends no write.
    emulator.clear_requests()
    again_run, again = plan_run(emulator, work / 'again', tasks, False, work / 'again-plan')
    assert emulator.writes() == [] and again['changes'] == []
    assert not [entry['task'] for entry in again_run.tasks
                if str(entry['action']).startswith('channel.partner.') and entry['task'] not in previews and entry['result'].get('changed')]


def test_a_live_service_plan_run_counts_its_regrades_once(emulator, tmp_path):
    # The role prices every regrade with check_mode: true, then regrades: a preview and a change of each service.
    tasks = [role_task('plan', 'live_service_plan', {'live_service_plan_services': PLAN})]
    for check in (True, False):
        _run, plan = plan_run(emulator, tmp_path / str(check), tasks, check, tmp_path / ('plan-%s' % check))
        assert (plan['totals']['changes'], plan['totals']['credits'], plan['totals']['predictions']) == (3, 14, 3)
        assert plan['warnings'] == []
    assert (plan['totals']['credits_charged'], plan['totals']['balance_after_observed']) == (14, 86)
    assert emulator.snapshot()['partner']['partner_credits'] == 86


def test_the_onboard_preview_lists_every_pack_change(emulator, tmp_path):
    tasks = [role_task('onboard', 'retailer_onboard', {
        'retailer_onboard_account_id': 23054, 'retailer_onboard_external_user_id': 'cust-23054', 'retailer_onboard_profile': 'Economy',
        'retailer_onboard_poll_interval': 0.05, 'retailer_onboard_packs': [{'pack_id': 534, 'quantity': 4}, {'pack_name': 'SMS 100', 'quantity': 2}]})]
    _run, preview = plan_run(emulator, tmp_path / 'preview', tasks, True, tmp_path / 'preview')
    _run, real = plan_run(emulator, tmp_path / 'real', tasks, False, tmp_path / 'real')
    assert [entry['resource'] for entry in preview['changes']] == [entry['resource'] for entry in real['changes']] == [
        'retailer_account/23054', 'retailer_pack/23054/534', 'retailer_pack/23054/536']


def test_a_task_that_wrote_and_then_failed_is_in_the_report_with_what_it_wrote(emulator, tmp_path):
    emulator.configure(profile_change_outcome='fail')
    tasks = [module_task('enable and move', 'retailer_account', False, account_id=23054, external_user_id='cust-23054', profile='1047',
                         poll_interval=0.05)]
    run, plan = plan_run(emulator, tmp_path, tasks, False, tmp_path / 'plan')
    assert run.tasks[0]['result']['changed'] is True
    assert plan['failures'][0]['writes_done'] == ['enabled the account 23054'] and plan['totals']['partial_failures'] == 1
    assert "'enable and move' failed after it wrote: enabled the account 23054." in plan['warnings']
