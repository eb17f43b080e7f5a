#!/usr/bin/python3
"""Standalone CPython driver: runs the .py half of duet workloads in plain python3 with duet's
iteration loop and writes duet-run/1 JSON, so host-vs-standalone comparisons time the same files.

Usage: python3 driver.py [--filter RE] [--size NAME] [--runs N] [--warmup N] [--json FILE|-] PATH...
"""

import argparse
import asyncio
import importlib.util
import inspect
import json
import os
import re
import sys
import time
import traceback
import types

RUNTIME = "cpython"
DEFAULT_RUNS = 10
DEFAULT_WARMUP = 3


class _Duet(types.ModuleType):
    """`import duet` inside a workload: now(), params, blackhole(x), runtime."""

    def __init__(self):
        super().__init__("duet", "The duet host API, as provided by the standalone driver.")
        self.runtime = "cpython"
        self.params = {}
        self.now = time.perf_counter_ns
        self._sink = None

    def blackhole(self, value):
        # Keeping a reference makes the value observably used.
        self._sink = value


duet = _Duet()
sys.modules["duet"] = duet

# One loop for the whole process, as duet has one; coroutines returned by run() execute on it.
_loop = None


def _event_loop():
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)
    return _loop


def _settle(value):
    return _event_loop().run_until_complete(value) if inspect.iscoroutine(value) else value


# Network pairs (workload.json "load"; docs/net-workloads.md): python3 has no load generator, so
# `duet load` runs as a child process against the server setup() started while this loop serves.
DUET = os.environ.get("DUET_BIN", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/duet"))


def load_command(load, params, state):
    if load["mode"] not in ("echo", "http"):
        raise ValueError(f"load mode {load['mode']!r} is measured by duet run only (its server's RSS while `duet load --hold` holds the connections)")
    port = state.get("port") if isinstance(state, dict) else getattr(state, "port", None)
    pick = {key: params.get(key, load.get(key)) for key in ("connections", "message_size", "requests", "duration")}
    command = [DUET, "load", "--port", str(port), "--mode", load["mode"]]
    for key, flag in (("connections", "--connections"), ("message_size", "--size"), ("requests", "--requests"),
                      ("duration", "--duration")):
        if pick[key] is not None:
            command += [flag, str(pick[key])]
    return command


async def drive_load(command):
    child = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)
    if await child.wait() != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {child.returncode}")


def discover(roots):
    """Workload folders under the given paths, sorted and de-duplicated like duet's discovery."""
    dirs = set()
    for root in roots:
        if not os.path.isdir(root):
            raise ValueError(f"no such workload folder: {root}")
        top = os.path.realpath(root)
        if os.path.exists(os.path.join(top, "workload.json")):
            dirs.add(top)
            continue
        for folder, subdirs, files in os.walk(top):
            subdirs[:] = [d for d in subdirs if d != "node_modules"]
            if "workload.json" in files:
                dirs.add(folder)
    return sorted(dirs)


