#!/usr/bin/python3
"""TCP echo servers in duet against their standalone twins, driven by one client on loopback
(10 connections, 1 KiB messages, bounded count): client.mjs in node, or `duet load` (--client duet:
C++ on its own libuv loop, which also reports latency percentiles). The node:net server (server.mjs) in duet and in
Debian's node 18 (the same V8), and the asyncio servers (server.py: Protocol and streams variants)
in duet, in /usr/bin/python3 with uvloop and in /usr/bin/python3 with the stock loop. Prints per
server the median throughput and server CPU time per message over interleaved rounds, and the
ratios the targets are stated in (docs/tcp-echo.md).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")
HERE = os.path.join(ROOT, "bench/tcp_echo")
PYTHON = "/usr/bin/python3"
VARIANTS = ("protocol", "streams")
# (numerator, denominator, target, what the target says): ratios of median user CPU per message.
TARGETS = [(f"duet-{v}", f"uvloop-{v}", "<=", 1.10) for v in VARIANTS] + \
          [(f"stock-{v}", f"duet-{v}", ">=", 2.0) for v in VARIANTS]


def node_command():
    node = os.path.join(LIBNODE, "bin/node")
    if os.path.exists(node):
        return [node], {"LD_LIBRARY_PATH": os.path.join(LIBNODE, "lib/x86_64-linux-gnu")}
    return ["node"], {}


def server_table(opts, node, node_env):
    """name -> (argv before the connection count, argv after it, environment)."""
    js, py = os.path.join(HERE, "server.mjs"), os.path.join(HERE, "server.py")
    table = {"duet-js": ([opts.duet, "exec", js], [], {}), "node": (node + [js], [], node_env)}
    for v in VARIANTS:
        table[f"duet-{v}"] = ([opts.duet, "exec", py, v], [], {})
        table[f"uvloop-{v}"] = ([PYTHON, py, v], ["--loop", "uvloop"], {})
        table[f"stock-{v}"] = ([PYTHON, py, v], [], {})
    return table


def one_round(name, server, client_argv, client_env, opts):
    before, after, env = server
    argv = before + [str(opts.connections)] + after
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=dict(os.environ, **env), cwd=ROOT)
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"tcp_echo: server {name} exited before printing its port (exit code {proc.wait()}): "
                             f"{' '.join(argv)}")
        load = run_client(name, json.loads(line)["port"], client_argv, client_env, opts)
        usage = json.loads(proc.stdout.readline())
        proc.wait(timeout=opts.timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return dict({"per_second": load["per_second"], "user_us_per_message": usage["user_us"] / load["messages"],
                 "cpu_us_per_message": usage["cpu_us"] / load["messages"], "bytes": usage["bytes"],
                 "loop": usage.get("loop", "node:net")}, **load.get("latency", {}))


def run_client(name, port, client_argv, client_env, opts):
    """Drives the server at `port` to the end of the count: {"messages", "per_second"}, and with
    `duet load` {"latency": {"p50_us", "p99_us"}} as well."""
    total = opts.connections * opts.messages
    if opts.client == "duet":
        argv = [opts.duet, "load", "--port", str(port), "--connections", str(opts.connections), "--requests", str(total),
                "--size", str(opts.size), "--duration", str(opts.timeout), "--json", "-"]
        env = {}
    else:
        argv = client_argv + [os.path.join(HERE, "client.mjs"), str(port), str(opts.connections), str(opts.messages),
                              str(opts.size)]
        env = client_env
    client = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, **env), timeout=opts.timeout + 30)
    if client.returncode != 0:
        raise SystemExit(f"tcp_echo: the client against {name} failed ({client.returncode}): {client.stderr}")
    load = json.loads(client.stdout)
    if opts.client == "node":
        return load
    if load["completed"] != total:
        raise SystemExit(f"tcp_echo: duet load against {name} completed {load['completed']} of {total}: {client.stderr}")
    return {"messages": total, "per_second": load["throughput_per_s"],
            "latency": {"p50_us": load["latency"]["p50_ns"] / 1e3, "p99_us": load["latency"]["p99_ns"] / 1e3}}


def ratio_lines(med):
    """The issue's targets, for the servers measured; then duet-js/node as before. A ratio is None
    when its denominator is 0 (too few messages for the kernel's user/system split to see any)."""
    def ratio(num, den, key):
        return med[num][key] / med[den][key] if med[den][key] else None

    lines = []
    for num, den, op, target in TARGETS:
        if num in med and den in med:
            r = ratio(num, den, "user_us_per_message")
            met = r is not None and (r <= target if op == "<=" else r >= target)
            lines.append((f"{num}/{den}", r, f"{op} {target:g}", "n/a" if r is None else "met" if met else "NOT met"))
    if "duet-js" in med and "node" in med:
        for key, what in (("per_second", "throughput"), ("user_us_per_message", "user CPU/msg"),
                          ("cpu_us_per_message", "user+sys CPU/msg")):
            lines.append((f"duet-js/node {what}", ratio("duet-js", "node", key), "", ""))
    return lines


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    parser.add_argument("--servers", default="duet-protocol,uvloop-protocol,stock-protocol,duet-streams,uvloop-streams,"
                        "stock-streams,duet-js,node", help="comma-separated, from the default list")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--messages", type=int, default=1000, help="per connection")
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--client", choices=["node", "duet"], default="node",
                        help="node: bench/tcp_echo/client.mjs in node 18; duet: `duet load` (adds p50/p99 latency)")
    parser.add_argument("--json", metavar="FILE", help="also write rounds, medians and ratios as JSON")
    opts = parser.parse_args(argv)
    node, node_env = node_command()
    table = server_table(opts, node, node_env)
    names = [n.strip() for n in opts.servers.split(",") if n.strip()]
    unknown = [n for n in names if n not in table]
    if unknown:
        parser.error(f"unknown server(s) {', '.join(unknown)}; known: {', '.join(table)}")

    rounds = {n: [] for n in names}
    for i in range(opts.rounds):
        for name in (names if i % 2 == 0 else names[::-1]):
            r = one_round(name, table[name], node, node_env, opts)
            rounds[name].append(r)
            print(f"round {i + 1}/{opts.rounds} {name}: {r['per_second']:,.0f} msg/s, {r['user_us_per_message']:.2f} µs user, "
                  f"{r['cpu_us_per_message']:.2f} µs user+sys server CPU/msg", file=sys.stderr, flush=True)
    keys = ("per_second", "user_us_per_message", "cpu_us_per_message") + (("p50_us", "p99_us") if opts.client == "duet" else ())
    med = {n: {k: statistics.median(r[k] for r in rs) for k in keys} for n, rs in rounds.items()}

    latency_head = f" {'p50 µs':>8} {'p99 µs':>8}" if opts.client == "duet" else ""
    print(f"{'server':<16} {'msg/s (median)':>15} {'user µs/msg':>12} {'user+sys µs/msg':>16}{latency_head}  loop")
    for name, m in med.items():
        latency = f" {m['p50_us']:>8.1f} {m['p99_us']:>8.1f}" if opts.client == "duet" else ""
        print(f"{name:<16} {m['per_second']:>15,.0f} {m['user_us_per_message']:>12.2f} {m['cpu_us_per_message']:>16.2f}"
              f"{latency}  {rounds[name][0]['loop']}")
    ratios = ratio_lines(med)
    if ratios:
        print("ratios of medians (user CPU per message unless named):")
        for what, r, target, verdict in ratios:
            print(f"  {what:<34} {'n/a' if r is None else f'{r:.3f}':>6}  {target:<7} {verdict}".rstrip())
    print(f"({opts.rounds} rounds, {opts.connections} connections x {opts.messages} messages of {opts.size} B, "
          f"client: {'duet load' if opts.client == 'duet' else node[0]})")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"schema": "duet-tcp-echo/1", "client": opts.client, "connections": opts.connections, "messages": opts.messages,
                       "size": opts.size, "rounds": rounds, "medians": med,
                       "ratios": [{"ratio": w, "value": r, "target": t, "verdict": v} for w, r, t, v in ratios]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
