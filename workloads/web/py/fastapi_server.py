# TechEmpower's six test types on FastAPI (path operations with a typed query parameter, a
# Jinja2 template) served by uvicorn on the running asyncio loop (uvicorn sets Server and Date),
# over an asyncpg pool. setup() listens and returns the port; standalone:
# `/usr/bin/python3 fastapi_server.py --port P --db URL`.

from typing import Optional

import jinja2
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse

import techempower as te
import uvicorn_serving

TEMPLATE = jinja2.Environment(autoescape=True).from_string(te.FORTUNES_JINJA)


def make_app(pool):
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/json")
    async def json_():
        return {"message": te.HELLO}

    @app.get("/plaintext", response_class=PlainTextResponse)
    async def plaintext():
        return te.HELLO

    @app.get("/db")
    async def db():
        return await te.one_world(pool)

    # A str, not an int: FastAPI would answer 422 to ?queries=foo, and the rules ask for 1.
    @app.get("/queries")
    async def queries(queries: Optional[str] = None):
        return await te.many_worlds(pool, te.clamp_queries(queries))

    @app.get("/updates")
    async def updates(queries: Optional[str] = None):
        return await te.update_worlds(pool, te.clamp_queries(queries))

    @app.get("/fortunes", response_class=HTMLResponse)
    async def fortunes():
        async with pool.acquire() as conn:
            rows = await conn.fetch(te.SELECT_FORTUNES)
        return HTMLResponse(TEMPLATE.render(fortunes=te.sorted_fortunes(rows)))

    return app


async def setup(params):
    return await uvicorn_serving.setup(make_app, params)


teardown = uvicorn_serving.teardown


run = te.run  # the requests served since the last call (duet run's cross-check)


if __name__ == "__main__":
    te.run_async_standalone(setup, teardown)
