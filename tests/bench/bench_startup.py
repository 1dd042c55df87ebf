"""Start-up cost of each module in a fresh interpreter: what importing it costs before main() runs.

Every task starts a new Python process, so these imports are paid once per task
(once per item of a loop). Each probe imports ansible.module_utils.basic first (every
module pays for it, uri included) and then the target, so ``import_ms`` is what the
target costs on top of it. ansible.builtin.uri is the baseline; requests and
ansible.module_utils.urls are the HTTP layers of the two sides.
"""

import json
import statistics
import subprocess
import sys
import time

TARGETS = [
    ('requests (collection HTTP layer)', 'requests'),
    ('ansible.module_utils.urls (uri)', 'ansible.module_utils.urls'),
    ('ansible.builtin.uri', 'ansible.modules.uri'),
    ('live_service_info', 'ansible_collections.channel.partner.plugins.modules.live_service_info'),
    ('live_service_regrade', 'ansible_collections.channel.partner.plugins.modules.live_service_regrade'),
    ('retailer_profile_info', 'ansible_collections.channel.partner.plugins.modules.retailer_profile_info'),
    ('retailer_account', 'ansible_collections.channel.partner.plugins.modules.retailer_account'),
    ('retailer_pack', 'ansible_collections.channel.partner.plugins.modules.retailer_pack'),
]

PROBE = '''
import sys, time, json
sys.path.insert(0, sys.argv[2])
started = time.perf_counter()
import ansible.module_utils.basic
shared = time.perf_counter()
__import__(sys.argv[1])
finished = time.perf_counter()
print(json.dumps({"basic_ms": (shared - started) * 1000, "import_ms": (finished - shared) * 1000}))
'''


def measure(samples, collections_root):
    rows = []
    for label, module in TARGETS:
        imports, shared, processes = [], [], []
        for _sample in range(samples):
            started = time.perf_counter()
            completed = subprocess.run([sys.executable, '-c', PROBE, module, str(collections_root)],
                                       capture_output=True, text=True, check=True)
            processes.append((time.perf_counter() - started) * 1000)
            timings = json.loads(completed.stdout)
            imports.append(timings['import_ms'])
            shared.append(timings['basic_ms'])
        rows.append({'module': label, 'basic_ms': statistics.median(shared), 'import_ms': statistics.median(imports),
                     'process_ms': statistics.median(processes)})
    return rows
