#!/usr/bin/python3
"""CPython's own test_asyncio (Debian's libpython3.11-testsuite) against the loop asyncio's default
policy gives: `build/duet exec tools/asyncio_suite.py [MODULE...]`. Exits 1 on a regression: a test
that fails or errors without being listed in tests/asyncio/expected_failures.<loop kind>.txt."""

import argparse
import asyncio
import faulthandler
import fnmatch
import importlib
import json
import os
import signal
import sys
import time
import traceback
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTATIONS = os.path.join(ROOT, "tests/asyncio")
MODULES = ["events", "futures", "tasks", "streams", "base_events", "sock_lowlevel", "sendfile"]
PACKAGE = "test.test_asyncio"
# The stock classes that test one concrete selector loop each; the policy-loop classes below run
# the same mixins on the loop under test instead, so the time goes to that loop.
SELECTOR_CLASSES = {"SelectEventLoopTests", "PollEventLoopTests", "EPollEventLoopTests", "KqueueEventLoopTests"}
NOT_PASSING = ("failed", "error", "timeout", "xpass")


class TestTimeout(Exception):
    """Raised in the test by SIGALRM when it runs past --timeout."""


def loop_identity():
    """The class of the loop asyncio.new_event_loop() returns, and its kind: 'stock' for asyncio's own
    loops, otherwise the top-level module that defines it ('duet_asyncio', 'uvloop', ...)."""
    loop = asyncio.new_event_loop()
    try:
        cls = type(loop)
    finally:
        loop.close()
    package = cls.__module__.partition(".")[0]
    return f"{cls.__module__}.{cls.__qualname__}", ("stock" if package == "asyncio" else package)


def policy_loop_classes(module):
    """test_events and test_sock_lowlevel test loops only through subclasses of their mixins whose
    create_event_loop names a selector; these subclasses take the loop from the policy instead.
    Returns (class, test-name predicate) pairs. Subprocess tests get their own class because only
    they need the SIGCHLD child watcher, so a loop without signal handlers still runs the rest."""
    def make(name, bases):
        cls = type(name, bases, {"create_event_loop": lambda self: asyncio.new_event_loop(),
                                 "__module__": module.__name__, "__qualname__": name})
        return cls

    short = module.__name__.rpartition(".")[2]
    if short == "test_events":
        return [(make("PolicyLoopEventLoopTests", (module.EventLoopTestsMixin, module.test_utils.TestCase)),
                 lambda name: True),
                (make("PolicyLoopUnixAndSubprocessTests", (module.UnixEventLoopTestsMixin,
                                                           module.SubprocessTestsMixin, module.test_utils.TestCase)),
                 lambda name: not hasattr(module.EventLoopTestsMixin, name))]
    if short == "test_sock_lowlevel":
        return [(make("PolicyLoopSockTests", (module.BaseSockTestsMixin, module.test_utils.TestCase)),
                 lambda name: True)]
    if short == "test_sendfile":
        return [(make("PolicyLoopSendfileTests", (module.SendfileTestsBase, module.test_utils.TestCase)),
                 lambda name: True)]
    return []


def flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


def load_module_tests(module, patterns):
    """The module's tests in loader order, the stock selector classes replaced by policy-loop ones."""
    loader = unittest.TestLoader()
    tests = [t for t in flatten(loader.loadTestsFromModule(module))
             if type(t).__name__ not in SELECTOR_CLASSES or type(t).__module__ != module.__name__]
    for cls, wanted in policy_loop_classes(module):
        tests += [cls(name) for name in loader.getTestCaseNames(cls) if wanted(name)]
    if patterns:
        tests = [t for t in tests if any(fnmatch.fnmatchcase(t.id(), p) for p in patterns)]
    return tests


def one_line(text, limit=160):
    """The last non-empty line of a traceback (the exception), shortened: the reason in lists."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


class Recorder(unittest.TestResult):
    """Keeps one outcome per test (the first that is not a pass wins: a failing subtest fails its
    test), and arms the per-test timeout: SIGALRM raises TestTimeout inside the test; a test that
    cannot be interrupted (stuck outside Python bytecode) ends the run through faulthandler, which
    prints every thread's stack, a grace period later."""

    def __init__(self, timeout, verbose):
        super().__init__()
        self.timeout = timeout
        self.verbose = verbose
        self.outcomes = {}
        self.started = 0.0

    def _alarm(self, signum, frame):
        raise TestTimeout(f"test still running after {self.timeout:g} s (--timeout)")

    def startTest(self, test):
        super().startTest(test)
        if self.verbose:
            print(f"{test.id()} ...", end=" ", flush=True)
        # Re-installed every time: tests such as test_signal_handling_while_selecting take SIGALRM.
        signal.signal(signal.SIGALRM, self._alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        faulthandler.dump_traceback_later(self.timeout + 30, exit=True)
        self.started = time.monotonic()

    def stopTest(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        super().stopTest(test)
        if self.verbose:
            outcome = self.outcomes.get(test.id(), {"outcome": "passed"})
            print(outcome["outcome"], flush=True)

    def _record(self, test, outcome, detail=""):
        test_id = test.id()
        previous = self.outcomes.get(test_id)
        if previous is None or (previous["outcome"] == "passed" and outcome != "passed"):
            self.outcomes[test_id] = {"id": test_id, "outcome": outcome, "detail": detail,
                                      "seconds": round(time.monotonic() - self.started, 3)}

    def _error_text(self, err):
        return "".join(traceback.format_exception(*err))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failed", self._error_text(err))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "timeout" if issubclass(err[0], TestTimeout) else "error", self._error_text(err))

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            outcome = "failed" if issubclass(err[0], test.failureException) else "error"
            self._record(test, outcome, f"{subtest.id()}\n{self._error_text(err)}")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "xfail", self._error_text(err))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "xpass", "unexpected success of a test marked @expectedFailure")


