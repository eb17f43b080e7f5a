#!/usr/bin/python3
"""Run-to-run stability of duet's medians: runs `duet run` several times over the same workloads and
prints, per workload and runtime, the coefficient of variation (stdev/mean) of the median across runs,
next to the typical within-run CV, and the CV of the py/js ratio (the figure interleaving protects
from machine drift). A benchmark of the harness, not a test: it prints figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("paths", nargs="*", help="workload folders (default: the bundled suite)")
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    parser.add_argument("--repeats", type=int, default=5, help="duet runs (default: 5)")
    parser.add_argument("--filter", default="^cpu/", help="workloads (default: ^cpu/, the CPU-bound ones)")
    parser.add_argument("--duet-args", default="", help="extra arguments for duet run, e.g. '--time-budget 2'")
    opts = parser.parse_args(argv)

    medians = {}  # (workload, runtime) -> [median per run]
    ratios = {}   # workload -> [cpython/v8 ratio per run]: interleaving should make these steadier
    within = {}   # (workload, runtime) -> [cv per run]
    with tempfile.TemporaryDirectory(prefix="duet-stability-") as tmp:
        for i in range(opts.repeats):
            path = os.path.join(tmp, f"run{i}.json")
            command = [opts.duet, "run", "--no-history", "--filter", opts.filter, "--json", path] + opts.duet_args.split() + opts.paths
            print(f"run {i + 1}/{opts.repeats}: {' '.join(command[1:])}", file=sys.stderr)
            subprocess.run(command, stdout=subprocess.DEVNULL, cwd=ROOT, check=False)
            with open(path) as f:
                doc = json.load(f)
            for w in doc["workloads"]:
                if w["ratio"]["cpython_over_v8"] is not None:
                    ratios.setdefault(f"{w['category']}/{w['name']}", []).append(w["ratio"]["cpython_over_v8"])
                for runtime, lane in w["runtimes"].items():
                    if lane["error"] is None and lane["stats"]["wall"]:
                        key = (f"{w['category']}/{w['name']}", runtime)
                        medians.setdefault(key, []).append(lane["stats"]["wall"]["median_ns"])
                        within.setdefault(key, []).append(lane["stats"]["wall"]["cv"])

    print(f"{'workload':<24} {'runtime':<8} {'median of medians':>18} {'run-to-run CV':>14} {'within-run CV':>14}")
    for (workload, runtime), values in sorted(medians.items()):
        mean = statistics.fmean(values)
        cv = statistics.stdev(values) / mean if len(values) > 1 and mean > 0 else 0.0
        print(f"{workload:<24} {runtime:<8} {statistics.median(values) / 1e6:>15.3f} ms {100 * cv:>13.2f}% "
              f"{100 * statistics.median(within[(workload, runtime)]):>13.2f}%")
    print(f"\n{'workload':<24} {'py/js ratio (median)':>21} {'run-to-run CV':>14}")
    for workload, values in sorted(ratios.items()):
        mean = statistics.fmean(values)
        cv = statistics.stdev(values) / mean if len(values) > 1 else 0.0
        print(f"{workload:<24} {statistics.median(values):>21.2f} {100 * cv:>13.2f}%")
    print(f"\n{opts.repeats} runs of: duet run --filter '{opts.filter}' {opts.duet_args}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
