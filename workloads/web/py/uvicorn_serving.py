# Serving an ASGI app (Starlette, FastAPI) with uvicorn's Server.serve() on the running asyncio
# loop, as a task: inside duet that is duet's loop (the loop="none" of issue 21), standalone the
# stock one. The socket is bound here so port 0 works and setup() knows the port.

import asyncio
import socket

import uvicorn

import techempower as te


async def serve(app, params):
    # IPPROTO_TCP, not the default 0: stock asyncio turns Nagle off (TCP_NODELAY) only on sockets
    # whose proto says TCP (base_events._set_nodelay), and accepted sockets inherit the listener's.
    # With 0, uvicorn's two writes per response (head, body) waited on the client's delayed ACK:
    # about 40 ms per request, 360 requests/s on 16 connections standalone. uvicorn.run() binds
    # through loop.create_server, whose sockets say TCP, so this is what its users get.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", params.get("port", 0)))
    served = te.Served()

    async def counted(scope, receive, send):
        if scope["type"] == "http":
            served.add()
        await app(scope, receive, send)

    config = uvicorn.Config(counted, loop="none", lifespan="off", access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    # The caller handles signals (standalone: techempower.run_async_standalone; in duet: duet).
    server.install_signal_handlers = lambda: None
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.01)
    return {"server": server, "task": task, "served": served, "port": sock.getsockname()[1]}


async def stop(state):
    state["server"].should_exit = True
    await state["task"]


async def setup(make_app, params):
    """An asyncpg pool, the app over it served by uvicorn: the state a server's setup() returns."""
    pool = await te.asyncpg_pool(params)
    state = await serve(make_app(pool), params)
    state["pool"] = pool
    return state


async def teardown(state):
    await stop(state)
    await state["pool"].close()