class Expectations:
    """The tests allowed to fail on one kind of loop: one test id (or fnmatch pattern) per line,
    `# reason` after it; blank lines and whole-line comments are ignored."""

    def __init__(self, path):
        self.path = path
        self.entries = []  # (pattern, reason, line number)
        if path is None or not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                text, _, reason = line.partition("#")
                text = text.strip()
                if not text:
                    continue
                if len(text.split()) != 1:
                    raise ValueError(f"{path}:{number}: one test id per line, then '# reason': {line.rstrip()!r}")
                self.entries.append((text, reason.strip(), number))

    def match(self, test_id):
        return next((e for e in self.entries if fnmatch.fnmatchcase(test_id, e[0])), None)


def shown(path):
    """A path as the report shows it: relative to the repository when inside it."""
    relative = os.path.relpath(path, ROOT)
    return path if relative.startswith("..") else relative


def module_of(test_id, modules):
    # Errors of setUpClass/setUpModule come with ids like "setUpClass (test.test_asyncio.x.Class)".
    return next((m for m in modules if f"{PACKAGE}.test_{m}." in test_id or test_id.endswith(f"({PACKAGE}.test_{m})")), modules[0])


def summarise(outcomes, modules, expectations):
    """Per-module counts, regressions, and listed entries that now pass."""
    rows = {m: dict.fromkeys(["run", "passed", "failed", "errors", "timeouts", "skipped", "expected_failures",
                              "unexpected_successes", "listed", "regressions"], 0) for m in modules}
    key = {"passed": "passed", "failed": "failed", "error": "errors", "timeout": "timeouts", "skipped": "skipped",
           "xfail": "expected_failures", "xpass": "unexpected_successes"}
    regressions, hits = [], {}
    for o in outcomes:
        row = rows[module_of(o["id"], modules)]
        row["run"] += 1
        row[key[o["outcome"]]] += 1
        entry = expectations.match(o["id"])
        o["listed"] = entry is not None
        if entry is not None:
            hits.setdefault(entry[0], []).append(o)
        if o["outcome"] in NOT_PASSING:
            row["listed" if entry else "regressions"] += 1
            if not entry:
                regressions.append(o)
    now_passing = [pattern for pattern, hit in hits.items()
                   if all(o["outcome"] not in NOT_PASSING for o in hit)]
    return rows, regressions, now_passing


