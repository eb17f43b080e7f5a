"""ns per call into native code from Python. In duet (`duet exec calls.py duet`): the duet.bench /
duet.hash bindings beside C builtins with the same arguments, measured in the same interpreter.
In python3 (`python3 calls.py ctypes LIB.so`): the same calls through ctypes. Prints one JSON object;
bench/bindings.py runs it. Time is the process's CPU time, which other load on a shared machine
disturbs less than wall time."""

import gc
import json
import operator
import statistics
import sys
import time
import zlib
from itertools import repeat


def loop0(f, n):
    for _ in repeat(None, n):
        f()


def loop1(f, a, n):
    for _ in repeat(None, n):
        f(a)


def loop2(f, a, b, n):
    for _ in repeat(None, n):
        f(a, b)


def empty(n):
    for _ in repeat(None, n):
        pass


def measure(cases, reps, scale):
    out = {}
    for name, (n, call) in cases.items():
        n = max(1000, int(n * scale))
        call(n)  # warm up
        samples = []
        for _ in range(reps):
            t0 = time.process_time_ns()
            call(n)
            samples.append((time.process_time_ns() - t0) / n)
        out[name] = statistics.median(samples)
    return out


def main():
    mode = sys.argv[1]
    quick = "--quick" in sys.argv
    reps, scale = (3, 0.02) if quick else (11, 1.0)
    data = bytes([7]) * 1024
    N = 2_000_000
    cases = {
        "empty loop": (N, lambda n: empty(n)),
        "len(())": (N, lambda n: loop1(len, (), n)),
        "abs(-1)": (N, lambda n: loop1(abs, -1, n)),
        "builtin noop gc.isenabled()": (N, lambda n: loop0(gc.isenabled, n)),
        "builtin add operator.add": (N, lambda n: loop2(operator.add, 1, 2, n)),
        "builtin crc32 1 KiB zlib.crc32": (N // 50, lambda n: loop1(zlib.crc32, data, n)),
    }
    if mode == "duet":
        from duet import bench, hash
        cases.update({
            "noop": (N, lambda n: loop0(bench.noop, n)),
            "add": (N, lambda n: loop2(bench.add, 1, 2, n)),
            "crc32 1 KiB": (N // 50, lambda n: loop1(hash.crc32, data, n)),
        })
        runtime = "duet cpython"
    else:
        import ctypes
        lib = ctypes.CDLL(sys.argv[2])
        lib.noop.argtypes, lib.noop.restype = [], None
        lib.add.argtypes, lib.add.restype = [ctypes.c_int64, ctypes.c_int64], ctypes.c_int64
        lib.checksum.argtypes, lib.checksum.restype = [ctypes.c_char_p, ctypes.c_size_t], ctypes.c_uint32
        cases.update({
            "noop ctypes": (N // 4, lambda n: loop0(lib.noop, n)),
            "add ctypes": (N // 4, lambda n: loop2(lib.add, 1, 2, n)),
            "crc32 1 KiB ctypes": (N // 50, lambda n: loop2(lib.checksum, data, len(data), n)),
        })
        runtime = "python3 " + sys.version.split()[0]
    print(json.dumps({"runtime": runtime, "ns": measure(cases, reps, scale)}))


main()
