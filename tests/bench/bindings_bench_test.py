#!/usr/bin/python3
"""The bindings benchmark command end to end (bench/bindings.py --quick): every case of every
runtime prints a positive figure, and optimised JS really took V8's fast path. Checks the command,
not the figures (those are for the benchmark's own full run)."""

import json
import os
import subprocess
import sys
import tempfile

root, build = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "bindings.json")
    done = subprocess.run(["/usr/bin/python3", os.path.join(root, "bench/bindings.py"), "--quick", "--build", build,
                           "--json", path], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with open(path) as f:
        results = json.load(f)

expected = {
    "duet_v8": ["empty loop", "noop fast", "noop slow", "add fast", "add slow", "crc32 1 KiB", "js add (not inlined)"],
    "duet_cpython": ["empty loop", "noop", "add", "crc32 1 KiB", "len(())", "abs(-1)", "builtin noop gc.isenabled()",
                     "builtin add operator.add", "builtin crc32 1 KiB zlib.crc32"],
    "python3_ctypes": ["noop ctypes", "add ctypes", "crc32 1 KiB ctypes"],
}
if os.path.exists(os.path.join(root, "third_party/libnode/usr/bin/node")):
    expected["node"] = ["noop napi", "add napi", "crc32 1 KiB napi", "js add (not inlined)"]
for runtime, cases in expected.items():
    for case in cases:
        value = results[runtime]["ns"][case]
        assert value > 0, f"{runtime} {case}: {value}"
assert results["duet_v8"]["fast_calls"] > 1000, results["duet_v8"]
for line in ["noop: duet fast path (v8::CFunction)", "add: duet slow path (FunctionCallback)",
             "reference: noop through ctypes", "x the builtin (net)", "fast path check:", "targets:"]:
    assert line in done.stdout, f"missing '{line}' in:\n{done.stdout}"
print("1 passed, 0 failed")