def write_expectations(path, outcomes, loop_class):
    failing = [o for o in outcomes if o["outcome"] in NOT_PASSING]
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# Tests of CPython's test_asyncio allowed to fail on {loop_class}, read by tools/asyncio_suite.py.\n"
                "# One test id (or fnmatch pattern) per line; after '#', why it fails. Written by --write-expected.\n")
        for o in sorted(failing, key=lambda o: o["id"]):
            f.write(f"{o['id']}  # {o['outcome']}: {one_line(o['detail'], 120)}\n")
    print(f"wrote {len(failing)} entries to {path}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0].rstrip(":"))
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"test_asyncio modules, with or without 'test_' (default: {' '.join(MODULES)})")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="only tests whose id matches this fnmatch pattern (a plain word matches as a substring); repeatable")
    parser.add_argument("--list", action="store_true", help="print the ids of the tests that would run, and exit")
    parser.add_argument("--timeout", type=float, default=30, help="seconds one test may take (default: 30)")
    parser.add_argument("--expected", metavar="FILE",
                        help="tests allowed to fail (default: tests/asyncio/expected_failures.<loop kind>.txt)")
    parser.add_argument("--require-loop", metavar="KIND",
                        help="exit 2 unless the policy's loop is of this kind (stock, duet_asyncio, ...)")
    parser.add_argument("--write-expected", metavar="FILE", help="write this run's failing tests as an expectations file")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON (docs/asyncio-suite.md)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each test and its outcome as it runs")
    opts = parser.parse_args(argv)
    # duet's isolated interpreter may pick ASCII for the standard streams; a traceback is printed whatever it holds.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")

    modules = [m.removeprefix("test_") for m in opts.modules] or MODULES
    patterns = [p if any(c in p for c in "*?[") else f"*{p}*" for p in opts.patterns]
    try:
        importlib.import_module(PACKAGE)
    except ImportError as e:
        print(f"asyncio_suite: cannot import {PACKAGE} ({e}); it comes with Debian's libpython3.11-testsuite "
              "(scripts/bootstrap installs it)", file=sys.stderr)
        return 2
    loop_class, kind = loop_identity()
    if opts.require_loop and kind != opts.require_loop:
        print(f"asyncio_suite: the policy's loop is {loop_class} (kind '{kind}'), not '{opts.require_loop}'", file=sys.stderr)
        return 2
    expected_path = opts.expected or os.path.join(EXPECTATIONS, f"expected_failures.{kind}.txt")
    try:
        expectations = Expectations(expected_path)
    except ValueError as e:
        print(f"asyncio_suite: {e}", file=sys.stderr)
        return 2

    suites = {}
    for m in modules:
        try:
            suites[m] = load_module_tests(importlib.import_module(f"{PACKAGE}.test_{m}"), patterns)
        except ImportError as e:
            parser.error(f"no module {PACKAGE}.test_{m} ({e})")
    if opts.list:
        for tests in suites.values():
            for t in tests:
                print(t.id())
        return 0

    print(f"asyncio_suite: loop {loop_class} (kind '{kind}'), Python {sys.version.split()[0]}, "
          f"expectations {shown(expected_path) if os.path.exists(expected_path) else 'none'}", flush=True)
    faulthandler.enable()
    # python3 ignores SIGPIPE at start-up and the suite relies on it (a write to a reset socket must
    # raise, not kill the process); an embedder that leaves it at SIG_DFL is told so.
    sigpipe_default = signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL
    if sigpipe_default:
        print("asyncio_suite: note: SIGPIPE is SIG_DFL in this process (python3 ignores it); ignoring it as python3 does",
              flush=True)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    recorder = Recorder(opts.timeout, opts.verbose)
    wall = {}
    started = time.monotonic()
    for m, tests in suites.items():
        if loop_identity()[0] != loop_class:
            print(f"asyncio_suite: warning: before test_{m} the policy's loop is {loop_identity()[0]}, not {loop_class}",
                  file=sys.stderr)
        t0 = time.monotonic()
        unittest.TestSuite(tests).run(recorder)
        wall[m] = round(time.monotonic() - t0, 2)
        if not opts.verbose:
            print(f"  test_{m}: {len(tests)} tests in {wall[m]:.1f} s", flush=True)
    total_wall = round(time.monotonic() - started, 2)

    outcomes = list(recorder.outcomes.values())
    rows, regressions, now_passing = summarise(outcomes, modules, expectations)
    names = ["run", "passed", "failed", "errors", "timeouts", "skipped", "expected_failures", "listed", "regressions"]
    heads = ["run", "pass", "fail", "error", "timeout", "skip", "xfail", "listed", "new", "seconds"]
    print(f"\n{'module':<22}" + "".join(f"{h:>8}" for h in heads))
    for m, row in list(rows.items()) + [("total", {n: sum(r[n] for r in rows.values()) for n in names})]:
        seconds = wall.get(m, total_wall)
        print(f"{'test_' + m if m != 'total' else m:<22}" + "".join(f"{row[n]:>8}" for n in names) + f"{seconds:>8.1f}")
    failing = [o for o in outcomes if o["outcome"] in NOT_PASSING]
    if failing:
        print("\nnot passing (listed ones are allowed by the expectations file):")
        for o in failing:
            print(f"  {o['outcome']:<7} {'listed ' if o['listed'] else 'NEW    '}{o['id']}: {one_line(o['detail'])}")
    if now_passing:
        print(f"\nlisted in {shown(expected_path)} but passing now (remove them):")
        for pattern in now_passing:
            print(f"  {pattern}")
    print(f"\nwall time {total_wall:.1f} s; {len(regressions)} regression(s)")

    if opts.write_expected:
        write_expectations(opts.write_expected, outcomes, loop_class)
    if opts.json:
        document = {"schema": "duet-asyncio-suite/1", "loop": {"class": loop_class, "kind": kind},
                    "python": sys.version.split()[0], "timeout_s": opts.timeout, "sigpipe_was_default": sigpipe_default,
                    "expectations": shown(expected_path) if os.path.exists(expected_path) else None,
                    "wall_s": total_wall,
                    "modules": {f"test_{m}": dict(rows[m], wall_s=wall[m]) for m in modules},
                    "regressions": [o["id"] for o in regressions], "now_passing": now_passing,
                    "tests": outcomes}
        with open(opts.json, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=1)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
