#!/usr/bin/python3
"""Regenerates the table of workloads in workloads/README.md from every workload.json, so the
table and the suite cannot drift apart. --check exits 1 (and says which) when the table is stale."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "workloads/README.md")
BEGIN, END = "<!-- table:begin (tools/workloads_table.py) -->", "<!-- table:end -->"


def first_sentence(text):
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table():
    rows = []
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, "workloads"))):
        if "workload.json" not in files or "node_modules" in folder:
            continue
        with open(os.path.join(folder, "workload.json")) as f:
            w = json.load(f)
        params = json.dumps(w.get("params", {}), separators=(", ", ": "))
        sizes = ", ".join(sorted(w.get("sizes", {})))
        rows.append(f"| {cell(w.get('category', ''))} | {cell(w['name'])} | {cell(first_sentence(w.get('description', '')))} "
                    f"| {cell(w.get('claim', ''))} | `{cell(params)}` | {cell(sizes)} |")
    header = ["| category | workload | what it measures | claim it tests | params (quick) | other sizes |",
              "| --- | --- | --- | --- | --- | --- |"]
    return "\n".join(header + rows)


def main(argv):
    with open(README) as f:
        text = f.read()
    start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
    updated = text[:start] + "\n" + table() + "\n" + text[stop:]
    if "--check" in argv:
        if updated != text:
            print("workloads/README.md is stale: run /usr/bin/python3 tools/workloads_table.py", file=sys.stderr)
            return 1
        return 0
    with open(README, "w") as f:
        f.write(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
