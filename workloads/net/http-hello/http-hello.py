# http-hello: a minimal HTTP/1.1 keep-alive server written on asyncio's Protocol API (no http
# library, as the JavaScript twin has none): every request head gets a 13-byte "Hello, world!".
# run() returns the requests answered since the last run, the cross-check against the load
# generator's exact count. fan-out reuses Heads and listen() with its own answer. Twin of
# http-hello.js.

import asyncio
import re

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!"
HEAD_END = b"\r\n\r\n"
MAX_HEAD = 64 * 1024
CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


class Counts:
    def __init__(self, params):
        self.server = None
        self.port = 0
        self.requests = 0
        self.params = params


class Heads(asyncio.Protocol):
    """Calls on_head(head) for each request head in order (requests carry no body: GET); it
    returns False when the connection is done."""

    def __init__(self, counts):
        self.counts = counts
        self.pending = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.pending += data
        while (end := self.pending.find(HEAD_END)) != -1:
            head = self.pending[:end]
            self.pending = self.pending[end + len(HEAD_END):]
            if not self.on_head(head):
                return
        if len(self.pending) > MAX_HEAD:
            self.transport.abort()


class Hello(Heads):
    def on_head(self, head):
        self.counts.requests += 1
        self.transport.write(RESPONSE)
        if not CLOSE.search(head):
            return True
        self.transport.close()
        return False


# Starts the server on 127.0.0.1 port 0, one `protocol` per connection.
async def listen(params, protocol):
    counts = Counts(params)
    loop = asyncio.get_running_loop()
    counts.server = await loop.create_server(lambda: protocol(counts), "127.0.0.1", 0, backlog=1024)
    counts.port = counts.server.sockets[0].getsockname()[1]
    return counts


def setup(params):
    return listen(params, Hello)


def run(state):
    served = {"requests": state.requests}
    state.requests = 0
    return served


def verify(result, params):
    return result["requests"] == params["requests"]


async def teardown(state):
    state.server.close()
    await state.server.wait_closed()
