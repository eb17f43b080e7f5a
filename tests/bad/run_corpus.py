#!/usr/bin/python3
"""The bad-workload corpus (design §8): every folder of tests/bad with an expected.json runs in
ONE `duet run` session together with a good workload, then the cases that only a child process
can contain run again under --isolation=process. Asserts that each bad case is reported with its
runtime, file:line where one exists and a one-line reason; that the good workload is still
measured, in the JSON and in the history database; that duet exits 1, not by a signal, without a
core file and within its time. The table of what each case produced, in docs/bad-workloads.md,
is checked here (--write-table rewrites it).

usage: run_corpus.py DUET_BINARY SEGFAULT_PLUGIN WORK_DIR [--write-table]"""
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent
GOOD = SOURCE / "tests" / "fixtures" / "workloads" / "good" / "double"
TABLE = SOURCE / "docs" / "bad-workloads.md"
# Short limits so the corpus takes seconds: a runaway call ends after --timeout.
LIMITS = ["--runs", "2", "--warmup", "0", "--timeout", "3", "--js-max-heap", "32", "--py-max-memory", "32"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def run_session(duet, work, name, before_run, paths, extra):
    json_path = work / f"{name}.json"
    db = work / "history.sqlite"
    json_path.unlink(missing_ok=True)
    command = [duet, *before_run, "run", *map(str, paths), *LIMITS, *extra, "--json", str(json_path), "--db", str(db)]
    try:
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, errors="replace", timeout=300)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: {name}: duet hung (no exit after 300 s): {' '.join(command)}")
    check(done.returncode >= 0, f"{name}: duet died of signal {-done.returncode}\n{done.stderr[-3000:]}")
    check(done.returncode == 1, f"{name}: exit code {done.returncode}, expected 1\n{done.stderr[-3000:]}")
    check(not list(work.glob("core*")), f"{name}: a core file was left in {work}")
    check(json_path.exists(), f"{name}: no JSON at {json_path}\n{done.stderr[-3000:]}")
    doc = json.loads(json_path.read_text()) if json_path.exists() else {"workloads": []}
    if json_path.exists():  # failures, merged children included, are documented duet-run/1
        schema = subprocess.run(["/usr/bin/python3", str(SOURCE / "tests" / "cli" / "check_schema.py"),
                                 str(SOURCE / "docs" / "duet-run.schema.json"), str(json_path)],
                                capture_output=True, text=True)
        check(schema.returncode == 0, f"{name}: the JSON does not follow docs/duet-run.schema.json: {schema.stdout}{schema.stderr}")
    return done, doc, db


def located(error):
    if error is None or not error.get("file"):
        return None
    name = Path(error["file"]).name
    return f"{name}:{error['line']}" if error.get("line") else name


def check_error(case, where, error, expected):
    if not check(error is not None, f"{case}: {where}: no error reported, expected '{expected['reason']}'"):
        return
    message = error["message"]
    check(expected["reason"] in message, f"{case}: {where}: reason '{message}' lacks '{expected['reason']}'")
    check("\n" not in message, f"{case}: {where}: the reason is not one line: {message!r}")
    if "location" in expected:
        check(located(error) == expected["location"], f"{case}: {where}: location {located(error)}, expected {expected['location']}")


def check_cases(cases, doc, done, exit_code, rows):
    by_path = {Path(w["path"]).resolve(): w for w in doc["workloads"]}
    for case in cases:
        expected = json.loads((HERE / case / "expected.json").read_text())
        w = by_path.get((HERE / case).resolve())
        if not check(w is not None, f"{case}: not in the JSON output"):
            continue
        error = w["error"]
        check_error(case, "workload", error, expected)
        if error is not None:
            check(error["runtime"] == expected["runtime"], f"{case}: runtime {error['runtime']}, expected {expected['runtime']}")
            check(f"bad/{w['name']} FAILED: " in done.stderr, f"{case}: no FAILED line on stderr")
        for runtime, also in expected.get("also", {}).items():
            check_error(case, runtime, w["runtimes"][runtime]["error"], also)
        # A location the expectation leaves open (where an interrupt lands in asyncio's code or
        # the workload's) is not shown: the table must come out the same on every run.
        def where(e, pinned):
            return (located(e) or "-") if pinned else "-"
        reported = [f"{r}: {where(w['runtimes'][r]['error'], 'location' in expected.get('also', {}).get(r, expected if r == expected['runtime'] else {}))}: "
                    f"{w['runtimes'][r]['error']['message']}"
                    for r in ("v8", "cpython") if w["runtimes"].get(r, {}).get("error")]
        if not reported and error is not None:
            reported = [f"{error['runtime'] or 'pair'}: {where(error, 'location' in expected)}: {error['message']}"]
        # Paths relative to the source tree, so the table is the same in every checkout.
        cell = "<br>".join(text.replace(f"{SOURCE}/", "").replace("|", "\\|") for text in reported)
        rows.append(f"| `{case}` | {expected['summary']} | {cell} | {exit_code} |")


