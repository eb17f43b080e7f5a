#!/usr/bin/python3
"""The net/ workloads' servers in duet against their standalone twins, driven by `duet load`:
node:net in duet vs Debian's node 18 (the same V8), asyncio in duet vs python3 + uvloop vs stock
asyncio. Every server is the workload's own file, started by bench/net/serve.{mjs,py}. Prints per
server the median throughput, p99 latency and the serving (main) thread's CPU time per request,
user+sys and user, read from /proc/PID/task/PID (the same thread in every runtime), then the ratios
the targets are stated in (docs/net-workloads.md): the ratio of the medians with its 95% interval
(a bootstrap over the rounds, each round's pair kept together) and its verdict ("met" or "missed"
only when the interval is wholly on one side of the target, else "cannot tell"), and beside it the
median and range of the same ratio taken round by round. For tcp-echo and http-hello it also runs `floor`,
a libuv server in C answering the same way (bench/net/floor_server.c): the user time this machine
charges for the syscalls alone, so each server's own work per message is its figure minus the floor's.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

from pin import CLIENT_CPU, SERVER_CPU, pin_problem, pinned
from stats import judge, ratio_interval

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")
PYTHON = "/usr/bin/python3"
SERVERS = ["floor", "duet-js", "node18", "duet-py", "uvloop", "stock"]
# (numerator, denominator, figure, target): duet-js within 10% of node 18; duet-py within 10% of
# uvloop and at least 2x better than stock asyncio on CPU per request.
TARGETS = [("duet-js", "node18", "per_second", ">=", 0.90), ("duet-js", "node18", "cpu_ns", "<=", 1.10),
           ("duet-py", "uvloop", "user_ns", "<=", 1.10), ("stock", "duet-py", "user_ns", ">=", 2.0)]
# node-http is issue 19's embedding check: the same Node in and out of duet, within 5%.
WORKLOAD_TARGETS = {"node-http": [("duet-js", "node18", "per_second", ">=", 0.95),
                                  ("duet-js", "node18", "cpu_ns", "<=", 1.05)]}
FLOOR_WORKLOADS = ["tcp-echo", "http-hello", "node-http"]  # what floor_server.c answers like
# node-http is no workload pair: a node:http server file (bench/net/node_http_hello.js) run by
# `duet exec`, which is Node itself, and by node 18, to hold embedding to costing nothing.
NODE_ONLY = {"node-http": "bench/net/node_http_hello.js"}
TICK_NS = 1e9 / os.sysconf("SC_CLK_TCK")


def server_argv(name, duet, workload, overrides):
    js, py = os.path.join(ROOT, "bench/net/serve.mjs"), os.path.join(ROOT, "bench/net/serve.py")
    js_args = [js, workload] + overrides
    if workload in NODE_ONLY:
        js_args = [os.path.join(ROOT, NODE_ONLY[workload])]
    node = os.path.join(LIBNODE, "bin/node")
    return {
        "floor": ([os.path.join(os.path.dirname(duet), "duet-net-floor")] + (["--http"] if workload != "tcp-echo" else []),
                  {}),
        "duet-js": ([duet, "exec"] + js_args, {}),
        # The same V8 flags as duet's Node, which turns on fast API calls (docs/node.md).
        "node18": ([node, "--turbo-fast-api-calls"] + js_args, {"LD_LIBRARY_PATH": os.path.join(LIBNODE, "lib/x86_64-linux-gnu")}),
        "duet-py": ([duet, "exec", py, workload] + overrides, {}),
        "uvloop": ([PYTHON, py, workload, "--uvloop"] + overrides, {}),
        "stock": ([PYTHON, py, workload] + overrides, {}),
    }[name]


def main_thread_cpu(pid):
    """(user+sys ns, user ns) of the process's main thread: schedstat's run time is exact; the
    user share comes from stat's clock ticks."""
    with open(f"/proc/{pid}/task/{pid}/schedstat") as f:
        total = int(f.read().split()[0])
    with open(f"/proc/{pid}/task/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    user_ticks, sys_ticks = int(fields[11]), int(fields[12])
    ticks = user_ticks + sys_ticks
    return total, total * user_ticks / ticks if ticks else 0.0


def load(duet, port, opts, requests):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = pinned([duet, "load", "--port", str(port), "--mode", opts.mode, "--connections", str(opts.connections),
                "--requests", str(requests), "--duration", "120", "--json", out.name], opts.pin, CLIENT_CPU)
        if opts.mode == "echo":
            argv += ["--size", str(opts.size)]
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise SystemExit(f"net: {' '.join(argv)} failed: {done.stderr.strip()}")
        return json.load(open(out.name))


def load_wrk(port, opts, seconds):
    """The external check for HTTP servers: wrk, one thread, the same connection count, for a
    bounded time. Its latency is per-thread and coarse; duet load's histogram stays the measure."""
    argv = pinned(["wrk", "-t1", f"-c{opts.connections}", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}/"],
                  opts.pin, CLIENT_CPU)
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"net: {' '.join(argv)} failed: {done.stderr.strip()}")
    completed = per_second = None
    percentiles = {}
    errors = 0
    for line in done.stdout.splitlines():
        words = line.split()
        if "requests in" in line:
            completed = int(words[0])
        elif line.startswith("Requests/sec:"):
            per_second = float(words[1])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            value, unit = float(words[1].rstrip("musn")), words[1].lstrip("0123456789.")
            percentiles[words[0]] = value * {"us": 1e3, "ms": 1e6, "s": 1e9}[unit]
        elif line.strip().startswith(("Socket errors", "Non-2xx")):
            errors += sum(int(x) for x in line.replace(",", " ").split() if x.isdigit())
    return {"completed": completed, "throughput_per_s": per_second,
            "latency": {"p50_ns": percentiles["50%"], "p99_ns": percentiles["99%"]}, "errors": {"total": errors}}


