"""At scale, with latency: an estate of 10,000 live services and 1,000 customer accounts on an emulator that holds every
request for the latency given (``--latency``, ``BENCH_LATENCY``; 50 ms by default), as a real network and vendor would.

Rows:

- 1,000 and 10,000 services regraded in one live_service_regrade task (``services``), one PATCH after the other
  (``concurrency: 1``) and with the module's default concurrency (the option left out);
- the partner_audit role over the whole estate (1,000 accounts, 10,000 services) with the emulator's MailUp rate limit on,
  once with the default pacing (each resource its own window) and once with ``rate_limit_scope: token`` (every call of
  the token in one window), where the limit, not the latency, binds.

Each row gives its requests (from the emulator's request log), its time and its ratio to the floor: the time the requests
need at the least, the reads before and after the writes one after the other and the PATCHes or status reads
``concurrency`` at a time, each costing the latency; or, where the pacing binds, the reads at the rate limit. After each
regrade the benchmark checks that every service is on its wanted tariff, that the balance dropped by exactly the credits
of that many regrades and that each service got exactly one PATCH; after each audit that no request met a 429 and that
the report lists every account and service. Anything else stops the run.
"""

import json
import subprocess
import sys
from pathlib import Path

import yaml

from bench_fixture import BENCH_TARGET, BENCH_TARIFF, bench_service_ids, estate_accounts, write_fixture
from bench_run import PlaybookRunner, count_requests, format_counts

from emulator import Emulator

ACCOUNT_TASK = 'Read the status of every customer account'
STATUS_SUFFIX = '/Status'
# The concurrency of the role's account reads (partner_audit_concurrency) and the vendor's limit the pacing keeps to.
AUDIT_CONCURRENCY = 5
RATE_LIMIT = 5


