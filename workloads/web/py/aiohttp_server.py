# TechEmpower's six test types on aiohttp (web.Application, run by an AppRunner on the running
# asyncio loop: duet's inside duet) over an asyncpg pool. setup() listens and returns the port;
# standalone: `/usr/bin/python3 aiohttp_server.py --port P --db URL`.

from aiohttp import web

import techempower as te


def make_app(pool, served):
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

    @web.middleware
    async def server_header(request, handler):
        served.add()
        response = await handler(request)
        response.headers["Server"] = te.SERVER_NAME
        return response

    app = web.Application(middlewares=[server_header])
    app.add_routes([web.get("/json", json_), web.get("/plaintext", plaintext), web.get("/db", db),
                    web.get("/queries", queries), web.get("/updates", updates), web.get("/fortunes", fortunes)])
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
