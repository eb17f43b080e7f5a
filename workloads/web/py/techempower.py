# What every Python server of workloads/web shares: TechEmpower's rules (query-count clamping, the
# added fortune, sort order, HTML escaping, the batched update), the database URL and the
# standalone entry points (`/usr/bin/python3 SERVER.py --port P --db URL`), so the frameworks
# differ only in their own idiom. Twin of ../js/techempower.js.

import asyncio
import html
import json
import os
import random
import re
import signal
import sys
import threading
from urllib.parse import parse_qs, unquote, urlsplit

SERVER_NAME = "duet"
HELLO = "Hello, World!"
WORLD_ROWS = 10000
# Equal on both sides: the connections each server may hold (pg Pool max, asyncpg/psycopg pool
# sizes, waitress threads for the WSGI servers).
DEFAULT_POOL_SIZE = 8
ADDED_FORTUNE = "Additional fortune added at request time."
SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = $1"
SELECT_FORTUNES = "SELECT id, message FROM fortune"
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


def random_id():
    return random.randint(1, WORLD_ROWS)


def clamp_queries(text):
    """TechEmpower: missing, not an integer or below 1 means 1; above 500 means 500."""
    n = int(text) if isinstance(text, str) and _INTEGER.match(text) else 1
    return min(500, max(1, n))


def distinct_ids(count):
    """`count` distinct ids: one update request never touches a row twice, so what it returns is
    what the batched UPDATE stored."""
    return random.sample(range(1, WORLD_ROWS + 1), count)


def new_random_number(old):
    """A new randomNumber that differs from the old one, so every update is visible."""
    n = random_id()
    while n == old:
        n = random_id()
    return n


def batched_update(worlds, placeholder="$"):
    """One UPDATE for all rows, ids ascending so concurrent requests lock rows in the same order
    and cannot deadlock. `placeholder` "$": asyncpg's $1, $2; "%s": psycopg's. Returns (sql, params)."""
    rows = sorted(worlds, key=lambda w: w["id"])
    if placeholder == "$":
        values = ", ".join(f"(${2 * i + 1}::int, ${2 * i + 2}::int)" for i in range(len(rows)))
    else:
        values = ", ".join("(%s::int, %s::int)" for _ in rows)
    sql = f"UPDATE world SET randomnumber = v.r FROM (VALUES {values}) AS v(id, r) WHERE world.id = v.id"
    return sql, [x for w in rows for x in (w["id"], w["randomNumber"])]


def sorted_fortunes(rows):
    """Rows (id, message) from the database plus the added one, sorted by message."""
    fortunes = [(row[0], row[1]) for row in rows]
    fortunes.append((0, ADDED_FORTUNE))
    fortunes.sort(key=lambda f: f[1])
    return fortunes


FORTUNES_HEAD = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>"
FORTUNES_TAIL = "</table></body></html>"
# The same page as a Jinja2 template, for the frameworks whose idiom is a template engine.
FORTUNES_JINJA = (FORTUNES_HEAD + "{% for id, message in fortunes %}<tr><td>{{ id }}</td><td>{{ message }}</td></tr>"
                  "{% endfor %}" + FORTUNES_TAIL)


def fortunes_html(rows):
    body = "".join(f"<tr><td>{i}</td><td>{html.escape(m)}</td></tr>" for i, m in sorted_fortunes(rows))
    return FORTUNES_HEAD + body + FORTUNES_TAIL


def world(row):
    return {"id": row[0], "randomNumber": row[1]}


# The asyncpg handlers' database work (aiohttp, Starlette, FastAPI): one pooled connection per
# request, its queries one after the other (a connection runs one query at a time).
async def one_world(pool):
    return world(await pool.fetchrow(SELECT_WORLD, random_id()))


async def many_worlds(pool, count):
    async with pool.acquire() as conn:
        statement = await conn.prepare(SELECT_WORLD)
        return [world(await statement.fetchrow(random_id())) for _ in range(count)]


async def update_worlds(pool, count):
    async with pool.acquire() as conn:
        statement = await conn.prepare(SELECT_WORLD)
        worlds = []
        for i in distinct_ids(count):  # each row read on its own query, as the rules ask
            row = await statement.fetchrow(i)
            worlds.append({"id": row[0], "randomNumber": new_random_number(row[1])})
        sql, params = batched_update(worlds)
        await conn.execute(sql, *params)
        return worlds


