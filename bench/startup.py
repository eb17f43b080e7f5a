#!/usr/bin/python3
"""Start-up of one empty script, duet against the standalone runtimes, as ratios of medians over
interleaved runs: `duet exec empty.js` vs Debian's node 18 (the same libnode), and `duet exec
empty.py` vs build/duet-python3 (the same libpython3.11.a as duet; judged) and /usr/bin/python3
(LTO+PGO; printed). The system's node (NodeSource's node 20 on these machines) runs too when there
is one: Debian builds node 18 without V8's start-up snapshot, and node 20's figure shows what that
costs (the cold-start claim's caveat, workloads/claims.json).

Each run is timed twice: wall time, and the CPU time the kernel charged the process (user + sys,
from wait4), which a busy neighbour on a shared machine disturbs less. Every ratio comes with its
95% interval (percentile bootstrap over the runs, each run's commands kept together: they ran
back to back), and the verdict is "met" or "missed" only when the whole interval is on one side of
the target; otherwise it says the run cannot tell.
Usage: bench/startup.py [--runs N] [--duet PATH] [--json FILE]."""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from stats import ratio_interval, target_verdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")
TARGET = 1.10  # issue 19: duet's start-up at most 10% over the standalone runtime's
# (duet's command, the standalone one it is judged against, judged or only printed)
# Python is judged against the python3 linked from the same libpython3.11.a, as issue 19 measures
# Python's overhead: /usr/bin/python3 is built with LTO and PGO, which no packaged library has, and
# that build alone is worth several percent at start-up; its ratio is printed beside.
RATIOS = [("duet exec empty.js", "node18 empty.js", True), ("duet exec empty.py", "duet-python3 empty.py", True),
          ("duet exec empty.py", "python3 empty.py", False)]


def timed_run(command, env):
    """(wall seconds, CPU seconds) of one run of `command`, which must exit 0."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench/startup.py: {' '.join(command)} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command, interleaved")
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    parser.add_argument("--json", metavar="FILE", help="also write every run's times and the ratios as JSON")
    opts = parser.parse_args(argv)
    build = os.path.dirname(opts.duet)
    node = os.path.join(LIBNODE, "bin/node") if os.path.exists(os.path.join(LIBNODE, "bin/node")) else "node"
    node_env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(LIBNODE, "lib/x86_64-linux-gnu"))
    system_node = shutil.which("node")
    system_version = subprocess.run([system_node, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip() \
        if system_node else ""
    with tempfile.TemporaryDirectory() as scratch:
        js, py = os.path.join(scratch, "empty.js"), os.path.join(scratch, "empty.py")
        for path in (js, py):
            open(path, "w").close()
        commands = {
            "duet exec empty.js": ([opts.duet, "exec", js], None),
            "node18 empty.js": ([node, js], node_env),
            "duet exec empty.py": ([opts.duet, "exec", py], None),
            "python3 empty.py": (["/usr/bin/python3", py], None),
            "duet-python3 empty.py": ([os.path.join(build, "duet-python3"), py], None),
        }
        if system_version and not system_version.startswith("v18."):
            commands[f"node {system_version} empty.js"] = ([system_node, js], None)
        runs = {name: {"wall": [], "cpu": []} for name in commands}
        for done in range(opts.runs):
            for name, (command, env) in commands.items():
                wall, cpu = timed_run(command, env)
                runs[name]["wall"].append(wall)
                runs[name]["cpu"].append(cpu)
            print(f"\r{done + 1}/{opts.runs} runs", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    rng = random.Random(1)
    print(f"start-up of an empty script, medians of {opts.runs} interleaved runs (load average "
          f"{os.getloadavg()[0]:.2f})")
    print(f"  {'':<24} {'wall':>8}    {'CPU':>8}")
    for name, times in runs.items():
        print(f"  {name:<24} {statistics.median(times['wall']) * 1e3:8.1f} ms {statistics.median(times['cpu']) * 1e3:8.1f} ms")
    ratios = []
    for duet, standalone, judged in RATIOS:
        row = {"duet": duet, "standalone": standalone}
        ratios.append(row)
        label = f"{duet.split()[-1].split('.')[1]}: duet/{standalone.split()[0]}"  # "py: duet/python3"
        for kind in ("wall", "cpu"):
            a, b = runs[duet][kind], runs[standalone][kind]
            ratio, interval = statistics.median(a) / statistics.median(b), ratio_interval(a, b, rng)
            row[kind] = {"ratio": ratio, "ci95": interval}
            span = f"[{interval[0]:.3f}-{interval[1]:.3f}]" if interval else ""
            note = target_verdict(interval, TARGET) if judged else "(/usr/bin/python3's LTO+PGO build; printed, not judged)"
            print(f"  {label:<26} {kind:<4} {ratio:.3f} {span:<13} {note}")
    system = f"node {system_version} empty.js"
    if system in runs:
        print(f"  node18/{system_version:<19} wall {statistics.median(runs['node18 empty.js']['wall']) / statistics.median(runs[system]['wall']):.3f}"
              "  (Debian's node 18 has no start-up snapshot; this node's build has one)")
    if opts.json:
        with open(opts.json, "w") as out:
            json.dump({"runs": opts.runs, "seconds": runs, "ratios": ratios, "target": TARGET}, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
