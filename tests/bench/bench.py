"""Benchmark of channel.partner against the emulator: requests per task, time per task, scale.

    make bench                                  # the full run (about 50 minutes on 2 busy cores; see docs/docsite/rst/performance.rst)
    BENCH_LATENCY=0.1 make bench                # the rows at scale with 100 ms of latency instead of 50 ms
    .venv/bin/python tests/bench/bench.py --services 100 --repeat 4 --runs 2   # a quick run
    .venv/bin/python tests/bench/bench.py --json /tmp/bench.json

1. Requests per task: every scenario runs once as a playbook task; the emulator's request
   log, split at the task boundaries, gives the requests each task sent (OAuth token POSTs
   apart from the API calls).
2. Time per task against ansible.builtin.uri: the same task repeated in one playbook, and a
   playbook of uri tasks sending the same raw requests (one uri task per request, token POST
   included), in alternating runs; time per task from the callback's task-start timestamps.
3. Scale: N live services regraded, and N suspended, by a loop of per-item tasks and by one bulk
   task; and a bulk pack task with the emulator's rate limit on, its achieved call rate and its 429s.
4. A customer's life through the roles (bench_life.py).
5. At scale with latency (bench_scale.py): 1,000 and 10,000 services regraded in one task, sequential and with the
   default concurrency, and the audit of 1,000 accounts and 10,000 services, each against its floor.

Prints plain-text tables; ``--json PATH`` also writes every figure.
"""

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# The benchmark's own modules, and the test helpers (emulator, emulator_fixture, playbook) they use.
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from bench_fixture import (  # noqa: E402 pylint: disable=wrong-import-position
    BENCH_ACCOUNT_ID, BENCH_EXTERNAL_USER_ID, BENCH_TARGET, bench_pack_ids, bench_service_ids, write_fixture)
from bench_run import PlaybookRunner, TESTS, count_requests, environment_summary, format_counts  # noqa: E402 pylint: disable=wrong-import-position
from bench_scenarios import SCENARIOS, group_of, uri_tasks  # noqa: E402 pylint: disable=wrong-import-position
import bench_life  # noqa: E402 pylint: disable=wrong-import-position
import bench_scale  # noqa: E402 pylint: disable=wrong-import-position
import bench_startup  # noqa: E402 pylint: disable=wrong-import-position

from emulator import Emulator  # noqa: E402 pylint: disable=wrong-import-position

REPO = TESTS.parent
RATIO_TARGET = 1.10
SPEEDUP_TARGET = 20.0
PACING_TARGET = 0.90


class BenchFailure(RuntimeError):
    """A measured task did not do what the benchmark expects, so its figures would mean nothing."""


def module_has_option(module, option):
    """Whether the module documents ``option``, in its own DOCUMENTATION or in a doc fragment it extends."""
    module_text = (REPO / 'plugins' / 'modules' / (module + '.py')).read_text(encoding='utf-8')
    sources = [REPO / 'plugins' / 'modules' / (module + '.py')]
    sources += [REPO / 'plugins' / 'doc_fragments' / (name + '.py')
                for name in sorted(set(re.findall(r'^  - channel\.partner\.(\w+)', module_text, re.MULTILINE)))]
    for source in (source for source in sources if source.exists()):
        text = source.read_text(encoding='utf-8')
        if re.search(r'^  %s:\s*$' % re.escape(option), text, re.MULTILINE):
            return True
    return False


def requests_between(log, start, end):
    return [entry for entry in log if start <= entry['time'] < end]


def require_ok(run, what):
    if run.returncode != 0 or run.failures():
        raise BenchFailure('%s failed (exit %d):\n%s' % (what, run.returncode, run.output[-4000:]))


# 1. Requests per task

