"""Compiles a Python layer of the host (py/duet_host.py, py/duet_asyncio.py) to marshalled
bytecode in a C++ header, so duet starts without parsing and compiling it on every run (that
cost ~5 ms and ~230 page faults of `duet exec empty.py`). Run by the CPython that duet links
(cmake/DuetPython.cmake), whose magic number the header records for the runtime check.

usage: embed_python_code.py INPUT OUTPUT NAME FILENAME
"""
import importlib.util
import marshal
import os
import sys


def main(source_path, output_path, name, filename):
    with open(source_path, encoding="utf-8") as f:
        code = compile(f.read(), filename, "exec", dont_inherit=True)
    data = marshal.dumps(code)
    magic = int.from_bytes(importlib.util.MAGIC_NUMBER, "little")
    rows = ",\n".join(
        "  " + ", ".join(str(b) for b in data[i:i + 24]) for i in range(0, len(data), 24))
    os.makedirs(os.path.dirname(output_path), exist_ok=True)  # a fresh build tree has none yet
    with open(output_path, "w", encoding="utf-8") as out:
        out.write(f"// Generated from {source_path} by cmake/embed_python_code.py; edit that file.\n"
                  "#pragma once\n#include <cstddef>\nnamespace duet {\n"
                  f"// marshal.dumps(compile(source, {filename!r}, 'exec')) by CPython with magic {magic}.\n"
                  f"inline constexpr unsigned char {name}[] = {{\n{rows}\n}};\n"
                  f"inline constexpr long {name}Magic = {magic};\n"
                  "}  // namespace duet\n")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
