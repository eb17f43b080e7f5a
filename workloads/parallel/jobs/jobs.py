# parallel/jobs: one job, CPU-bound (count the primes below `limit` by trial division, in
# `chunks` ranges) or I/O-bound (`sleeps` blocking waits of `sleep_ms` each), run by a pool of
# `workers` workers of one `kind`: "threads" (a ThreadPool of threading threads, with the GIL) or
# "processes" (a multiprocessing Pool). Twin of jobs.js (worker_threads or child_process.fork).
# The pool starts in setup(), untimed: parallel/worker-start times that; a sample is the job alone.
import os
import sys

# The pool's processes import the tasks by module name (multiprocessing pickles a function as
# module and name), so ../common stays on sys.path: a spawned process copies its parent's.
_COMMON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common")
if _COMMON not in sys.path:
    sys.path.insert(0, _COMMON)

import parallel_workers  # noqa: E402
from parallel_pool import Pool, cpu_count, resolve_workers  # noqa: E402

# The number of primes below each shipped `limit`, agreed by V8 and CPython; verify() checks these.
KNOWN = {2000: 303, 100000: 9592, 400000: 33860}


def setup(params):
    workers = resolve_workers(params["workers"])
    return {
        "pool": Pool.start(params["kind"], workers),
        "kind": params["kind"],
        "bound": params["bound"],
        "workers": workers,
        "limit": params["limit"],
        "chunks": params["chunks"],
        "sleeps": params["sleeps"],
        "sleep_ms": params["sleep_ms"],
    }


# The job's tasks: one function (a pool maps one function) and its arguments per task.
def tasks_of(state):
    tasks = []
    if state["bound"] == "cpu":
        for c in range(state["chunks"]):
            lo = state["limit"] * c // state["chunks"]
            hi = state["limit"] * (c + 1) // state["chunks"]
            tasks.append((lo, hi))
        return parallel_workers.count_primes, tasks
    if state["bound"] == "io":
        for s in range(state["sleeps"]):
            tasks.append((state["sleep_ms"],))
        return parallel_workers.sleep_ms, tasks
    raise ValueError(f"unknown bound {state['bound']}: cpu or io")


def run(state):
    function, tasks = tasks_of(state)
    replies = state["pool"].map(function, tasks)
    return {
        "kind": state["kind"],
        "bound": state["bound"],
        "workers": state["workers"],
        "oversubscribed": state["workers"] > cpu_count(),
        "total": sum(replies),
    }


def verify(result, params):
    if result["workers"] != resolve_workers(params["workers"]):
        return False
    if params["bound"] == "io":
        return result["total"] == params["sleeps"]
    # Unlisted limits: the count is not known in advance (duet still checks both runtimes agree).
    return params["limit"] not in KNOWN or result["total"] == KNOWN[params["limit"]]


def teardown(state):
    state["pool"].stop()
