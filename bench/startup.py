#!/usr/bin/python3
"""Start-up of one empty script, duet against the standalone runtimes, as ratios of medians over
interleaved runs: `duet exec empty.js` vs Debian's node 18 (the same libnode), and `duet exec
empty.py` vs /usr/bin/python3 and build/duet-python3 (the same libpython3.11.a as duet). The
system's node (NodeSource's node 20 on these machines) runs too when there is one: Debian builds
node 18 without V8's start-up snapshot, and node 20's figure shows what that costs (the cold-start
claim's caveat, workloads/claims.json).
Usage: bench/startup.py [--runs N] [--duet PATH]."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBNODE = os.path.join(ROOT, "third_party/libnode/usr")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command, interleaved")
    parser.add_argument("--duet", default=os.path.join(ROOT, "build/duet"))
    opts = parser.parse_args(argv)
    build = os.path.dirname(opts.duet)
    node = os.path.join(LIBNODE, "bin/node") if os.path.exists(os.path.join(LIBNODE, "bin/node")) else "node"
    node_env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(LIBNODE, "lib/x86_64-linux-gnu"))
    system_node = shutil.which("node")
    system_version = subprocess.run([system_node, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip() \
        if system_node else ""
    with tempfile.TemporaryDirectory() as scratch:
        js, py = os.path.join(scratch, "empty.js"), os.path.join(scratch, "empty.py")
        for path in (js, py):
            open(path, "w").close()
        commands = {
            "duet exec empty.js": ([opts.duet, "exec", js], None),
            "node18 empty.js": ([node, js], node_env),
            "duet exec empty.py": ([opts.duet, "exec", py], None),
            "python3 empty.py": (["/usr/bin/python3", py], None),
            "duet-python3 empty.py": ([os.path.join(build, "duet-python3"), py], None),
        }
        if system_version and not system_version.startswith("v18."):
            commands[f"node {system_version} empty.js"] = ([system_node, js], None)
        times = {name: [] for name in commands}
        for _ in range(opts.runs):
            for name, (command, env) in commands.items():
                started = time.perf_counter()
                subprocess.run(command, env=env, check=True)
                times[name].append(time.perf_counter() - started)
    median = {name: statistics.median(t) * 1e3 for name, t in times.items()}
    print(f"start-up of an empty script, medians of {opts.runs} interleaved runs (load average "
          f"{os.getloadavg()[0]:.2f})")
    for name, ms in median.items():
        print(f"  {name:<24} {ms:8.1f} ms")
    js_ratio = median["duet exec empty.js"] / median["node18 empty.js"]
    py_ratio = median["duet exec empty.py"] / median["python3 empty.py"]
    same_lib = median["duet exec empty.py"] / median["duet-python3 empty.py"]
    print(f"  duet/node18 (js)          {js_ratio:.3f}  target <= 1.10 {'met' if js_ratio <= 1.10 else 'missed'}")
    print(f"  duet/python3 (py)         {py_ratio:.3f}  target <= 1.10 {'met' if py_ratio <= 1.10 else 'missed'}")
    print(f"  duet/duet-python3 (py)    {same_lib:.3f}  (the same libpython3.11.a)")
    system = f"node {system_version} empty.js"
    if system in median:
        print(f"  node18/{system_version:<17} {median['node18 empty.js'] / median[system]:.3f}  (Debian's node 18 has no "
              "start-up snapshot; this node's build has one)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