def documented_default(environment, module, option):
    """The default of ``option`` as ansible-doc shows it for the module (its doc fragments merged in), or None."""
    name = 'channel.partner.' + module
    completed = subprocess.run([sys.executable, '-m', 'ansible', 'doc', '-t', 'module', '-j', name], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
    return json.loads(completed.stdout)[name]['doc']['options'].get(option, {}).get('default')


def ratio(seconds, floor):
    return seconds / floor if floor else None


def task_seconds(run, part):
    """From the start of the (first) task whose name holds ``part`` to the start of the next task, or to the end."""
    marks = [(event.get('task'), event['time']) for event in run.events if event['event'] in ('start', 'end')]
    for index, (task, started) in enumerate(marks):
        if task and part in task:
            return marks[index + 1][1] - started
    raise KeyError('no task named like %r' % part)


class Scale:
    """One emulator with the latency switch set, its estate, and the rows measured against it."""

    def __init__(self, work_root, options, failure, has_option):
        self.latency = options.latency
        self.options = options
        self.failure = failure
        self.has_option = has_option
        self.work_root = Path(work_root) / 'scale'
        self.work_root.mkdir(parents=True, exist_ok=True)
        fixture = write_fixture(self.work_root, options.scale_services, account_count=options.scale_accounts)
        self.emulator = Emulator(fixture=str(fixture), config={'latency': self.latency})
        self.runner = None
        self.rows, self.notes = [], []

    def measure(self, skip):
        self.emulator.start()
        try:
            self.runner = PlaybookRunner(self.emulator, self.work_root)
            if 'scale-regrade' not in skip:
                for count in self.options.scale_sizes:
                    self.regrade_rows(count, skip)
            if 'scale-audit' not in skip:
                self.audit_row('resource')
                if 'scale-audit-token' not in skip:
                    self.audit_row('token')
        finally:
            self.emulator.stop()
        return {'latency': self.latency, 'services': self.options.scale_services, 'accounts': self.options.scale_accounts,
                'rows': self.rows, 'notes': self.notes}

    # The regrades

    def regrade_rows(self, count, skip):
        if not self.has_option('live_service_regrade', 'concurrency'):
            self.notes.append('live_service_regrade has no concurrency option yet: the %d regrades run one after the other, '
                              'and the rows with concurrency are not measured' % count)
            self.regrade(count, None, 'sequential (no concurrency option)', workers=1)
            return
        if 'scale-sequential' not in skip:
            self.regrade(count, 1, 'concurrency 1', workers=1)
        workers = documented_default(self.runner.base_environment, 'live_service_regrade', 'concurrency')
        self.regrade(count, None, 'default concurrency (%s)' % workers, workers=workers)

    def regrade(self, count, concurrency, label, workers):
        emulator = self.emulator
        emulator.reset()
        service_ids = bench_service_ids(count)
        before = emulator.snapshot()
        prices = dict((tariff['service_name'], tariff['credits']) for tariff in before['tariffs'])
        # The emulator's default cost model: the new price less the current one.
        expected_charge = count * max(0, prices[BENCH_TARGET] - prices[BENCH_TARIFF])
        arguments = {'services': '{{ bench_services }}'}
        if concurrency is not None:
            arguments['concurrency'] = concurrency
        play_vars = {'bench_services': [{'live_service_id': service_id, 'tariff_service_name': BENCH_TARGET} for service_id in service_ids]}
        name = 'regrade-%d-%s' % (count, 'default' if concurrency is None else concurrency)
        run = self.runner.run([{'name': 'S0 G0', 'channel.partner.live_service_regrade': arguments}], name, play_vars=play_vars)
        self.require(run, 'the regrade of %d services (%s)' % (count, label))
        log = emulator.requests()
        after = emulator.snapshot()
        self.check_regrades(count, label, service_ids, log, before, after, expected_charge)
        patches = sum(1 for entry in log if entry['method'] == 'PATCH')
        floor = ((len(log) - patches) + patches / float(workers)) * self.latency
        seconds = task_seconds(run, 'S0 G0')
        self.rows.append({'row': 'regrade %d, %s' % (count, label), 'requests': count_requests(log), 'seconds': seconds,
                          'floor_seconds': floor, 'ratio': ratio(seconds, floor), 'workers': workers,
                          'charged': before['partner']['partner_credits'] - after['partner']['partner_credits']})

    def check_regrades(self, count, label, service_ids, log, before, after, expected_charge):
        wanted = set(service_ids)
        moved = [service for service in after['live_services'] if service['id'] in wanted and service['tariff_service_name'] == BENCH_TARGET]
        if len(moved) != count:
            raise self.failure('regrade %d (%s): %d of %d services are on %s' % (count, label, len(moved), count, BENCH_TARGET))
        charged = before['partner']['partner_credits'] - after['partner']['partner_credits']
        if charged != expected_charge:
            raise self.failure('regrade %d (%s): the balance dropped by %s credits, not %s' % (count, label, charged, expected_charge))
        patched = [entry['path'] for entry in log if entry['method'] == 'PATCH']
        if len(patched) != count or len(set(patched)) != count:
            raise self.failure('regrade %d (%s): %d PATCHes to %d services, not one each' % (count, label, len(patched), len(set(patched))))
        if any(entry['status'] == 429 for entry in log):
            raise self.failure('regrade %d (%s): a request was answered 429' % (count, label))

    # The audit

    def audit_row(self, scope):
        emulator = self.emulator
        emulator.reset()
        emulator.configure(rate_limit=True, rate_limit_per_second=RATE_LIMIT, rate_limit_scope='token' if scope == 'token' else 'path')
        accounts = estate_accounts(self.options.scale_accounts)
        output = self.work_root / ('audit-%s' % scope)
        play = {'name': 'audit', 'hosts': 'localhost', 'gather_facts': False,
                'vars': {'partner_audit_accounts': accounts, 'partner_audit_output_dir': str(output),
                         'partner_audit_concurrency': AUDIT_CONCURRENCY},
                'roles': [{'role': 'channel.partner.partner_audit'}]}
        if scope == 'token':
            play['module_defaults'] = {'group/channel.partner.retailer_api': {'rate_limit_scope': 'token'}}
        playbook = self.work_root / ('audit-%s.yml' % scope)
        playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding='utf-8')
        run = self.runner.run(None, 'audit-%s' % scope, playbook=playbook)
        label = 'audit of %d accounts, %d services, scope %s' % (len(accounts), self.options.scale_services, scope)
        self.require(run, label)
        log = emulator.requests()
        self.check_audit(label, log, accounts, output)
        reads = sum(1 for entry in log if entry['path'].endswith(STATUS_SUFFIX))
        account_floor = reads * self.latency / AUDIT_CONCURRENCY
        binding = 'latency'
        if scope == 'token' and reads / float(RATE_LIMIT) > account_floor:
            # Every call of the token in one window of 5 a second: the rate, not the latency, is the floor.
            account_floor, binding = reads / float(RATE_LIMIT), 'rate limit'
        floor = (len(log) - reads) * self.latency + account_floor
        seconds = run.wall
        account_seconds = task_seconds(run, ACCOUNT_TASK)
        module_tasks = sum(1 for event in run.events if event['event'] == 'result' and event['status'] == 'ok')
        self.rows.append({'row': label + ': playbook', 'requests': count_requests(log), 'seconds': seconds,
                          'floor_seconds': floor, 'ratio': ratio(seconds, floor), 'tasks': module_tasks})
        self.rows.append({'row': '  of which the account task (%s binds)' % binding,
                          'requests': count_requests([entry for entry in log if entry['path'].endswith(STATUS_SUFFIX)]),
                          'seconds': account_seconds, 'floor_seconds': account_floor, 'ratio': ratio(account_seconds, account_floor)})

    def check_audit(self, label, log, accounts, output):
        if self.emulator.writes():
            raise self.failure('%s wrote to an API: %s' % (label, self.emulator.writes()[:3]))
        refused = sum(1 for entry in log if entry['status'] == 429)
        if refused:
            raise self.failure('%s: %d requests were answered 429 by the paced vendor' % (label, refused))
        reads = [entry['path'] for entry in log if entry['path'].endswith(STATUS_SUFFIX)]
        if len(reads) != len(accounts) or len(set(reads)) != len(accounts):
            raise self.failure('%s: %d status reads of %d accounts, not one each' % (label, len(reads), len(accounts)))
        markdown = (output / 'partner-audit.md').read_text(encoding='utf-8')
        services = len(self.emulator.snapshot()['live_services'])
        for heading in ('## Retailer accounts (%d)' % len(accounts), '## Live services (%d)' % services):
            if heading not in markdown:
                raise self.failure('%s: the report has no "%s"' % (label, heading))

    def require(self, run, what):
        if run.returncode != 0 or run.failures():
            raise self.failure('%s failed (exit %d):\n%s' % (what, run.returncode, run.output[-4000:]))


