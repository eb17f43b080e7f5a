# A pool of Python workers of one kind, as the parallel/* twins use it: "threads" are a
# multiprocessing.pool.ThreadPool (threading.Thread objects, which take turns holding the GIL)
# and "processes" a multiprocessing Pool of spawned processes (a fresh interpreter each, with a
# GIL of its own). Twin of parallel_pool.js. A task goes to whichever worker is free.
import multiprocessing
import multiprocessing.pool
import os
import threading

import parallel_workers

# Spawn, not fork: forking a process that runs other threads (duet's V8 platform threads, a
# standalone driver's executor) copies only the calling thread and whatever locks the others
# held; spawn starts a clean /usr/bin/python3, and is the default on macOS and from Python 3.14.
SPAWN = multiprocessing.get_context("spawn")


# "N" is the CPU count this process may run on (its affinity mask, as Node's
# os.availableParallelism); a number is taken as it is, and above that count it is oversubscribed.
def cpu_count():
    return len(os.sched_getaffinity(0))


def resolve_workers(workers):
    return cpu_count() if workers == "N" else workers


class Pool:
    def __init__(self, pool, size):
        self.pool = pool
        self.size = size  # workers started

    # Starts `count` workers and returns once every one of them has run a task (so it is running).
    @staticmethod
    def start(kind, count):
        if kind == "threads":
            barrier = threading.Barrier(count)
            pool = multiprocessing.pool.ThreadPool(count, parallel_workers.initialize, (barrier,))
        elif kind == "processes":
            barrier = SPAWN.Barrier(count)
            pool = SPAWN.Pool(count, parallel_workers.initialize, (barrier,))
        else:
            raise ValueError(f"unknown worker kind {kind}: threads or processes")
        try:
            pool.map(parallel_workers.start_all, range(count), chunksize=1)
        except BaseException:
            Pool(pool, count).stop()
            raise
        return Pool(pool, count)

    # Runs every task, (function, args), each on the next free worker; returns the replies in task order.
    def map(self, function, tasks):
        return self.pool.starmap(function, tasks, chunksize=1)

    # terminate, not close: a task still in flight (a workload that failed or timed out) is
    # abandoned, and its worker process is stopped (SIGTERM) rather than awaited.
    def stop(self):
        self.pool.terminate()
        self.pool.join()
