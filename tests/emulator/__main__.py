"""Command line: ``python tests/emulator [--port N] [--fixture NAME] [--config JSON] [--port-file PATH]``."""

import argparse
import json
import os
import signal
import sys
import threading

if __package__ in (None, ''):
    # Run as ``python tests/emulator``: make the package importable by its name.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


def main(argv=None):
    parser = argparse.ArgumentParser(prog='emulator', description='Emulator of the Partner and Retailer APIs')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--fixture', default='default', help='a name in fixtures/ (without .json) or a path')
    parser.add_argument('--config', default=None, help='switches as a JSON object')
    parser.add_argument('--port-file', default=None, help='write the URL to this file once listening')
    args = parser.parse_args(argv)
    try:
        config = json.loads(args.config) if args.config else None
        emulator = Emulator(fixture=args.fixture, config=config, host=args.host, port=args.port)
    except (ValueError, OSError) as error:
        parser.error(str(error))
    emulator.start()
    print('EMULATOR_URL=%s' % emulator.url, flush=True)
    if args.port_file:
        # Written then renamed so that a poller never reads a half-written file.
        partial = args.port_file + '.tmp'
        with open(partial, 'w', encoding='utf-8') as handle:
            handle.write(emulator.url + '\n')
        os.replace(partial, args.port_file)
    stopping = threading.Event()

    def _stop(_signum, _frame):
        stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stopping.wait(0.5):
        pass
    emulator.stop()
    if args.port_file and os.path.exists(args.port_file):
        os.remove(args.port_file)
    return 0


if __name__ == '__main__':
    sys.exit(main())
