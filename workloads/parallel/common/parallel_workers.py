# The code every parallel/* worker runs, for both kinds of Python worker: a thread of a
# multiprocessing.pool.ThreadPool (threading, with the GIL) and a process of a
# multiprocessing Pool (spawned: a fresh /usr/bin/python3 that imports this module by name, so it
# must be importable from sys.path rather than loaded from a file path as a workload is).
# Twin of parallel_workers.js. Each function is one task; its return value is the reply.
import time

_barrier = None  # set in each worker by `initialize`: see start_all


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


# The CPU-bound task: the primes in [lo, hi) by trial division.
def count_primes(lo, hi):
    count = 0
    for n in range(lo, hi):
        if is_prime(n):
            count += 1
    return count


# The I/O-bound task: a blocking wait (time.sleep releases the GIL, as blocking reads do),
# standing in for a blocking read or a database call.
def sleep_ms(delay_ms):
    time.sleep(delay_ms / 1000)
    return 1


def initialize(barrier):
    global _barrier
    _barrier = barrier


# Every worker's first task: each waits until all have arrived, so `workers` of these tasks
# occupy `workers` distinct workers and return only once every one of them is up. (A pool deals
# tasks to whichever worker is free, so a plain ping could be answered by one worker alone.)
def start_all(_):
    _barrier.wait()
    return 1
