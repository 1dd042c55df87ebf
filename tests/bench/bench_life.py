"""A customer's whole life through the two roles (playbooks/customer_life.yml), phase by phase: the requests of the
preview, the real run and the rerun, from the emulator's log, and the time of each.

The rerun of a phase is its no-op: it must send only the reads that tell the state, and no write.
"""

from bench_run import TESTS, count_requests, format_counts

LIFE_PLAYBOOK = TESTS.parent / 'playbooks' / 'customer_life.yml'
PHASES = ('onboard', 'month_end', 'suspend', 'resume', 'offboard')
PASSES = (('preview', ['--check', '--diff']), ('apply', []), ('again', []))


def customer_life(runner, emulator, failure):
    """[{phase, pass, requests, writes, seconds}] for every phase and pass, on a fresh emulator state."""
    emulator.reset()
    rows = []
    for phase in PHASES:
        for name, flags in PASSES:
            emulator.clear_requests()
            run = runner.run(None, 'life-%s-%s' % (phase, name), playbook=LIFE_PLAYBOOK,
                             flags=['-e', 'customer_life_phase=%s' % phase, '-e', 'customer_life_poll_interval=0.1'] + flags)
            # The phases skip the tasks of the others: a skip is no failure here.
            if run.returncode != 0 or any(event['status'] in ('failed', 'unreachable') for event in run.results()):
                raise failure('the %s of the %s phase failed (exit %d):\n%s' % (name, phase, run.returncode, run.output[-4000:]))
            log = emulator.requests()
            rows.append({'phase': phase, 'pass': name, 'requests': count_requests(log), 'writes': len(emulator.writes()),
                         'seconds': run.wall})
    return rows


def print_life(rows):
    print("\n== 4. A customer's life through customer_onboard and customer_offboard (playbooks/customer_life.yml)")
    print('%-10s %-8s %-36s %6s %8s' % ('phase', 'pass', 'API calls', 'writes', 'seconds'))
    for row in rows:
        counts = row['requests']
        calls = format_counts(counts)
        if counts['token']:
            calls += ', token %d' % counts['token']
        print('%-10s %-8s %-36s %6d %8.1f' % (row['phase'], row['pass'], calls, row['writes'], row['seconds']))
