#!/usr/bin/python3
"""TCP echo over node:net: the same server file in duet and in standalone node (Debian's node 18,
the same V8), driven by one node client on loopback (10 connections, 1 KiB messages, bounded count).
Prints per server runtime the median throughput and server CPU time per message, and duet/node ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")


def node_command():
    node = os.path.join(LIBNODE, "bin/node")
    if os.path.exists(node):
        return [node], {"LD_LIBRARY_PATH": os.path.join(LIBNODE, "lib/x86_64-linux-gnu")}
    return ["node"], {}


def one_round(server_argv, server_env, client_argv, client_env, opts):
    server = subprocess.Popen(server_argv + [os.path.join(ROOT, "bench/tcp_echo/server.mjs"), str(opts.connections)],
                              stdout=subprocess.PIPE, text=True, env=dict(os.environ, **server_env), cwd=ROOT)
    try:
        port = json.loads(server.stdout.readline())["port"]
        client = subprocess.run(client_argv + [os.path.join(ROOT, "bench/tcp_echo/client.mjs"), str(port),
                                               str(opts.connections), str(opts.messages), str(opts.size)],
                                capture_output=True, text=True, env=dict(os.environ, **client_env), timeout=opts.timeout)
        load = json.loads(client.stdout)
        usage = json.loads(server.stdout.readline())
        server.wait(timeout=opts.timeout)
    finally:
        if server.poll() is None:
            server.kill()
    return load["per_second"], usage["cpu_us"] / load["messages"]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--messages", type=int, default=5000, help="per connection")
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--timeout", type=float, default=120)
    opts = parser.parse_args(argv)
    node, node_env = node_command()
    servers = {"duet": ([opts.duet, "exec"], {}), "node": (node, node_env)}
    results = {name: {"per_second": [], "cpu_us_per_message": []} for name in servers}
    for i in range(opts.rounds):
        for name in (list(servers) if i % 2 == 0 else list(servers)[::-1]):
            per_second, cpu = one_round(*servers[name], node, node_env, opts)
            results[name]["per_second"].append(per_second)
            results[name]["cpu_us_per_message"].append(cpu)
            print(f"round {i + 1}/{opts.rounds} {name}: {per_second:,.0f} msg/s, {cpu:.2f} µs server CPU/msg", file=sys.stderr)
    med = {n: {k: statistics.median(v) for k, v in r.items()} for n, r in results.items()}
    print(f"{'server':<6} {'msg/s (median)':>15} {'server CPU µs/msg':>18}")
    for name, m in med.items():
        print(f"{name:<6} {m['per_second']:>15,.0f} {m['cpu_us_per_message']:>18.2f}")
    print(f"duet/node throughput {med['duet']['per_second'] / med['node']['per_second']:.3f}, "
          f"CPU per message {med['duet']['cpu_us_per_message'] / med['node']['cpu_us_per_message']:.3f} "
          f"({opts.rounds} rounds, {opts.connections} connections x {opts.messages} messages of {opts.size} B, client: {node[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
