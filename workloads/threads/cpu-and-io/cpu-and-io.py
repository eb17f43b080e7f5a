# cpu-and-io: for each worker count in `threads`, a CPU-bound job (count the primes below `limit`
# by trial division, split into `chunks` ranges dealt round-robin to the workers) and then an
# I/O-bound job (`sleeps` blocking waits of `sleep_ms` each, dealt the same way). Measures what
# extra workers buy each runtime. Twin of cpu-and-io.js, line for line, except for the workers:
# here they are threading.Thread objects; threads run blocking waits in parallel (time.sleep
# releases the GIL) but run Python bytecode one at a time (the GIL), so the CPU job cannot get
# faster with more threads.

import threading
import time

# The number of primes below each shipped `limit`, agreed by V8 and CPython; verify() checks these.
KNOWN = {2000: 303, 50000: 5133, 400000: 33860}


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


def count_primes(lo, hi):
    count = 0
    for n in range(lo, hi):
        if is_prime(n):
            count += 1
    return count


def cpu_worker(w, workers, limit, chunks, counts):
    for c in range(w, chunks, workers):
        counts[c] = count_primes(limit * c // chunks, limit * (c + 1) // chunks)


def io_worker(w, workers, sleeps, sleep_ms, done):
    for s in range(w, sleeps, workers):
        time.sleep(sleep_ms / 1000)
        done[w] += 1


def cpu_job(workers, limit, chunks):
    counts = [0] * chunks
    pool = []
    for w in range(workers):
        pool.append(threading.Thread(target=cpu_worker, args=(w, workers, limit, chunks, counts)))
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(counts)


def io_job(workers, sleeps, sleep_ms):
    done = [0] * workers
    pool = []
    for w in range(workers):
        pool.append(threading.Thread(target=io_worker, args=(w, workers, sleeps, sleep_ms, done)))
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done)


def setup(params):
    return {
        "threads": params["threads"],
        "limit": params["limit"],
        "chunks": params["chunks"],
        "sleeps": params["sleeps"],
        "sleep_ms": params["sleep_ms"],
    }


def run(state):
    results = []
    for workers in state["threads"]:
        primes = cpu_job(workers, state["limit"], state["chunks"])
        sleeps = io_job(workers, state["sleeps"], state["sleep_ms"])
        results.append({"threads": workers, "primes": primes, "sleeps": sleeps})
    return results


def verify(result, params):
    expected = KNOWN.get(params["limit"])
    if len(result) != len(params["threads"]):
        return False
    for i in range(len(result)):
        if result[i]["threads"] != params["threads"][i] or result[i]["sleeps"] != params["sleeps"]:
            return False
        # Unlisted params: the prime count is not known in advance, but every worker count must agree.
        if result[i]["primes"] != (result[0]["primes"] if expected is None else expected):
            return False
    return True
