# http-workers: net/http-hello's server in `workers` processes sharing one port, the way an asyncio
# server is spread over cores: child processes that each listen with SO_REUSEPORT, the kernel
# handing each connection to one of them. The children run this file with sys.executable
# (/usr/bin/python3, in duet as standalone) and serve http-hello's answer on stock asyncio; the
# parent holds the port (bound, never listening) so that no other server takes it meanwhile. run()
# sums what each child answered since the last run, asked over its stdin and stdout; a child ends
# when its stdin does, so none outlives the parent. Twin of http-workers.js.

import asyncio
import importlib.util
import os
import socket
import subprocess
import sys

# The sibling folder is not on the import path; load http-hello.py as its own module.
_spec = importlib.util.spec_from_file_location(
    "duet_net_http_hello", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http-hello", "http-hello.py"))
_http_hello = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_http_hello)
verify = _http_hello.verify

STOP_TIMEOUT_S = 10


# A child: http-hello's server on `port` with SO_REUSEPORT, answering "count" lines on stdin with
# the requests since the last count, until stdin ends.
async def serve_as_worker(port):
    loop = asyncio.get_running_loop()
    counts = _http_hello.Counts({})
    counts.server = await loop.create_server(lambda: _http_hello.Hello(counts), "127.0.0.1", port, backlog=1024,
                                             reuse_port=True)
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    print("listening", flush=True)
    while line := await commands.readline():
        if line.strip() == b"count":
            print(counts.requests, flush=True)
            counts.requests = 0
    counts.server.close()


# "N": the CPUs this process may run on, as parallel/jobs counts them.
def resolve_workers(workers):
    return len(os.sched_getaffinity(0)) if workers == "N" else workers


class State:
    def __init__(self, holder, children):
        self.holder = holder
        self.children = children
        self.port = holder.getsockname()[1]


def setup(params):
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    children = []
    state = State(holder, children)
    try:
        for _ in range(resolve_workers(params["workers"])):
            children.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", str(port)],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE))
        for child in children:
            if child.stdout.readline() != b"listening\n":
                raise RuntimeError(f"a worker process exited (code {child.wait()}) before it listened")
    except BaseException:
        teardown(state)
        raise
    return state


def count(child):
    child.stdin.write(b"count\n")
    child.stdin.flush()
    return int(child.stdout.readline())


def run(state):
    return {"requests": sum(count(child) for child in state.children), "workers": len(state.children)}


def teardown(state):
    for child in state.children:
        child.stdin.close()
    for child in state.children:
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    state.holder.close()


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    asyncio.run(serve_as_worker(int(sys.argv[2])))
