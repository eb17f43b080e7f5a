#!/usr/bin/python3
"""The web servers (workloads/web) in duet against the same files standalone, under the same load:
each JS server in `duet exec` (Node itself, embedded, on duet's loop) and in Debian's node 18; each
Python server in `duet exec` (duet's loop), in /usr/bin/python3 (the asyncio ones on stock asyncio
and on uvloop too) and in build/duet-python3, a python3 linked from the same libpython3.11.a as
duet (/usr/bin/python3 has LTO and PGO, which no packaged library has). Every server gets a fresh
process per round and a warm-up, then `duet load` drives one TechEmpower test (pipelined 16 deep
for plaintext) with every response checked (`--check`; a wrong one stops the benchmark with the
response shown), or the WebSocket room (`--tests ws-room`, node-http and aiohttp: every delivery
checked, figures per delivery). Prints per test and server the median requests/s, p99 and the
server process's CPU time per request (all its threads, exact, from /proc/PID/task/*/schedstat),
then duet's ratio to each standalone host per framework and test, as a ratio of the medians and as
the median and range of the same ratio taken round by round, and whether the two servers' 95%
intervals (percentile bootstrap of the median over the rounds) overlap in requests/s and in CPU.
Last, issue 21's target against the like-for-like hosts (node18, duet-python3): each ratio's own
95% interval over paired rounds, and "met" or "missed" only when it is wholly on one side.
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys

from pin import CLIENT_CPU, SERVER_CPU, pin_problem, pinned
from stats import median_interval, overlap, ratio_interval, target_verdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEB = os.path.join(ROOT, "workloads/web")
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")
PYTHON = "/usr/bin/python3"
# framework -> (file under workloads/web, asyncio or not)
FRAMEWORKS = {
    "node-http": ("js/node-http.js", False), "express": ("js/express.js", False), "fastify": ("js/fastify.js", False),
    "nest": ("js/nest.js", False), "aiohttp": ("py/aiohttp_server.py", True), "starlette": ("py/starlette_server.py", True),
    "fastapi": ("py/fastapi_server.py", True), "flask": ("py/flask_server.py", False),
    "django": ("py/django_server.py", False),
}
# test -> (path, check, pipeline): the same as duet run's (host/harness/workload_pair.cc WebTests()).
TESTS = {
    "json": ("/json", "json", 1), "plaintext": ("/plaintext", "plaintext", 16), "db": ("/db", "db", 1),
    "queries-1": ("/queries?queries=1", "queries", 1), "queries-5": ("/queries?queries=5", "queries", 1),
    "queries-20": ("/queries?queries=20", "queries", 1), "fortunes": ("/fortunes", "fortunes", 1),
    "updates-1": ("/updates?queries=1", "updates", 1), "updates-20": ("/updates?queries=20", "updates", 1),
    # The WebSocket room (duet load --mode ws-room): its figures count deliveries, each message once
    # per member; only the servers with a room serve it.
    "ws-room": ("/room", None, 1),
}
ROOM_FRAMEWORKS = {"node-http", "aiohttp"}
HOSTS = ["duet", "node18", "python3", "duet-python3", "uvloop"]  # hosts_for()'s names
# Issue 21's target, judged against the like-for-like host (the same libnode, the same
# libpython3.11.a): embedding costs nothing visible, duet within 5% of it in requests/s and CPU per
# request for the tests without a database, and within 10% (or with overlapping intervals) for the
# database tests, where PostgreSQL, server and load generator share the machine's cores.
JUDGED_AGAINST = {"node18", "duet-python3"}
NO_DATABASE = {"json", "plaintext"}


def tolerance(test):
    return 0.05 if test in NO_DATABASE else 0.10
def hosts_for(framework, duet, db):
    """[(host name, argv, extra env)] for one framework: duet first, then the standalone ones."""
    path, is_async = FRAMEWORKS[framework]
    script = os.path.join(WEB, path)
    args = ["--db", db]
    if path.startswith("js/"):
        node = os.path.join(LIBNODE, "bin/node")
        return [("duet", [duet, "exec", script] + args, {}),
                ("node18", [node, "--turbo-fast-api-calls", script] + args,
                 {"LD_LIBRARY_PATH": os.path.join(LIBNODE, "lib/x86_64-linux-gnu")})]
    # duet-python3: a python3 linked from the same libpython3.11.a as duet (Debian's /usr/bin/python3
    # is built with LTO and PGO, which no packaged library is): what embedding alone changes.
    same_lib = os.path.join(os.path.dirname(duet), "duet-python3")
    hosts = [("duet", [duet, "exec", script] + args, {}), ("python3", [PYTHON, script] + args, {})]
    if os.path.exists(same_lib):
        hosts.append(("duet-python3", [same_lib, script] + args, {}))
    if is_async:
        hosts.append(("uvloop", [PYTHON, script] + args + ["--uvloop"], {}))
    return hosts


def process_cpu_ns(pid):
    """CPU time of every live thread of the process (schedstat's run time: exact, user + sys)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return total


def load(duet, port, test, opts, requests):
    path, check, pipeline = TESTS[test]
    argv = [duet, "load", "--port", str(port), "--path", path, "--connections", str(opts.connections),
            "--requests", str(requests), "--duration", "120", "--json", "-"]
    if check is None:
        argv += ["--mode", "ws-room", "--timeout", "10"]
    else:
        argv += ["--mode", "http", "--check", check, "--pipeline", str(pipeline)]
    done = subprocess.run(pinned(argv, opts.pin, CLIENT_CPU), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"web: {' '.join(argv)} failed (exit {done.returncode}):\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def one_round(framework, host, argv, env, test, opts):
    proc = subprocess.Popen(pinned(argv, opts.pin, SERVER_CPU), stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, **env), cwd=WEB)
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"web: {framework} in {host} exited before printing its port: {' '.join(argv)}")
        port = json.loads(line)["port"]
        load(opts.duet, port, test, opts, max(opts.requests // 10, opts.connections))  # warm up (JIT, pools)
        cpu0 = process_cpu_ns(proc.pid)
        result = load(opts.duet, port, test, opts, opts.requests)
        cpu1 = process_cpu_ns(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    n = result["completed"]
    return {"per_second": result["throughput_per_s"], "p99_us": result["latency"]["p99_ns"] / 1e3,
            "cpu_ns": (cpu1 - cpu0) / n, "completed": n}


def start_database(duet):
    """A private PostgreSQL with TechEmpower's tables (`duet pg start --techempower`): its URL and process."""
    proc = subprocess.Popen([duet, "pg", "start", "--techempower"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    url = proc.stdout.readline().strip()
    if not url:
        raise SystemExit(f"web: duet pg start failed:\n{proc.stderr.read()}")
    return url, proc


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    parser.add_argument("--frameworks", default="node-http,aiohttp", help=f"comma-separated: {','.join(FRAMEWORKS)}")
    parser.add_argument("--tests", default="json,plaintext,db,fortunes", help=f"comma-separated: {','.join(TESTS)}")
    parser.add_argument("--hosts", default=",".join(HOSTS),
                        help=f"comma-separated, duet always included (default: all of {','.join(HOSTS)}); "
                             "duet,node18,duet-python3 are the ones issue 21's target is judged against")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved, the order reversed every other round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=5000, help="per round and test")
    parser.add_argument("--pg-url", help="an existing database holding TechEmpower's tables (default: a private cluster)")
    parser.add_argument("--pin", action="store_true",
                        help="run every server on CPU 0 and the load generator on CPU 1 (taskset); "
                             "PostgreSQL stays unpinned")
    parser.add_argument("--json", metavar="FILE", help="also write the rounds, medians and ratios as JSON")
    parser.add_argument("--from", dest="from_file", metavar="FILE",
                        help="print the figures of an earlier --json FILE again instead of measuring")
    opts = parser.parse_args(argv)
    if opts.from_file:
        with open(opts.from_file) as f:
            saved = json.load(f)
        if saved.get("schema") != "duet-web-bench/1":
            sys.exit(f"web.py: {opts.from_file} is not a duet-web-bench/1 document")
        opts.connections, opts.requests = saved["connections"], saved["requests"]
        return report(saved["rounds"], opts)
    if opts.pin and pin_problem():
        parser.error(pin_problem())
    frameworks = [f for f in opts.frameworks.split(",") if f]
    tests = [t for t in opts.tests.split(",") if t]
    hosts = {"duet"} | {h for h in opts.hosts.split(",") if h}
    for name, known, asked in (("framework", FRAMEWORKS, frameworks), ("test", TESTS, tests), ("host", HOSTS, hosts)):
        unknown = [x for x in asked if x not in known]
        if unknown:
            parser.error(f"unknown {name}(s) {', '.join(unknown)}; choose from {', '.join(known)}")

    database = None
    url = opts.pg_url
    if not url:
        url, database = start_database(opts.duet)
    try:
        rounds = {}
        for test in tests:
            servers = [(f, h, a, e) for f in frameworks for (h, a, e) in hosts_for(f, opts.duet, url)
                       if (test != "ws-room" or f in ROOM_FRAMEWORKS) and h in hosts]
            for r in range(opts.rounds):
                for framework, host, args, env in (servers if r % 2 == 0 else servers[::-1]):
                    print(f"{test} round {r + 1}/{opts.rounds}: {framework}@{host}", file=sys.stderr, flush=True)
                    rounds.setdefault(test, {}).setdefault(f"{framework}@{host}", []).append(
                        one_round(framework, host, args, env, test, opts))
    finally:
        if database:
            database.send_signal(signal.SIGINT)  # stops the cluster and removes its directory
            database.wait(timeout=20)
    return report(rounds, opts)


def verdicts(test, ci95, overlaps):
    """Per figure, issue 21's verdict for one framework and test: "met" or "missed" only when the
    ratio's interval is wholly on one side of the target. Requests/s is held to a floor (duet/this
    at least 1 - tolerance) and CPU per request to a ceiling; a database test whose two servers'
    intervals overlap meets it too."""
    tol = tolerance(test)
    out = {}
    for key, label in (("per_second", "req/s"), ("cpu_ns", "CPU")):
        ci = ci95[key]
        if ci is None:
            out[key] = f"{label}: one round, no interval"
        elif test not in NO_DATABASE and overlaps[key]:
            out[key] = f"{label} met (intervals overlap)"
        else:
            floor = key == "per_second"
            out[key] = target_verdict(ci, 1 - tol if floor else 1 + tol, at_least=floor, subject=label)
    return out


def report(rounds, opts):
    """Prints the medians and ratios of `rounds` ({test: {framework@host: [one_round()...]}}) and
    writes them to --json."""
    keys = ["per_second", "p99_us", "cpu_ns"]
    rng = random.Random(1)  # fixed: the same rounds give the same intervals
    medians = {t: {s: {k: statistics.median(x[k] for x in rs) for k in keys} |
                      {k + "_ci95": median_interval([x[k] for x in rs], rng) for k in ("per_second", "cpu_ns")}
                   for s, rs in by.items()}
               for t, by in rounds.items()}
    ratios = []
    judged = []
    round_count = max((len(rs) for by in rounds.values() for rs in by.values()), default=0)
    print(f"web: {opts.connections} connections, {opts.requests} requests per round and test, {round_count} round(s); "
          "medians; every response checked")
    for test, by in medians.items():
        room = TESTS[test][1] is None
        unit = "dlv" if room else "req"
        title = f"a WebSocket room at {TESTS[test][0]}, per delivery" if room else \
            f"GET {TESTS[test][0]}{', pipelined 16' if TESTS[test][2] > 1 else ''}"
        print(f"\n{test} ({title})")
        print(f"  {'server':<22} {unit + '/s':>9} {'p99 µs':>9} {'CPU µs/' + unit:>11}  duet/this {unit}/s  duet/this CPU"
              f"  per round: {unit}/s, CPU (median, range)  95% CIs overlap: {unit}/s, CPU")
        for server, m in by.items():
            framework, host = server.split("@")
            duet = by.get(f"{framework}@duet")
            ratio = ""
            if host != "duet" and duet:
                rps, cpu = duet["per_second"] / m["per_second"], duet["cpu_ns"] / m["cpu_ns"] if m["cpu_ns"] else None
                # The same ratios round by round: a framework's servers run back to back within a
                # round, so a drift of the machine's speed over minutes cancels within each pair.
                pairs = list(zip(rounds[test][f"{framework}@duet"], rounds[test][server]))
                paired = {k: [d[k] / o[k] for d, o in pairs if o[k]] for k in ("per_second", "cpu_ns")}
                per_round = {k: {"median": statistics.median(v), "min": min(v), "max": max(v)} for k, v in paired.items() if v}
                overlaps = {k: overlap(duet[k + "_ci95"], m[k + "_ci95"]) for k in ("per_second", "cpu_ns")}
                # The ratio of medians' own 95% interval, each round's pair kept together.
                ci95 = {k: ratio_interval([d[k] for d, o in pairs if o[k]], [o[k] for d, o in pairs if o[k]], rng)
                        for k in ("per_second", "cpu_ns")}
                row = {"test": test, "framework": framework, "against": host, "per_second": rps, "cpu_ns": cpu,
                       "per_round": per_round, "ci95_overlap": overlaps, "ratio_ci95": ci95}
                ratio = f"  {rps:>15.3f}  {cpu:>13.3f}" if cpu else f"  {rps:>15.3f}  {'-':>13}"
                ratio += "  " + ", ".join(f"{r['median']:.3f} ({r['min']:.3f}-{r['max']:.3f})" for r in per_round.values())
                ratio += "  " + ", ".join({True: "yes", False: "no", None: "-"}[v] for v in overlaps.values())
                if host in JUDGED_AGAINST:
                    row["verdict"] = verdicts(test, ci95, overlaps)
                    judged.append((test, server, ci95, row["verdict"]))
                ratios.append(row)
            print(f"  {server:<22} {m['per_second']:>9.0f} {m['p99_us']:>9.0f} {m['cpu_ns'] / 1e3:>11.1f}{ratio}")
    if judged:
        print(f"\nissue 21's target against the same libnode / libpython3.11.a: duet/this requests/s at least "
              f"{1 - tolerance('json'):.2f} and CPU per request at most {1 + tolerance('json'):.2f} on json and "
              f"plaintext, {1 - tolerance('db'):.2f} and {1 + tolerance('db'):.2f} (or overlapping 95% intervals) "
              "with a database; judged on the ratio's 95% interval over paired rounds")
        for test, server, ci95, verdict in judged:
            spans = "  ".join(f"{k} [{ci[0]:.3f}-{ci[1]:.3f}]" if ci else f"{k} -" for k, ci in
                              (("req/s", ci95["per_second"]), ("CPU", ci95["cpu_ns"])))
            print(f"  {test:<11} {server:<22} {spans}  {verdict['per_second']}; {verdict['cpu_ns']}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"schema": "duet-web-bench/1", "connections": opts.connections, "requests": opts.requests,
                       "rounds": rounds, "medians": medians, "ratios": ratios}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