def probe(runner, emulator):
    """Run every variant of every scenario once, in order; return the requests and outcome of each."""
    tasks = []
    for number, scenario in enumerate(SCENARIOS):
        for variant in range(len(scenario.variants)):
            tasks.append(scenario.module_task('S%d V%d' % (number, variant), variant))
    emulator.reset()
    run = runner.run(tasks, 'probe')
    require_ok(run, 'the probe playbook')
    log = emulator.requests()
    starts = [(event['task'], event['time']) for event in run.events if event['event'] == 'start']
    end = next(event['time'] for event in run.events if event['event'] == 'end')
    changed = {event['task']: event['changed'] for event in run.results()}
    probes = {}
    for index, (task, started) in enumerate(starts):
        finished = starts[index + 1][1] if index + 1 < len(starts) else end
        probes[task] = {'log': requests_between(log, started, finished), 'changed': changed[task]}
    rows = []
    for number, scenario in enumerate(SCENARIOS):
        first = probes['S%d V0' % number]
        expected_change = scenario.kind == 'change'
        if first['changed'] != expected_change:
            raise BenchFailure('%s: changed=%s, expected %s' % (scenario.key, first['changed'], expected_change))
        rows.append({'scenario': scenario.key, 'module': scenario.module, 'kind': scenario.kind, 'note': scenario.note,
                     'requests': count_requests(first['log']),
                     'sequence': ['%s %s %s' % (entry['method'], entry['path'], entry['status']) for entry in first['log']]})
    return probes, rows


# 2. Time per task against uri

def timing_playbooks(emulator, probes, repeat):
    module_tasks, twin_tasks = [], []
    for number, scenario in enumerate(SCENARIOS):
        if not scenario.timed:
            continue
        for group in range(repeat):
            variant = group % len(scenario.variants)
            name = 'S%d G%d' % (number, group)
            module_tasks.append(scenario.module_task(name, variant))
            twin_tasks.extend(uri_tasks(name, probes['S%d V%d' % (number, variant)]['log'], scenario.variants[variant],
                                        emulator.url))
    return module_tasks, twin_tasks


def measure_ratios(runner, emulator, probes, repeat, runs):
    module_tasks, twin_tasks = timing_playbooks(emulator, probes, repeat)
    samples = {'module': {}, 'uri': {}}
    sent = {'module': [], 'uri': []}
    for run_number in range(runs):
        # Alternate which side goes first, so a slow spell of the machine hits both alike.
        order = ('module', 'uri') if run_number % 2 == 0 else ('uri', 'module')
        for side in order:
            emulator.reset()
            run = runner.run(module_tasks if side == 'module' else twin_tasks, 'timing-%s' % side)
            require_ok(run, 'the %s timing playbook' % side)
            sent[side].append(len(emulator.requests()))
            for group, periods in run.periods(group_of).items():
                scenario = SCENARIOS[int(group.split()[0][1:])].key
                samples[side].setdefault(scenario, []).extend(periods)
    if sent['module'] != sent['uri']:
        raise BenchFailure('the uri twins sent %s requests where the modules sent %s' % (sent['uri'], sent['module']))
    rows = []
    for scenario in SCENARIOS:
        if not scenario.timed:
            continue
        module_median = statistics.median(samples['module'][scenario.key])
        uri_median = statistics.median(samples['uri'][scenario.key])
        rows.append({'scenario': scenario.key, 'module_seconds': module_median, 'uri_seconds': uri_median,
                     'ratio': module_median / uri_median, 'samples': len(samples['module'][scenario.key]),
                     'uri_tasks_per_task': None})
    for row in rows:
        number = next(index for index, scenario in enumerate(SCENARIOS) if scenario.key == row['scenario'])
        row['uri_tasks_per_task'] = len(probes['S%d V0' % number]['log'])
    return rows, sent


# 3. Scale

def regrade_estate(runner, emulator, count):
    service_ids = bench_service_ids(count)
    results = {'services': count}
    emulator.reset()
    loop_task = {'name': 'S0 G0', 'channel.partner.live_service_regrade': {
        'live_service_id': '{{ item }}', 'tariff_service_name': BENCH_TARGET}, 'loop': service_ids}
    results['loop'] = timed_estate_run(runner, emulator, [loop_task], 'loop', service_ids)
    if module_has_option('live_service_regrade', 'services'):
        emulator.reset()
        bulk_task = {'name': 'S0 G0', 'channel.partner.live_service_regrade': {'services': '{{ bench_services }}'}}
        play_vars = {'bench_services': [{'live_service_id': service_id, 'tariff_service_name': BENCH_TARGET}
                                        for service_id in service_ids]}
        results['bulk'] = timed_estate_run(runner, emulator, [bulk_task], 'bulk', service_ids, play_vars)
        results['speedup'] = results['loop']['seconds'] / results['bulk']['seconds']
    else:
        results['bulk'] = None
        results['speedup'] = None
    return results