async def fortunes(pool):
    async with pool.acquire() as conn:
        return fortunes_html(await conn.fetch(SELECT_FORTUNES))


async def asyncpg_pool(params):
    import asyncpg  # Debian's python3-asyncpg; imported here so the WSGI servers need not have it

    size = params.get("pool", DEFAULT_POOL_SIZE)
    return await asyncpg.create_pool(database_url(params), min_size=size, max_size=size)


def database_url(params):
    url = params.get("db") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("no database: pass --db URL or set DATABASE_URL")
    return url


def url_parts(url):
    """A postgresql:// URL as (database, user, host, port, password); host may be a socket directory
    given as ?host=, as libpq allows (Django's settings want the parts)."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return (unquote(parts.path.lstrip("/")) or query.get("dbname", ""), unquote(parts.username or "") or query.get("user", ""),
            unquote(parts.hostname or "") or query.get("host", ""), str(parts.port or query.get("port", "")),
            unquote(parts.password or "") or query.get("password", ""))


def parse_args(argv):
    """--port P (default 0: any free port), --db URL (else $DATABASE_URL), --pool N."""
    params = {"port": int(os.environ.get("PORT", "0"))}
    if len(argv) % 2:
        raise SystemExit(f"{argv[-1]} needs a value")
    for name, value in zip(argv[::2], argv[1::2]):
        if name == "--port":
            params["port"] = int(value)
        elif name == "--db":
            params["db"] = value
        elif name == "--pool":
            params["pool"] = int(value)
        else:
            raise SystemExit(f"unknown option {name} (--port P, --db URL, --pool N)")
    return params


class Served:
    """Requests a server took since run() last asked: the network-pair contract's run(state)
    (docs/net-workloads.md), which duet's harness compares with its load generator's count and with
    the JS twin's. Locked: waitress's threads count concurrently."""

    def __init__(self):
        self._lock = threading.Lock()
        self._count = 0

    def add(self):
        with self._lock:
            self._count += 1

    def take(self):
        with self._lock:
            count, self._count = self._count, 0
        return count


def run(state):
    return {"requests": state["served"].take()}


def announce(state):
    """One line `{"port": N}` on stdout once listening: what a test or a script waits for."""
    print(json.dumps({"port": state["port"]}), flush=True)


def run_async_standalone(setup, teardown):
    """`python3 SERVER.py ... [--uvloop]` for an asyncio server: setup(), announce, teardown() on
    SIGINT/SIGTERM; on uvloop's loop with --uvloop (Debian's python3-uvloop), else the running
    Python's default (stock asyncio in python3, duet's loop in duet)."""
    argv = sys.argv[1:]
    if "--uvloop" in argv:
        import uvloop

        argv.remove("--uvloop")
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

    async def main():
        state = await setup(parse_args(argv))
        announce(state)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        await stop.wait()
        await teardown(state)

    asyncio.run(main())


def serve_wsgi(app, params):
    """A WSGI app on waitress with as many threads as the pool has connections, serving on a thread
    of its own (waitress keeps its own threads and select loop, never an asyncio loop)."""
    import logging

    from waitress.server import create_server

    # waitress warns "Task queue depth is N" each time a request waits for a free thread, which under
    # a benchmark's load is thousands of lines a second (105 125 in one `duet run --filter web/`):
    # queueing is what the load is for. Errors are still logged.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    size = params.get("pool", DEFAULT_POOL_SIZE)
    served = Served()

    def counted(environ, start_response):
        served.add()
        return app(environ, start_response)

    server = create_server(counted, host="127.0.0.1", port=params.get("port", 0), threads=size, ident=SERVER_NAME)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return {"server": server, "thread": thread, "served": served, "port": int(server.effective_port)}  # waitress gives a str


def stop_wsgi(state):
    # The threads first: a request still being served when the server closed wrote to its closed
    # trigger ("Exception when servicing ... OSError: [Errno 9] Bad file descriptor").
    state["server"].task_dispatcher.shutdown()
    state["server"].close()
    state["thread"].join(timeout=5)


def run_wsgi_standalone(setup, teardown):
    """`python3 SERVER.py ...` for a WSGI server: setup(), announce, teardown() on SIGINT/SIGTERM."""
    # Blocked before waitress's threads start, so they inherit the mask and sigwait gets them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    state = setup(parse_args(sys.argv[1:]))
    announce(state)
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
    teardown(state)
