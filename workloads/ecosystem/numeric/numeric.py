# ecosystem/numeric: the numeric kernel people bring numpy for: vector arithmetic on float64
# arrays (z = 2.5 x + y, then the mean of sqrt(z^2 + 1) and the dot product x.y) and a matrix
# product A @ B (BLAS dgemm: OpenBLAS when the bootstrap installed it). Twin of numeric.js
# (Float64Array loops and ml-matrix's mmul).
import os
import runpy
from types import SimpleNamespace

import numpy

# The inputs come from data/sort's generator: integers below 10^9, folded into small ranges.
plain = SimpleNamespace(**runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/sort/sort.py")))

# Results for the shipped sizes, agreed by numpy and the JS twin; verify() checks these.
# mean_micro is the mean of sqrt(z^2 + 1) in millionths: numpy sums pairwise and the JS loop
# sequentially, so the float sums differ in their last bits; rounded to millionths of a mean near
# 20 (a relative tolerance of about 3e-8) they agree, and verify() allows one millionth either way.
# Every other figure is exact: x and y are multiples of 1/64 and A and B small integers, so dot
# products and matrix entries are exact in float64 whatever the summation order.
KNOWN = {
    "1000:16:20240601": [20277699, -7293229, 2724, 377],
    "1000000:300:20240601": [20663786, 782763383, 56536, 470],
    "10000000:1000:20240601": [20639570, -776830894, 523332, 20730],
}


def setup(params):
    n, m = params["n"], params["m"]
    values = plain.setup({"count": 2 * n + 2 * m * m, "seed": params["seed"]})["values"]
    x = numpy.array([(v % 2001 - 1000) / 64 for v in values[:n]], dtype=numpy.float64)
    y = numpy.array([(v % 2001 - 1000) / 64 for v in values[n:2 * n]], dtype=numpy.float64)
    entries = [v % 19 - 9 for v in values[2 * n:]]
    a = numpy.array(entries[:m * m], dtype=numpy.float64).reshape(m, m)
    b = numpy.array(entries[m * m:], dtype=numpy.float64).reshape(m, m)
    return {"x": x, "y": y, "a": a, "b": b}


def run(state):
    x, y = state["x"], state["y"]
    z = 2.5 * x + y
    mean = numpy.sqrt(z * z + 1.0).sum() / len(x)
    dot = float(x @ y)
    c = state["a"] @ state["b"]
    return {
        "n": len(x),
        "mean_micro": round(float(mean) * 1e6),
        "dot_4096ths": round(dot * 4096),
        "m": c.shape[0],
        "matrix_sum": round(float(c.sum())),
        "matrix_trace": round(float(numpy.trace(c))),
    }


def verify(result, params):
    expected = KNOWN.get(str(params["n"]) + ":" + str(params["m"]) + ":" + str(params["seed"]))
    if result["n"] != params["n"] or result["m"] != params["m"]:
        return False
    if expected is None:
        # Unlisted params: the sizes are checked, the figures are not known.
        return True
    exact = [result["dot_4096ths"], result["matrix_sum"], result["matrix_trace"]]
    return exact == expected[1:] and abs(result["mean_micro"] - expected[0]) <= 1
