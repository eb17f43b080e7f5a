"""Echo server for the TCP benchmark, the Python twin of server.mjs: runs unmodified in duet (on the
loop asyncio's default policy gives there) and in standalone python3 (stock loop, or uvloop with
--loop uvloop). Prints its port, then, when `expected` connections have come and gone, its own CPU
time since the first connection as JSON, and exits.
"""

import argparse
import asyncio
import json
import resource
import sys


class Tally:
    """Connections seen and open, bytes echoed, CPU time at the first connection; `done` resolves
    when the expected connections have all closed."""

    def __init__(self, expected, done):
        self.expected, self.done = expected, done
        self.seen = self.open = self.bytes = 0
        self.at_first = None

    def connected(self):
        if self.at_first is None:
            self.at_first = resource.getrusage(resource.RUSAGE_SELF)
        self.seen += 1
        self.open += 1

    def closed(self):
        self.open -= 1
        if self.seen == self.expected and self.open == 0 and not self.done.done():
            self.done.set_result(None)

    def usage(self):
        now = resource.getrusage(resource.RUSAGE_SELF)
        user = now.ru_utime - self.at_first.ru_utime
        system = now.ru_stime - self.at_first.ru_stime
        return {"bytes": self.bytes, "cpu_us": round((user + system) * 1e6), "user_us": round(user * 1e6)}


class EchoProtocol(asyncio.Protocol):
    def __init__(self, tally):
        self.tally = tally

    def connection_made(self, transport):
        self.transport = transport
        self.tally.connected()

    def data_received(self, data):
        self.tally.bytes += len(data)
        self.transport.write(data)

    def connection_lost(self, exc):
        self.tally.closed()


async def echo_stream(tally, reader, writer):
    tally.connected()
    try:
        while data := await reader.read(65536):
            tally.bytes += len(data)
            writer.write(data)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
    except ConnectionError:
        pass  # the client may reset instead of closing; the connection still counts as gone
    finally:
        tally.closed()


async def serve(variant, expected):
    loop = asyncio.get_running_loop()
    tally = Tally(expected, loop.create_future())
    if variant == "protocol":
        server = await loop.create_server(lambda: EchoProtocol(tally), "127.0.0.1", 0)
    else:
        server = await asyncio.start_server(lambda r, w: echo_stream(tally, r, w), "127.0.0.1", 0)
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    await tally.done
    usage = dict(tally.usage(), loop=f"{type(loop).__module__}.{type(loop).__qualname__}")
    server.close()
    await server.wait_closed()
    print(json.dumps(usage), flush=True)


def main(argv):
    parser = argparse.ArgumentParser(description="TCP echo server for bench/tcp_echo.py")
    parser.add_argument("variant", choices=["protocol", "streams"], help="asyncio.Protocol or start_server streams")
    parser.add_argument("expected", type=int, nargs="?", default=10, help="connections to serve before exiting")
    parser.add_argument("--loop", choices=["default", "uvloop"], default="default",
                        help="default: the policy's loop; uvloop: uvloop.install() first (standalone python3)")
    opts = parser.parse_args(argv)
    if opts.loop == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(serve(opts.variant, opts.expected))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