def error_text(exc):
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def locate(exc, folder):
    """(file, line) of an exception: the innermost frame inside the workload folder, else the
    innermost frame at all; a SyntaxError names its own position."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    own = [f for f in frames if f.filename.startswith(folder + os.sep)]
    frame = (own or frames or [None])[-1]
    return (frame.filename, frame.lineno) if frame else (None, None)


def error_record(exc, phase, folder, fallback_file):
    file, line = locate(exc, folder)
    return {
        "runtime": RUNTIME,
        "file": file or fallback_file,
        "line": line,
        "message": f"{phase}: {error_text(exc)}",
    }


def as_json(value):
    """The result as a JSON value; anything json cannot encode becomes its repr."""
    return json.loads(json.dumps(value, default=repr))


def median(samples):
    if not samples:
        return None
    ordered = sorted(samples)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) // 2


def read_manifest(folder):
    with open(os.path.join(folder, "workload.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if not isinstance(manifest, dict):
        raise ValueError("workload.json must hold an object")
    return manifest


def manifest_params(manifest, size):
    """The workload's params, with sizes[size] merged over them when a size is named (as duet's
    --size does); a workload without that size is an error for that workload."""
    params = manifest.get("params", {})
    if not isinstance(params, dict):
        raise ValueError('"params" must be an object')
    if size is None:
        return params
    sizes = manifest.get("sizes", {})
    if not isinstance(sizes, dict):
        raise ValueError('"sizes" must map size names to parameter objects')
    if size not in sizes:
        raise ValueError(f'no size "{size}" in workload.json')
    if not isinstance(sizes[size], dict):
        raise ValueError(f'"sizes"."{size}" must be an object')
    return {**params, **sizes[size]}


def load_module(script):
    # A unique name per script, like duet's loader; the folder is importable for helper modules,
    # as it would be for `python3 script.py`.
    name = "duet_workload_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(script))[0])
    spec = importlib.util.spec_from_file_location(name, script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, os.path.dirname(script))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(os.path.dirname(script))
    return module


def run_workload(folder, params, manifest, opts):
    script = os.path.join(folder, os.path.basename(folder) + ".py")
    runs = opts.runs if opts.runs is not None else manifest.get("runs", DEFAULT_RUNS)
    warmup = opts.warmup if opts.warmup is not None else manifest.get("warmup", DEFAULT_WARMUP)
    lane = {"median_ns": None, "samples_ns": [], "warmup": 0, "result": None, "verified": None, "error": None}
    samples = lane["samples_ns"]
    duet.params = params
    phase = "load"
    module = None
    state = None
    set_up = False
    last = None
    clock = time.perf_counter_ns
    iscoroutine = inspect.iscoroutine
    try:
        if not os.path.isfile(script):
            raise FileNotFoundError(f"missing script {os.path.basename(script)}")
        module = load_module(script)
        run = getattr(module, "run", None)
        if not callable(run):
            raise AttributeError("the module does not define a function named run")
        phase = "setup"
        setup = getattr(module, "setup", None)
        state = _settle(setup(params)) if callable(setup) else None
        set_up = True
        phase = "run"
        load = manifest.get("load")
        if load is not None:
            command = load_command(load, params, state)
            serve_run = run

            def run(state):
                _event_loop().run_until_complete(drive_load(command))
                return serve_run(state)
        for _ in range(warmup):
            r = run(state)
            if iscoroutine(r):
                r = _event_loop().run_until_complete(r)
            last = r
            lane["warmup"] += 1
        for _ in range(runs):
            t0 = clock()
            r = run(state)
            if iscoroutine(r):
                r = _event_loop().run_until_complete(r)
            t1 = clock()
            samples.append(t1 - t0)
            last = r
        if runs + warmup > 0:
            phase = "result"
            lane["result"] = as_json(last)
            verify = getattr(module, "verify", None)
            if callable(verify):
                phase = "verify"
                lane["verified"] = bool(_settle(verify(lane["result"], params)))
    except (Exception, SystemExit) as exc:  # a failing workload is reported; the others still run
        lane["error"] = error_record(exc, phase, folder, script)
    teardown = getattr(module, "teardown", None)
    if set_up and callable(teardown):
        try:
            _settle(teardown(state))
        except Exception as exc:
            if lane["error"] is None:
                lane["error"] = error_record(exc, "teardown", folder, script)
    lane["median_ns"] = median(samples)
    return lane


def write_json(target, doc):
    text = json.dumps(doc, indent=2) + "\n"
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    # Written atomically so a reader never sees half a file.
    tmp = f"{target}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, target)


def print_table(workloads):
    header = ["workload", "median ms", "samples", "status"]
    rows = []
    for w in workloads:
        lane = w["runtimes"].get(RUNTIME)
        ms = f"{lane['median_ns'] / 1e6:.3f}" if lane and lane["median_ns"] is not None else "-"
        if w["error"]:
            status = "FAILED: " + " ".join(w["error"]["message"].split())
        else:
            status = "ok (no verify)" if lane["verified"] is None else "ok"
        rows.append([w["name"], ms, str(len(lane["samples_ns"]) if lane else 0), status])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(3)]
    for r in [header] + rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}", file=sys.stderr)


def parse_args(argv):
    def count(text):
        if not text.isdigit():
            raise argparse.ArgumentTypeError("needs a non-negative integer")
        return int(text)

    def regex(text):
        try:
            return re.compile(text)
        except re.error as exc:
            raise argparse.ArgumentTypeError(str(exc))

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="workload folders, or folders to search")
    parser.add_argument("--filter", type=regex, help="only workloads whose category/name matches this regex")
    parser.add_argument("--size", metavar="NAME",
                        help="a named parameter set from each workload.json's \"sizes\", merged over params")
    parser.add_argument("--runs", type=count, help="timed iterations (default: workload.json runs, else 10)")
    parser.add_argument("--warmup", type=count, help="untimed iterations (default: workload.json warmup, else 3)")
    parser.add_argument("--json", metavar="FILE", help="write duet-run/1 JSON here ('-' for stdout)")
    return parser.parse_args(argv)


def main(argv):
    opts = parse_args(argv)
    try:
        folders = discover(opts.paths)
    except ValueError as exc:
        print(f"driver: {exc}", file=sys.stderr)
        return 2
    workloads = []
    for folder in folders:
        entry = {
            "name": os.path.basename(folder),
            "category": os.path.basename(os.path.dirname(folder)),
            "path": folder,
            "params": {},
            "results_match": None,
            "error": None,
            "runtimes": {},
            "ratio": {"cpython_over_v8": None},
        }
        manifest = None
        problem = None
        try:
            manifest = read_manifest(folder)
            entry["name"] = manifest.get("name", entry["name"])
            entry["category"] = manifest.get("category", entry["category"])
            entry["params"] = manifest_params(manifest, opts.size)
        except (OSError, ValueError) as exc:
            problem = {"runtime": None, "file": os.path.join(folder, "workload.json"), "line": None,
                       "message": error_text(exc)}
        # Matched against category/name, as duet's --filter is, so one regex selects the same set.
        if opts.filter and not opts.filter.search(f"{entry['category']}/{entry['name']}"):
            continue
        if problem:
            entry["error"] = problem
            workloads.append(entry)
            continue
        print(f"driver: {entry['name']} ...", file=sys.stderr)
        lane = run_workload(folder, entry["params"], manifest, opts)
        entry["runtimes"][RUNTIME] = lane
        if lane["error"]:
            entry["error"] = lane["error"]
        elif lane["verified"] is False:
            entry["error"] = {"runtime": RUNTIME, "file": None, "line": None,
                              "message": "verify() rejected the result "
                                         + json.dumps(lane["result"], separators=(",", ":"))}
        workloads.append(entry)

    doc = {
        "schema": "duet-run/1",
        "environment": {
            "host": "python3",
            "versions": {"python": sys.version},
            "command_line": [sys.executable] + sys.argv,
        },
        "workloads": workloads,
    }
    print_table(workloads)
    if opts.json is not None:
        write_json(opts.json, doc)
    return 1 if any(w["error"] for w in workloads) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
