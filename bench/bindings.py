#!/usr/bin/python3
"""What a call into native code costs: ns per call for a no-op, an (int, int) -> int add and a
CRC-32 of 1 KiB, through duet's bindings from JavaScript (V8 fast path and slow path) and Python,
beside the physical references measured in the same run: a JS-to-JS call, C builtins with the same
arguments in duet's CPython, Node-API in standalone node 18 and ctypes in /usr/bin/python3.
Medians of 11 runs of process CPU time per case; 'net' subtracts the empty loop of the same
runtime. Output format: docs/bindings.md. Needs a build (scripts/build)."""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")


def run_json(argv, env=None):
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, **(env or {})))
    if done.returncode != 0:
        sys.exit(f"bench/bindings.py: {' '.join(argv)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="duet's build folder (default: build/)")
    parser.add_argument("--quick", action="store_true", help="few, short runs: checks the command, not the figures")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    opts = parser.parse_args()
    quick = ["--quick"] if opts.quick else []
    duet = os.path.join(opts.build, "duet")
    here = os.path.join(ROOT, "bench/bindings")

    results = {"duet_v8": run_json([duet, "exec", os.path.join(here, "calls_duet.mjs")] + quick),
               "duet_cpython": run_json([duet, "exec", os.path.join(here, "calls.py"), "duet"] + quick)}
    node = os.path.join(LIBNODE, "bin/node")
    if os.path.exists(node):
        results["node"] = run_json([node, os.path.join(here, "calls_node.mjs"),
                                    os.path.join(opts.build, "bench/duet_bench_napi.node")] + quick,
                                   {"LD_LIBRARY_PATH": os.path.join(LIBNODE, "lib/x86_64-linux-gnu")})
    results["python3_ctypes"] = run_json(["/usr/bin/python3", os.path.join(here, "calls.py"), "ctypes",
                                          os.path.join(opts.build, "bench/libduet_bench_native.so")] + quick)

    def row(label, ns, empty, extra=""):
        print(f"  {label:<44} {ns:8.2f} {ns - empty:8.2f}  {extra}")

    print("ns per call (median of runs, process CPU time); net = minus the empty loop of the same runtime")
    print(f"  {'':<44} {'gross':>8} {'net':>8}")
    js = results["duet_v8"]["ns"]
    print("JavaScript, V8 10.2 in duet")
    row("empty loop", js["empty loop"], js["empty loop"])
    for case in ("noop", "add"):
        row(f"{case}: duet fast path (v8::CFunction)", js[f"{case} fast"], js["empty loop"])
        row(f"{case}: duet slow path (FunctionCallback)", js[f"{case} slow"], js["empty loop"])
    row("crc32 1 KiB: duet (slow path: bytes)", js["crc32 1 KiB"], js["empty loop"])
    row("reference: JS-to-JS add, not inlined", js["js add (not inlined)"], js["empty loop"])
    if "node" in results:
        nd = results["node"]["ns"]
        print("JavaScript, standalone node 18 (same V8)")
        row("empty loop", nd["empty loop"], nd["empty loop"])
        for case in ("noop", "add", "crc32 1 KiB"):
            row(f"reference: {case} through Node-API", nd[f"{case} napi"], nd["empty loop"])
        row("reference: JS-to-JS add, not inlined", nd["js add (not inlined)"], nd["empty loop"])

    py = results["duet_cpython"]["ns"]
    e = py["empty loop"]
    print("Python, CPython 3.11 in duet")
    row("empty loop", e, e)
    ratios = {}
    for case, builtin, label in (("noop", "builtin noop gc.isenabled()", "gc.isenabled()"),
                                 ("add", "builtin add operator.add", "operator.add(1, 2)"),
                                 ("crc32 1 KiB", "builtin crc32 1 KiB zlib.crc32", "zlib.crc32 of 1 KiB")):
        ratios[case] = (py[case] - e) / (py[builtin] - e)
        row(f"{case}: duet binding (METH_FASTCALL)", py[case], e, f"{ratios[case]:.2f}x the builtin (net)")
        row(f"reference: C builtin {label}", py[builtin], e)
    row("reference: len(())", py["len(())"], e)
    row("reference: abs(-1)", py["abs(-1)"], e)
    ct = results["python3_ctypes"]["ns"]
    print(f"Python, /usr/bin/python3 {results['python3_ctypes']['runtime'].split()[-1]}")
    row("empty loop", ct["empty loop"], ct["empty loop"])
    for case in ("noop", "add", "crc32 1 KiB"):
        row(f"reference: {case} through ctypes", ct[f"{case} ctypes"], ct["empty loop"])

    fast = results["duet_v8"]["fast_calls"]
    print(f"fast path check: {fast} calls took V8's fast path (v8::CFunction) during the JS run")
    print("targets: JS no-op fast path <= 3 ns: {:.2f} ({}); slow path <= 6 ns: {:.2f} ({}); "
          "Python <= 1.5x a C builtin with the same arguments: {} ({})".format(
              js["noop fast"], "met" if js["noop fast"] <= 3 else "NOT met",
              js["noop slow"], "met" if js["noop slow"] <= 6 else "NOT met",
              ", ".join(f"{c} {r:.2f}x" for c, r in ratios.items()),
              "met" if all(r <= 1.5 for r in ratios.values()) else "NOT met"))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")


main()
