# parallel/worker-start: what a worker costs to start. Each run() starts a pool of `workers`
# workers of one `kind` ("threads": a ThreadPool of threading threads; "processes": a
# multiprocessing Pool of spawned processes), waits until every one has run a task (its
# interpreter is up and its code imported), then stops them all and waits for them to end. Twin
# of worker-start.js (worker_threads or child_process.fork).
import os
import sys

# The pool's processes import their tasks by module name, so ../common stays on sys.path (a
# spawned process copies its parent's).
_COMMON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common")
if _COMMON not in sys.path:
    sys.path.insert(0, _COMMON)

from parallel_pool import Pool, cpu_count, resolve_workers  # noqa: E402


def setup(params):
    return {"kind": params["kind"], "workers": resolve_workers(params["workers"])}


def run(state):
    pool = Pool.start(state["kind"], state["workers"])
    pool.stop()
    return {
        "kind": state["kind"],
        "workers": state["workers"],
        "oversubscribed": state["workers"] > cpu_count(),
        "started": pool.size,
    }


def verify(result, params):
    return result["workers"] == resolve_workers(params["workers"]) and result["started"] == result["workers"]
