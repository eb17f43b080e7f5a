"""Serves one network pair's Python half until killed, for external clients such as wrk
(docs/net-workloads.md): setup(params) from workload.json (key=value arguments override params),
then {"port": N} on stdout. Runs in duet (`duet exec`, on duet's loop) and in python3 (stock
asyncio, or uvloop with --uvloop).
"""

import argparse
import asyncio
import importlib.util
import json
import os
import sys

PAIRS = ["fan-out", "http-hello", "idle-connections", "tcp-echo"]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=PAIRS, help="the network pair (workloads/net/NAME)")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="params to override (JSON values)")
    parser.add_argument("--uvloop", action="store_true", help="uvloop.install() first (standalone python3)")
    opts = parser.parse_args(argv)
    if opts.uvloop:
        import uvloop
        uvloop.install()
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../workloads/net", opts.name)
    with open(os.path.join(folder, "workload.json")) as f:
        params = dict(json.load(f).get("params", {}))
    for item in opts.overrides:
        key, _, value = item.partition("=")
        params[key] = json.loads(value)
    spec = importlib.util.spec_from_file_location("served", os.path.join(folder, opts.name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loop = asyncio.new_event_loop()
    state = module.setup(params)
    if asyncio.iscoroutine(state):
        state = loop.run_until_complete(state)
    port = state.get("port") if isinstance(state, dict) else state.port
    print(json.dumps({"port": port}), flush=True)
    loop.run_forever()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