def one_round(name, opts):
    argv, env = server_argv(name, opts.duet, opts.workload, opts.param)
    proc = subprocess.Popen(pinned(argv, opts.pin, SERVER_CPU), stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, **env), cwd=ROOT)
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"net: server {name} exited before printing its port: {' '.join(argv)}")
        port = json.loads(line)["port"]
        load(opts.duet, port, opts, max(opts.requests // 10, opts.connections))  # warm up (JIT, buffers)
        cpu0, user0 = main_thread_cpu(proc.pid)
        result = load_wrk(port, opts, opts.wrk_seconds) if opts.client == "wrk" else load(opts.duet, port, opts, opts.requests)
        cpu1, user1 = main_thread_cpu(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    n = result["completed"]
    return {"per_second": result["throughput_per_s"], "p50_us": result["latency"]["p50_ns"] / 1e3,
            "p99_us": result["latency"]["p99_ns"] / 1e3, "cpu_ns": (cpu1 - cpu0) / n, "user_ns": (user1 - user0) / n,
            "completed": n, "errors": result["errors"]["total"]}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    parser.add_argument("--workload", default="tcp-echo", choices=["tcp-echo", "http-hello", "fan-out", "node-http"])
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated, from the default list")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved, the order reversed every other round")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--size", type=int, default=64, help="echo: bytes per message")
    parser.add_argument("--requests", type=int, default=50000, help="per round")
    parser.add_argument("--param", action="append", default=[], metavar="K=V", help="a workload param (JSON value)")
    parser.add_argument("--client", choices=["duet", "wrk"], default="duet",
                        help="the load generator: duet load (default) or wrk (HTTP workloads only)")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="wrk: seconds per round")
    parser.add_argument("--pin", action="store_true",
                        help="run every server on CPU 0 and the load generator on CPU 1 (taskset)")
    parser.add_argument("--json", metavar="FILE", help="also write rounds, medians and ratios as JSON")
    opts = parser.parse_args(argv)
    opts.mode = "echo" if opts.workload == "tcp-echo" else "http"
    if opts.client == "wrk" and opts.mode != "http":
        parser.error("--client wrk speaks HTTP: choose an HTTP workload (http-hello, node-http)")
    if opts.pin and pin_problem():
        parser.error(pin_problem())
    servers = [s for s in opts.servers.split(",") if s]
    if opts.workload not in FLOOR_WORKLOADS:
        servers = [s for s in servers if s != "floor"]
    if opts.workload in NODE_ONLY:
        servers = [s for s in servers if s in ("floor", "duet-js", "node18")]
    unknown = [s for s in servers if s not in SERVERS]
    if unknown:
        parser.error(f"unknown server(s) {', '.join(unknown)}; choose from {', '.join(SERVERS)}")

    rounds = {name: [] for name in servers}
    for r in range(opts.rounds):
        for name in (servers if r % 2 == 0 else servers[::-1]):
            rounds[name].append(one_round(name, opts))
    keys = ["per_second", "p50_us", "p99_us", "cpu_ns", "user_ns"]
    medians = {name: {k: statistics.median(x[k] for x in rs) for k in keys} for name, rs in rounds.items()}

    what = f"{opts.size} B echo" if opts.mode == "echo" else "HTTP GET"
    per_round = f"{opts.wrk_seconds} s of {what} (wrk)" if opts.client == "wrk" else f"{opts.requests} x {what} (duet load)"
    print(f"net/{opts.workload}: {opts.connections} connections, {per_round} per round, {opts.rounds} round(s); medians")
    floor = medians.get("floor")
    for m in medians.values():
        m["user_above_floor_ns"] = m["user_ns"] - floor["user_ns"] if floor else None
    print(f"  {'server':<10} {'req/s':>10} {'p50 µs':>9} {'p99 µs':>9} {'CPU ns/req':>11} {'user ns/req':>12}"
          + (f" {'above floor':>12}" if floor else ""))
    for name, m in medians.items():
        print(f"  {name:<10} {m['per_second']:>10.0f} {m['p50_us']:>9.1f} {m['p99_us']:>9.1f} {m['cpu_ns']:>11.0f} "
              f"{m['user_ns']:>12.0f}" + (f" {m['user_above_floor_ns']:>12.0f}" if floor else ""))
    ratios = []

    def quotient(num_value, den_value):
        # A run too short for one clock tick of user time has no user ratio (null, "n/a").
        return num_value / den_value if den_value > 0 else None

    def in_round(name, key, i):
        if key == "user_above_floor_ns":
            return rounds[name][i]["user_ns"] - rounds["floor"][i]["user_ns"]
        return rounds[name][i][key]

    rng = random.Random(1)  # fixed: the same rounds give the same intervals

    def add_ratio(label, num, den, key, op, target):
        value = quotient(medians[num][key], medians[den][key])
        # The same ratio round by round: the two servers of a round run back to back, so a drift
        # of the machine's speed over minutes (±30% seen on this VM) cancels within each pair, and
        # the interval's bootstrap keeps each round's pair together.
        pairs = [(in_round(num, key, i), in_round(den, key, i)) for i in range(opts.rounds)]
        pairs = [(a, b) for a, b in pairs if b > 0]
        paired = [a / b for a, b in pairs]
        ci95 = ratio_interval([a for a, _ in pairs], [b for _, b in pairs], rng) if value is not None else None
        ratios.append({"ratio": label, "value": value, "target": f"{op} {target}", "ci95": ci95,
                       "verdict": "n/a" if value is None else judge(ci95, target, at_least=op == ">="),
                       "per_round": {"median": statistics.median(paired), "min": min(paired), "max": max(paired),
                                     "rounds": len(paired)} if paired else None})

    for num, den, key, op, target in WORKLOAD_TARGETS.get(opts.workload, TARGETS):
        if num in medians and den in medians:
            add_ratio(f"{num}/{den} {key}", num, den, key, op, target)
            if key == "user_ns" and floor:  # the same ratio on the servers' own work
                add_ratio(f"{num}/{den} user above floor", num, den, "user_above_floor_ns", op, target)
    for r in ratios:
        shown = "-" if r["value"] is None else f"{r['value']:.3f}"
        ci = f"[{r['ci95'][0]:.3f}-{r['ci95'][1]:.3f}]" if r["ci95"] else ""
        pr = r["per_round"]
        paired = f"  per round: median {pr['median']:.3f}, {pr['min']:.3f}-{pr['max']:.3f}" if pr else ""
        print(f"  {r['ratio']:<34} {shown:>6} {ci:<13}  {r['target']:<7} {r['verdict']:<20}{paired}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"schema": "duet-net-bench/1", "workload": opts.workload, "mode": opts.mode,
                       "connections": opts.connections, "size": opts.size if opts.mode == "echo" else None,
                       "requests": opts.requests, "rounds": rounds, "medians": medians, "ratios": ratios}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
