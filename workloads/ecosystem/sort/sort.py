# ecosystem/sort: data/sort's integers sorted by numpy.sort on an int64 array; data/sort's
# generator, result and known values. Twin of sort.js (Int32Array.prototype.sort).
import os
import runpy
from types import SimpleNamespace

import numpy

# The plain tier's twin (same generator, same known results): verify is its verify.
plain = SimpleNamespace(**runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/sort/sort.py")))
verify = plain.verify

# The plain tier's sampling: every 997th element into a checksum kept mod 2^31.
CHECK_MOD = 2147483648
SAMPLE = 997


def setup(params):
    return {"values": numpy.array(plain.setup(params)["values"], dtype=numpy.int64)}


def run(state):
    sorted_ = numpy.sort(state["values"])  # a sorted copy, as slice().sort() in the twin
    sampled = sorted_[::SAMPLE].tolist()  # Python ints: the result must be plain JSON
    acc = 0
    ordered = True
    for i in range(len(sampled)):
        acc = (acc * 31 + sampled[i]) % CHECK_MOD
        if i >= 1 and sampled[i - 1] > sampled[i]:
            ordered = False
    n = len(sorted_)
    return {
        "count": n,
        "min": int(sorted_[0]),
        "median": int(sorted_[n >> 1]),
        "max": int(sorted_[n - 1]),
        "ordered": ordered,
        "checksum": acc,
    }
