# TechEmpower's six test types on Starlette (routes, JSONResponse, a Jinja2 template) served by
# uvicorn on the running asyncio loop (uvicorn sets Server and Date), over an asyncpg pool. setup() listens and returns the
# port; standalone: `/usr/bin/python3 starlette_server.py --port P --db URL`.

import jinja2
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Route

import techempower as te
import uvicorn_serving

TEMPLATE = jinja2.Environment(autoescape=True).from_string(te.FORTUNES_JINJA)


def make_app(pool):
    async def json_(request):
        return JSONResponse({"message": te.HELLO})

    async def plaintext(request):
        return PlainTextResponse(te.HELLO)

    async def db(request):
        return JSONResponse(await te.one_world(pool))

    async def queries(request):
        count = te.clamp_queries(request.query_params.get("queries"))
        return JSONResponse(await te.many_worlds(pool, count))

    async def updates(request):
        count = te.clamp_queries(request.query_params.get("queries"))
        return JSONResponse(await te.update_worlds(pool, count))

    async def fortunes(request):
        async with pool.acquire() as conn:
            rows = await conn.fetch(te.SELECT_FORTUNES)
        return HTMLResponse(TEMPLATE.render(fortunes=te.sorted_fortunes(rows)))

    return Starlette(routes=[Route("/json", json_), Route("/plaintext", plaintext), Route("/db", db),
                             Route("/queries", queries), Route("/updates", updates), Route("/fortunes", fortunes)])


async def setup(params):
    return await uvicorn_serving.setup(make_app, params)


teardown = uvicorn_serving.teardown


run = te.run  # the requests served since the last call (duet run's cross-check)


if __name__ == "__main__":
    te.run_async_standalone(setup, teardown)
