# tcp-echo: an echo server on asyncio's Protocol API; the harness's load generator sends fixed-size
# messages on `connections` sockets and waits for each echo. run() returns what the server counted
# since the last run, the cross-check against the generator's exact counts. Twin of tcp-echo.js.

import asyncio


class Counts:
    def __init__(self):
        self.server = None
        self.port = 0
        self.connections = 0
        self.bytes = 0


class Echo(asyncio.Protocol):
    def __init__(self, counts):
        self.counts = counts

    def connection_made(self, transport):
        self.counts.connections += 1
        self.transport = transport

    def data_received(self, data):
        self.counts.bytes += len(data)
        self.transport.write(data)


async def setup(params):
    counts = Counts()
    loop = asyncio.get_running_loop()
    counts.server = await loop.create_server(lambda: Echo(counts), "127.0.0.1", 0, backlog=1024)
    counts.port = counts.server.sockets[0].getsockname()[1]
    return counts


def run(state):
    served = {"connections": state.connections, "bytes": state.bytes}
    state.connections = 0
    state.bytes = 0
    return served


def verify(result, params):
    return result["connections"] == params["connections"] and result["bytes"] == params["requests"] * params["message_size"]


async def teardown(state):
    state.server.close()
    await state.server.wait_closed()