def measure(work_root, options, failure, has_option):
    return Scale(work_root, options, failure, has_option).measure(options.skip)


def print_scale(report):
    print('\n== 5. At scale: %d live services and %d accounts, %.0f ms of latency on every request (emulator latency switch)'
          % (report['services'], report['accounts'], 1000 * report['latency']))
    print('%-58s %-28s %8s %8s %6s' % ('row', 'API calls', 'seconds', 'floor s', 'ratio'))
    for row in report['rows']:
        shown = '-' if row['ratio'] is None else '%.2f' % row['ratio']
        counts = row['requests']
        calls = format_counts(counts) + (', token %d' % counts['token'] if counts['token'] else '')
        print('%-58s %-28s %8.1f %8.1f %6s' % (row['row'], calls, row['seconds'], row['floor_seconds'], shown))
    for note in report['notes']:
        print('note: %s' % note)
    print('floor: the reads one after the other and the PATCHes or status reads `concurrency` at a time, each costing the '
          'latency; with rate_limit_scope token the status reads at %d a second where that is longer. Every regrade row was '
          'checked: each service on %s, one PATCH each, the balance down by exactly the credits of the regrades; every audit: '
          'no 429, one status read per account, every account and service in the report.' % (RATE_LIMIT, BENCH_TARGET))
