# TechEmpower's six test types on aiohttp (web.Application, run by an AppRunner on the running
# asyncio loop: duet's inside duet) over an asyncpg pool; and on the same server and port, a
# WebSocket chat room at /room (aiohttp's own WebSocketResponse). setup() listens and returns the
# port; standalone: `/usr/bin/python3 aiohttp_server.py --port P --db URL`.

import asyncio

from aiohttp import WSCloseCode, WSMsgType, web

import techempower as te

# What a member gets when the server shuts down: 1001, going away.
GOING_AWAY = {"code": WSCloseCode.GOING_AWAY, "message": b"server shutdown"}


def make_app(pool, served):
    closing = asyncio.Event()  # set by close_room (on_shutdown); not app state, which is frozen by then

    async def json_(request):
        return web.json_response({"message": te.HELLO})

    async def plaintext(request):
        return web.Response(text=te.HELLO, content_type="text/plain")

    async def db(request):
        return web.json_response(await te.one_world(pool))

    async def queries(request):
        return web.json_response(await te.many_worlds(pool, te.clamp_queries(request.query.get("queries"))))

    async def updates(request):
        return web.json_response(await te.update_worlds(pool, te.clamp_queries(request.query.get("queries"))))

    async def fortunes(request):
        return web.Response(text=await te.fortunes(pool), content_type="text/html", charset="utf-8")

    async def room(request):
        """The room: every member gets `joined` once it is in, then every message any member sends
        (itself included), unchanged and in each sender's order, relayed as aiohttp's
        chat demo relays them. The JS twin is ws's broadcast (../js/node-http.js)."""
        ws = web.WebSocketResponse()
        ws.headers["Server"] = te.SERVER_NAME  # before prepare(): the 101 is sent there
        await ws.prepare(request)
        members = request.app["room"]
        members.add(ws)
        try:
            # Nothing awaited since add(): no member's relay can have reached it before `joined`.
            await ws.send_str("joined")
            async for msg in ws:  # ends on a close frame, a dropped connection or a protocol error
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                served.add()  # run(state): room messages count with the requests
                # Each member's messages are relayed by its own handler, one after the other, so
                # every member gets them in the order they were sent. Two senders' relays may
                # interleave where a send awaits (a peer's transport paused), as in aiohttp's demo:
                # the room promises each sender's order, not one order for all.
                # A snapshot: a member that leaves while a send awaits must not change the set.
                for peer in tuple(members):
                    if peer.closed:
                        continue
                    try:
                        if msg.type == WSMsgType.TEXT:
                            await peer.send_str(msg.data)
                        else:
                            await peer.send_bytes(msg.data)
                    except ConnectionError:
                        pass  # the peer's connection is going away: its own handler removes it
            if closing.is_set():
                # aiohttp 3.8: close_room's close() first ends the `async for` above, and the close
                # aiohttp makes when the handler returns (1000) would go out before its 1001
                # (aiohttp #3448, fixed in 3.10); so the handler sends the 1001 itself.
                await ws.close(**GOING_AWAY)
        finally:
            members.discard(ws)
        return ws

    async def close_room(app):
        # runner.cleanup() runs the app's on_shutdown: members get 1001 (going away), all at once,
        # since a close() may wait for its member's reply (up to the response's 10 s timeout).
        closing.set()
        await asyncio.gather(*(ws.close(**GOING_AWAY) for ws in tuple(app["room"])))

    @web.middleware
    async def server_header(request, handler):
        served.add()  # the /room upgrade too: it is a request the server took
        response = await handler(request)
        # A WebSocketResponse comes back after its connection ended, its 101 long sent (with the
        # header, set before prepare()): its headers are not to be touched.
        if not response.prepared:
            response.headers["Server"] = te.SERVER_NAME
        return response

    app = web.Application(middlewares=[server_header])
    app["room"] = set()
    app.on_shutdown.append(close_room)
    app.add_routes([web.get("/json", json_), web.get("/plaintext", plaintext), web.get("/db", db),
                    web.get("/queries", queries), web.get("/updates", updates), web.get("/fortunes", fortunes),
                    web.get("/room", room)])
    return app


async def setup(params):
    pool = await te.asyncpg_pool(params)
    served = te.Served()
    runner = web.AppRunner(make_app(pool, served), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", params.get("port", 0))
    await site.start()
    return {"runner": runner, "pool": pool, "served": served, "port": runner.addresses[0][1]}


async def teardown(state):
    await state["runner"].cleanup()
    await state["pool"].close()


run = te.run  # the requests served since the last call (duet run's cross-check)


if __name__ == "__main__":
    te.run_async_standalone(setup, teardown)