def suspend_estate(runner, emulator, count):
    """N live services suspended by a loop of live_service tasks and by one bulk task."""
    service_ids = bench_service_ids(count)
    results = {'services': count}
    emulator.reset()
    loop_task = {'name': 'S0 G0', 'channel.partner.live_service': {'live_service_id': '{{ item }}', 'state': 'suspended'},
                 'loop': service_ids}
    results['loop'] = timed_estate_run(runner, emulator, [loop_task], 'suspend-loop', service_ids, done=suspended)
    emulator.reset()
    bulk_task = {'name': 'S0 G0', 'channel.partner.live_service': {'services': '{{ bench_services }}'}}
    play_vars = {'bench_services': [{'live_service_id': service_id, 'state': 'suspended'} for service_id in service_ids]}
    results['bulk'] = timed_estate_run(runner, emulator, [bulk_task], 'suspend-bulk', service_ids, play_vars, done=suspended)
    results['speedup'] = results['loop']['seconds'] / results['bulk']['seconds']
    return results


def regraded(service):
    return service['tariff_service_name'] == BENCH_TARGET


def suspended(service):
    return service['suspended']


def timed_estate_run(runner, emulator, tasks, name, service_ids, play_vars=None, done=regraded):
    run = runner.run(tasks, 'estate-%s' % name, play_vars=play_vars)
    require_ok(run, 'the %s run over %d services' % (name, len(service_ids)))
    wanted = set(service_ids)
    changed = sum(1 for service in emulator.snapshot()['live_services'] if service['id'] in wanted and done(service))
    if changed != len(service_ids):
        raise BenchFailure('the %s form changed %d of %d services' % (name, changed, len(service_ids)))
    return {'seconds': run.periods(group_of)['S0 G0'][0], 'playbook_seconds': run.wall,
            'requests': count_requests(emulator.requests())}


def pace_packs(runner, emulator, pack_count):
    """The bulk pack task with the emulator's rate limit on: paced by the module (its default), then unpaced as a control."""
    if not module_has_option('retailer_pack', 'packs'):
        return None
    results = {'paced': pack_run(runner, emulator, pack_count, None)}
    if module_has_option('retailer_pack', 'rate_limit'):
        results['unpaced'] = pack_run(runner, emulator, pack_count, 0)
    return results


def pack_run(runner, emulator, pack_count, rate_limit):
    emulator.reset()
    emulator.configure(rate_limit=True)
    limit = emulator.config()['rate_limit_per_second']
    packs = [{'pack_id': pack_id, 'quantity': 1} for pack_id in bench_pack_ids(pack_count)]
    arguments = {'account_id': BENCH_ACCOUNT_ID, 'external_user_id': BENCH_EXTERNAL_USER_ID, 'packs': '{{ bench_packs }}'}
    if rate_limit is not None:
        arguments['rate_limit'] = rate_limit
    run = runner.run([{'name': 'S0 G0', 'channel.partner.retailer_pack': arguments}], 'pacing', play_vars={'bench_packs': packs})
    log = [entry for entry in emulator.requests() if entry['api'] == 'retailer']
    times = sorted(entry['time'] for entry in log)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    rate = (len(times) - 1) / span if span > 0 else float('inf')
    account = next(account for account in emulator.snapshot()['retailer']['accounts'] if account['IdAccount'] == BENCH_ACCOUNT_ID)
    return {'rate_limit_option': 'default' if rate_limit is None else rate_limit, 'packs': pack_count,
            'limit_per_second': limit, 'calls': len(log), 'too_many_requests': sum(1 for entry in log if entry['status'] == 429),
            'span_seconds': span, 'calls_per_second': rate, 'pace': rate / limit,
            'busiest_second': max(sum(1 for other in times if 0 <= other - moment < 1.0) for moment in times) if times else 0,
            'packs_applied': sum(1 for pack in account['ActivePacks'] if pack['Quantity'] == 1),
            'task_ok': run.returncode == 0 and not run.failures(), 'task_seconds': run.periods(group_of)['S0 G0'][0]}


# Output

