"""CPU pinning for the benchmarks that run a server and its load generator on one machine
(bench/net.py, bench/web.py): with --pin the server runs on CPU 0 and the load generator on CPU 1,
so on a 2-core machine the two never take turns on one core, which swung a round of wrk against
node:http by up to ±40%."""

import os

SERVER_CPU = 0
CLIENT_CPU = 1


def pinned(argv, pin, cpu):
    """argv run on one CPU (taskset) when `pin`, else argv unchanged."""
    return ["taskset", "-c", str(cpu)] + argv if pin else argv


def pin_problem():
    """Why --pin cannot be used here, or None."""
    return None if {SERVER_CPU, CLIENT_CPU} <= os.sched_getaffinity(0) else "--pin needs CPUs 0 and 1"
