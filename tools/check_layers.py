#!/usr/bin/env python3
"""Checks that each folder of host/ includes only the layers it may use (docs/architecture.md).
The build enforces the layers too (one CMake library and include root per folder), but a layer
there reaches everything below the layers it uses; this table is exact. Prints each offending
include as file:line and exits 1 when there is one.

    tools/check_layers.py [HOST_DIR]
"""
import pathlib
import re
import sys

# What each folder of host/ may include besides itself: lower layers only.
ALLOWED = {
    "core": set(),
    "db": {"core"},
    "bindings": {"core", "duet"},  # duet/: the plugin ABI header in bindings/include
    "profile": {"core"},
    "node": {"core", "bindings", "profile"},
    "python": {"core", "bindings", "profile"},
    "load": {"core", "db"},
    "harness": {"core", "db", "load", "profile"},  # db: web pairs run against PostgreSQL
    "report": {"core", "harness", "db", "load"},
    # Composes the two runtimes into a Session: the one layer above the adapters that names them.
    "session": {"core", "db", "bindings", "node", "python", "load", "harness", "profile"},
    # Names neither adapter: the engines and their options are the session's.
    "cli": {"core", "db", "bindings", "load", "harness", "profile", "report", "session"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main():
    host = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1] / "host")
    bad = []
    for path in sorted(host.rglob("*")):
        if path.suffix not in (".h", ".cc", ".c") or not path.is_file():
            continue
        relative = path.relative_to(host)
        folder = relative.parts[0]
        if folder not in ALLOWED:
            bad.append(f"{relative}: folder {folder}/ has no row in ALLOWED")
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match or match[1] == folder or match[1] in ALLOWED[folder]:
                continue
            bad.append(f"{relative}:{number}: {folder}/ may not include {match[1]}/: {line.strip()}")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
