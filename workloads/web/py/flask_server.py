# TechEmpower's six test types on Flask (routes, jsonify, a Jinja2 template) over psycopg 3 and a
# psycopg_pool ConnectionPool, on waitress's threads: the synchronous style, one request per
# thread at a time. Debian's psycopg is its pure-Python build (over libpq through ctypes), not the
# C-accelerated one from PyPI. setup() listens and returns the port; standalone:
# `/usr/bin/python3 flask_server.py --port P --db URL`.

from flask import Flask, Response, jsonify, render_template_string, request
from psycopg_pool import ConnectionPool

import techempower as te

SELECT_WORLD = te.SELECT_WORLD.replace("$1", "%s")


def make_app(pool):
    app = Flask(__name__)

    def one(cur, world_id):
        cur.execute(SELECT_WORLD, (world_id,))
        return cur.fetchone()

    @app.get("/json")
    def json_():
        return jsonify(message=te.HELLO)

    @app.get("/plaintext")
    def plaintext():
        return Response(te.HELLO, content_type="text/plain")

    @app.get("/db")
    def db():
        with pool.connection() as conn, conn.cursor() as cur:
            return jsonify(te.world(one(cur, te.random_id())))

    @app.get("/queries")
    def queries():
        count = te.clamp_queries(request.args.get("queries"))
        with pool.connection() as conn, conn.cursor() as cur:
            return jsonify([te.world(one(cur, te.random_id())) for _ in range(count)])

    @app.get("/updates")
    def updates():
        count = te.clamp_queries(request.args.get("queries"))
        with pool.connection() as conn, conn.cursor() as cur:
            worlds = []
            for world_id in te.distinct_ids(count):  # each row read on its own query
                row = one(cur, world_id)
                worlds.append({"id": row[0], "randomNumber": te.new_random_number(row[1])})
            sql, params = te.batched_update(worlds, placeholder="%s")
            cur.execute(sql, params)
        return jsonify(worlds)

    @app.get("/fortunes")
    def fortunes():
        with pool.connection() as conn, conn.cursor() as cur:
            cur.execute(te.SELECT_FORTUNES)
            rows = cur.fetchall()
        return render_template_string(te.FORTUNES_JINJA, fortunes=te.sorted_fortunes(rows))

    return app


def setup(params):
    size = params.get("pool", te.DEFAULT_POOL_SIZE)
    # The pool's connections autocommit: each request's statements are committed when run.
    pool = ConnectionPool(te.database_url(params), min_size=size, max_size=size, kwargs={"autocommit": True})
    pool.wait(timeout=10)
    state = te.serve_wsgi(make_app(pool), params)
    state["pool"] = pool
    return state


def teardown(state):
    te.stop_wsgi(state)
    state["pool"].close()


run = te.run  # the requests served since the last call (duet run's cross-check)


if __name__ == "__main__":
    te.run_wsgi_standalone(setup, teardown)
