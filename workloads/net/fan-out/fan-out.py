# fan-out: an HTTP/1.1 keep-alive server (on asyncio's Protocol API, like http-hello) whose every
# request waits for `fanout` concurrent sub-requests — timers of `delay_ms`, standing in for
# backend calls — before it answers with their count. run() returns the requests answered since
# the last run, the cross-check against the load generator's exact count. Twin of fan-out.js.

import asyncio

HEAD_END = b"\r\n\r\n"
MAX_HEAD = 64 * 1024


class Counts:
    def __init__(self, params):
        self.server = None
        self.port = 0
        self.requests = 0
        self.fanout = params["fanout"]
        self.delay_ms = params["delay_ms"]


# asyncio.sleep(delay, result) is the coroutine counterpart of the promise-wrapped setTimeout.
def sleep(delay_ms, value):
    return asyncio.sleep(delay_ms / 1000, value)


class FanOut(asyncio.Protocol):
    def __init__(self, counts):
        self.counts = counts
        self.pending = b""
        self.last = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.pending += data
        while (end := self.pending.find(HEAD_END)) != -1:
            self.pending = self.pending[end + len(HEAD_END):]
            self.last = asyncio.ensure_future(self.answer(self.last))
        if len(self.pending) > MAX_HEAD:
            self.transport.abort()

    async def answer(self, previous):
        values = await asyncio.gather(*[sleep(self.counts.delay_ms, i) for i in range(self.counts.fanout)])
        if previous is not None:
            await previous  # responses leave in request order
        body = "fan-out " + str(len(values))
        self.transport.write(
            f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode("latin-1"))
        self.counts.requests += 1


async def setup(params):
    counts = Counts(params)
    loop = asyncio.get_running_loop()
    counts.server = await loop.create_server(lambda: FanOut(counts), "127.0.0.1", 0, backlog=1024)
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