def print_report(report):
    settings = report['settings']
    print('\n== 1. HTTP requests per task (emulator request log)')
    print('%-22s %-28s %-7s %-26s %5s  %s' % ('scenario', 'module', 'kind', 'API calls', 'token', 'note'))
    for row in report['requests']:
        counts = row['requests']
        print('%-22s %-28s %-7s %-26s %5d  %s' % (row['scenario'], row['module'], row['kind'], format_counts(counts),
                                                  counts['token'], row['note']))
    if report['ratios']:
        print('\n== 2. Time per task, module against ansible.builtin.uri sending the same requests '
              '(median of %d tasks per side, %d alternating runs)' % (settings['repeat'] * settings['runs'], settings['runs']))
        print('%-22s %10s %10s %9s %7s  %s' % ('scenario', 'module s', 'uri s', 'uri tasks', 'ratio', 'target <= %.2f' % RATIO_TARGET))
        for row in report['ratios']:
            verdict = 'ok' if row['ratio'] <= RATIO_TARGET else 'OVER'
            values = (row['scenario'], row['module_seconds'], row['uri_seconds'], row['uri_tasks_per_task'], row['ratio'], verdict)
            print('%-22s %10.3f %10.3f %9d %7.2f  %s' % values)
    if report['startup']:
        print('\n== 2b. Start-up in a fresh interpreter (median of %d): ansible.module_utils.basic, then the module on top'
              % settings['startup_samples'])
        print('%-34s %9s %14s %11s' % ('imported', 'basic ms', 'on top ms', 'process ms'))
        for row in report['startup']:
            print('%-34s %9.0f %14.0f %11.0f' % (row['module'], row['basic_ms'], row['import_ms'], row['process_ms']))
    estate = report['estate']
    if estate['services']:
        print('\n== 3. %d live services regraded to %s' % (estate['services'], BENCH_TARGET))
        print('%-34s %10s  %s' % ('form', 'seconds', 'requests'))
        loop = estate['loop']
        print('%-34s %10.1f  %s' % ('loop: one module run per service', loop['seconds'], format_counts(loop['requests'])))
        if estate['bulk']:
            bulk = estate['bulk']
            verdict = 'ok' if estate['speedup'] >= SPEEDUP_TARGET else 'UNDER'
            print('%-34s %10.1f  %s' % ('bulk: one task, services list', bulk['seconds'], format_counts(bulk['requests'])))
            print('speed-up %.1fx (target >= %.0fx): %s' % (estate['speedup'], SPEEDUP_TARGET, verdict))
        else:
            print('bulk: live_service_regrade has no services option yet; not measured')
    suspension = report.get('suspension')
    if suspension:
        print('\n== 3a. %d live services suspended with channel.partner.live_service' % suspension['services'])
        print('%-34s %10s  %s' % ('form', 'seconds', 'requests'))
        for label, key in (('loop: one module run per service', 'loop'), ('bulk: one task, services list', 'bulk')):
            print('%-34s %10.1f  %s' % (label, suspension[key]['seconds'], format_counts(suspension[key]['requests'])))
        print('speed-up %.1fx (target >= %.0fx): %s' % (suspension['speedup'], SPEEDUP_TARGET,
                                                        'ok' if suspension['speedup'] >= SPEEDUP_TARGET else 'UNDER'))
    pacing = report['pacing']
    if pacing is None:
        print('\n== 3b. Bulk retailer_pack with the rate limit on: not measured (no packs option, or skipped)')
        return
    print('\n== 3b. Bulk retailer_pack, %d packs of one account, emulator rate limit on (%s calls/s per token and path)'
          % (pacing['paced']['packs'], pacing['paced']['limit_per_second']))
    headings = ('rate_limit option', 'calls', 'span s', 'calls/s', 'of limit', 'busiest', '429', 'applied', 'task')
    print('%-24s %6s %8s %9s %8s %8s %5s %8s %6s' % headings)
    for key in ('paced', 'unpaced'):
        row = pacing.get(key)
        if row:
            print('%-24s %6d %8.2f %9.2f %7.0f%% %8d %5d %8s %6s' % (
                '%s (%s)' % (row['rate_limit_option'], key), row['calls'], row['span_seconds'], row['calls_per_second'],
                100 * row['pace'], row['busiest_second'], row['too_many_requests'], '%d/%d' % (row['packs_applied'], row['packs']),
                'ok' if row['task_ok'] else 'FAILED'))
    print('target: the paced run at >= %.0f%% of the limit with no 429' % (100 * PACING_TARGET))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--services', type=int, default=1000, help='live services to regrade (default: %(default)s)')
    parser.add_argument('--packs', type=int, default=40, help='packs in the rate-limited bulk pack task (default: %(default)s)')
    parser.add_argument('--repeat', type=int, default=10, help='tasks per scenario in each timing playbook (even; default: %(default)s)')
    parser.add_argument('--runs', type=int, default=3, help='timing runs per side, alternating (default: %(default)s)')
    parser.add_argument('--startup-samples', type=int, default=7, help='fresh interpreters per module (default: %(default)s)')
    parser.add_argument('--latency', type=float, default=float(os.environ.get('BENCH_LATENCY') or 0.05),
                        help='seconds the emulator holds every request in the rows at scale (section 5; default: '
                             '$BENCH_LATENCY or %(default)s)')
    parser.add_argument('--scale-services', type=int, default=10000, help='live services of the estate at scale (default: %(default)s)')
    parser.add_argument('--scale-accounts', type=int, default=1000, help='customer accounts of the estate at scale (default: %(default)s)')
    parser.add_argument('--scale-sizes', type=lambda text: [int(size) for size in text.split(',')], default=[1000, 10000],
                        help='services regraded in the rows at scale, comma-separated (default: 1000,10000)')
    parser.add_argument('--skip', action='append', default=[], choices=[
        'ratios', 'startup', 'estate', 'suspend', 'pacing', 'life',
        'scale', 'scale-regrade', 'scale-sequential', 'scale-audit', 'scale-audit-token'],
        help='leave a section out (repeatable); scale-sequential leaves out the concurrency 1 regrades (the 10,000 take '
             'about 9 minutes), scale-audit-token the audit paced in one window per token (about 4 minutes)')
    parser.add_argument('--json', metavar='PATH', help='also write every figure to PATH as JSON')
    options = parser.parse_args()
    if options.repeat % 2:
        parser.error('--repeat must be even, so that change scenarios end where they started')
    if options.latency < 0 or max(options.scale_sizes) > options.scale_services:
        parser.error('--latency must be 0 or more, and no --scale-sizes more than --scale-services')

    started = time.perf_counter()
    report = {'settings': dict(vars(options)), 'environment': environment_summary()}
    with tempfile.TemporaryDirectory(prefix='channel-partner-bench-') as work_root:
        fixture = write_fixture(work_root, options.services, options.packs)
        emulator = Emulator(fixture=str(fixture))
        emulator.start()
        try:
            runner = PlaybookRunner(emulator, work_root)
            print('bench: emulator on %s, fixture with %d extra live services' % (emulator.url, options.services), flush=True)
            probes, report['requests'] = probe(runner, emulator)
            print('bench: requests per task measured; timing module against uri ...', flush=True)
            report['ratios'], report['ratio_requests'] = ([], None) if 'ratios' in options.skip else measure_ratios(
                runner, emulator, probes, options.repeat, options.runs)
            print('bench: measuring start-up ...', flush=True)
            report['startup'] = [] if 'startup' in options.skip else bench_startup.measure(
                options.startup_samples, runner.base_environment['ANSIBLE_COLLECTIONS_PATH'])
            print('bench: regrading %d live services (loop, then bulk) ...' % options.services, flush=True)
            report['estate'] = {'services': 0, 'loop': {'seconds': 0.0, 'requests': count_requests([])}, 'bulk': None,
                                'speedup': None} if 'estate' in options.skip else regrade_estate(runner, emulator, options.services)
            print('bench: suspending %d live services (loop, then bulk) ...' % options.services, flush=True)
            report['suspension'] = None if 'suspend' in options.skip else suspend_estate(runner, emulator, options.services)
            report['pacing'] = None if 'pacing' in options.skip else pace_packs(runner, emulator, options.packs)
            print('bench: a customer\'s life through the roles ...', flush=True)
            report['life'] = None if 'life' in options.skip else bench_life.customer_life(runner, emulator, BenchFailure)
        finally:
            emulator.stop()
        if 'scale' not in options.skip:
            print('bench: at scale with %.0f ms of latency (%d services, %d accounts) ...'
                  % (1000 * options.latency, options.scale_services, options.scale_accounts), flush=True)
        report['scale'] = None if 'scale' in options.skip else bench_scale.measure(work_root, options, BenchFailure, module_has_option)
    report['elapsed_seconds'] = time.perf_counter() - started
    print_report(report)
    if report['life']:
        bench_life.print_life(report['life'])
    if report['scale']:
        bench_scale.print_scale(report['scale'])
    print('\nbench: done in %.0f s' % report['elapsed_seconds'])
    if options.json:
        Path(options.json).write_text(json.dumps(report, indent=2, default=str) + '\n', encoding='utf-8')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except BenchFailure as failure:
        print('bench: %s' % failure, file=sys.stderr)
        sys.exit(1)
