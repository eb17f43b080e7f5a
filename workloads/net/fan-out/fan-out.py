# fan-out: http-hello's HTTP/1.1 keep-alive server (on asyncio's Protocol API) where every request
# waits for `fanout` concurrent sub-requests — timers of `delay_ms`, standing in for backend calls —
# before it answers with their count. run() returns the requests answered since the last run, the
# cross-check against the load generator's exact count. Twin of fan-out.js.

import asyncio
import importlib.util
import os

# The sibling folder is not on the import path; load http-hello.py as its own module.
_spec = importlib.util.spec_from_file_location(
    "duet_net_http_hello", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http-hello", "http-hello.py"))
_http_hello = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_http_hello)
run, verify, teardown = _http_hello.run, _http_hello.verify, _http_hello.teardown


# asyncio.sleep(delay, result) is the coroutine counterpart of the promise-wrapped setTimeout.
def sleep(delay_ms, value):
    return asyncio.sleep(delay_ms / 1000, value)


class FanOut(_http_hello.Heads):
    last = None  # this connection's latest answer

    def on_head(self, head):
        self.last = asyncio.ensure_future(self.answer(self.last))
        return True

    async def answer(self, previous):
        params = self.counts.params
        values = await asyncio.gather(*[sleep(params["delay_ms"], i) for i in range(params["fanout"])])
        if previous is not None:
            await previous  # responses leave in request order
        body = "fan-out " + str(len(values))
        self.transport.write(
            f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode("latin-1"))
        self.counts.requests += 1


def setup(params):
    return _http_hello.listen(params, FanOut)