def check_good(name, doc, done, db):
    good = [w for w in doc["workloads"] if Path(w["path"]).resolve() == GOOD.resolve()]
    if not check(len(good) == 1, f"{name}: the good workload is missing from the JSON"):
        return
    w = good[0]
    check(w["error"] is None, f"{name}: the good workload failed: {w['error']}")
    for runtime in ("v8", "cpython"):
        r = w["runtimes"][runtime]
        check(len(r["samples_ns"]) == 2 and r["result"] == {"doubled": 42, "list": [1, "two", True, None]},
              f"{name}: good/double in {runtime}: {len(r['samples_ns'])} samples, result {r['result']}")
    check("good/double" in done.stdout, f"{name}: the table on stdout lacks good/double (fd 1 lost?)\n{done.stdout}")
    with sqlite3.connect(db) as con:
        last = con.execute("SELECT max(id) FROM runs").fetchone()[0]
        rows = dict(con.execute("SELECT workload, failed FROM workloads WHERE run_id = ?", (last,)).fetchall())
    check(rows.get("good/double") == 0, f"{name}: good/double not recorded as measured in the history: {rows}")
    check(len(rows) == len(doc["workloads"]), f"{name}: history has {len(rows)} workloads, JSON {len(doc['workloads'])}")


def main():
    duet, plugin, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    (work / "history.sqlite").unlink(missing_ok=True)
    cases = sorted(p.parent.relative_to(HERE).as_posix() for p in HERE.glob("*/expected.json"))
    isolated = sorted(p.parent.relative_to(HERE).as_posix() for p in HERE.glob("process-only/*/expected.json"))

    rows = []
    done, doc, db = run_session(duet, work, "in-process", [], [HERE / c for c in cases] + [GOOD], [])
    check(len(doc["workloads"]) == len(cases) + 1, f"in-process: {len(doc['workloads'])} workloads in the JSON")
    check_cases(cases, doc, done, done.returncode, rows)
    check_good("in-process", doc, done, db)

    # A plugin's segfault and a C-level _exit end the process they run in: only a child can die.
    done, doc, db = run_session(duet, work, "isolated", ["--plugin", plugin],
                                [HERE / c for c in isolated] + [HERE / "throw-in-run", GOOD], ["--isolation", "process"])
    isolated_rows = []
    check_cases(isolated + ["throw-in-run"], doc, done, done.returncode, isolated_rows)
    check_good("isolated", doc, done, db)
    rows += isolated_rows[:len(isolated)]  # throw-in-run's row is the in-process one

    begin, end = "<!-- corpus table: generated by tests/bad/run_corpus.py -->\n", "<!-- end of corpus table -->\n"
    table = "\n".join([
        f"Limits used: `{' '.join(LIMITS)}`; `process-only/` cases add `--isolation process`.",
        "",
        "| case | bad input | what duet reported (runtime: file:line: reason) | exit code |",
        "|---|---|---|---|",
        *rows,
        "",
    ])
    doc = TABLE.read_text() if TABLE.exists() else begin + end
    if not check(begin in doc and end in doc, f"{TABLE} lacks the corpus table markers"):
        doc = begin + end
    head, rest = doc.split(begin, 1)
    current, tail = rest.split(end, 1)
    if "--write-table" in sys.argv:
        TABLE.write_text(head + begin + table + end + tail)
    else:
        stale = [line for line in table.splitlines() if line not in current.splitlines()]
        check(current == table, f"{TABLE} is not current: run tests/bad/run_corpus.py {duet} {plugin} {work} "
                                f"--write-table; rows that differ:\n" + "\n".join(stale))
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print(f"ok: {len(cases) + len(isolated)} bad workloads reported, good/double measured in both sessions")


main()
