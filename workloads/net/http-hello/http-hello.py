# http-hello: a minimal HTTP/1.1 keep-alive server written on asyncio's Protocol API (no http
# library, as the JavaScript twin has none): every request head gets a 13-byte "Hello, world!".
# run() returns the requests answered since the last run, the cross-check against the load
# generator's exact count. Twin of http-hello.js.

import asyncio
import re

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!"
HEAD_END = b"\r\n\r\n"
MAX_HEAD = 64 * 1024
CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


class Counts:
    def __init__(self):
        self.server = None
        self.port = 0
        self.requests = 0


class Hello(asyncio.Protocol):
    def __init__(self, counts):
        self.counts = counts
        self.pending = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.pending += data
        # Requests carry no body (GET); pipelined ones are answered in order.
        while (end := self.pending.find(HEAD_END)) != -1:
            head = self.pending[:end]
            self.pending = self.pending[end + len(HEAD_END):]
            self.counts.requests += 1
            self.transport.write(RESPONSE)
            if CLOSE.search(head):
                self.transport.close()
                return
        if len(self.pending) > MAX_HEAD:
            self.transport.abort()


async def setup(params):
    counts = Counts()
    loop = asyncio.get_running_loop()
    counts.server = await loop.create_server(lambda: Hello(counts), "127.0.0.1", 0, backlog=1024)
    counts.port = counts.server.sockets[0].getsockname()[1]
    return counts


def run(state):
    served = {"requests": state.requests}
    state.requests = 0
    return served


def verify(result, params):
    return result["requests"] == params["requests"]


async def teardown(state):
    state.server.close()
    await state.server.wait_closed()
