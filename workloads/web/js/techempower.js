// What every JavaScript server of workloads/web shares: TechEmpower's rules (query-count
// clamping, the added fortune, sort order, HTML escaping, the batched update), the pg pool and
// the standalone entry point (`node SERVER.js --port P --db URL`), so the frameworks differ only
// in their own idiom. Twin of ../py/techempower.py.
import http from 'node:http';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const SERVER_NAME = 'duet';
export const HELLO = 'Hello, World!';
export const WORLD_ROWS = 10000;
// Equal on both sides: the connections each server may hold (pg Pool max, asyncpg/psycopg pool
// sizes, waitress threads for the WSGI servers).
export const DEFAULT_POOL_SIZE = 8;
export const ADDED_FORTUNE = 'Additional fortune added at request time.';

export const randomId = () => 1 + Math.floor(Math.random() * WORLD_ROWS);

// TechEmpower: missing, not an integer or below 1 means 1; above 500 means 500.
export function clampQueries(text) {
  const n = typeof text === 'string' && /^\s*[+-]?\d+\s*$/.test(text) ? Number.parseInt(text, 10) : 1;
  return Math.min(500, Math.max(1, n));
}

// `count` distinct ids: one update request never touches a row twice, so what it returns is
// what the batched UPDATE stored.
export function distinctIds(count) {
  const ids = new Set();
  while (ids.size < count) ids.add(randomId());
  return [...ids];
}

// A new randomNumber that differs from the old one, so every update is visible.
export function newRandomNumber(old) {
  let n = randomId();
  while (n === old) n = randomId();
  return n;
}

export const SELECT_WORLD = 'SELECT id, randomnumber FROM world WHERE id = $1';
export const SELECT_FORTUNES = 'SELECT id, message FROM fortune';

// One UPDATE for all rows, ids ascending so concurrent requests lock rows in the same order and
// cannot deadlock. Returns [sql, params].
export function batchedUpdate(worlds) {
  const sorted = [...worlds].sort((a, b) => a.id - b.id);
  const values = sorted.map((_, i) => `($${2 * i + 1}::int, $${2 * i + 2}::int)`).join(', ');
  const sql = `UPDATE world SET randomnumber = v.r FROM (VALUES ${values}) AS v(id, r) WHERE world.id = v.id`;
  return [sql, sorted.flatMap((w) => [w.id, w.randomNumber])];
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

// Rows from the database plus the added one, sorted by message, as TechEmpower's template.
export function fortunesHtml(rows) {
  const all = rows.map((r) => ({ id: r.id, message: r.message }));
  all.push({ id: 0, message: ADDED_FORTUNE });
  // Code-point order (as PostgreSQL's C collation and Python's sort): every message here is in
  // the Basic Multilingual Plane, where UTF-16 order is code-point order.
  all.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  let html = '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>';
  for (const f of all) html += `<tr><td>${f.id}</td><td>${escapeHtml(f.message)}</td></tr>`;
  return html + '</table></body></html>';
}

// The handlers' database work, the same for every framework.
export async function oneWorld(pool) {
  const { rows } = await pool.query({ name: 'world', text: SELECT_WORLD, values: [randomId()] });
  return { id: rows[0].id, randomNumber: rows[0].randomnumber };
}

export function manyWorlds(pool, count) {
  return Promise.all(Array.from({ length: count }, () => oneWorld(pool)));
}

export async function updateWorlds(pool, count) {
  // Each row read on its own query, as the rules ask; then one batched UPDATE.
  const worlds = await Promise.all(distinctIds(count).map(async (id) => {
    const { rows } = await pool.query({ name: 'world', text: SELECT_WORLD, values: [id] });
    return { id: rows[0].id, randomNumber: newRandomNumber(rows[0].randomnumber) };
  }));
  const [text, values] = batchedUpdate(worlds);
  await pool.query(text, values);
  return worlds;
}

export async function fortunes(pool) {
  const { rows } = await pool.query({ name: 'fortunes', text: SELECT_FORTUNES });
  return fortunesHtml(rows);
}

export function makePool(params) {
  const url = params.db ?? process.env.DATABASE_URL;
  if (!url) throw new Error('no database: pass --db URL or set DATABASE_URL');
  const pool = new pg.Pool({ connectionString: url, max: params.pool ?? DEFAULT_POOL_SIZE });
  // An idle connection the database drops (a restart, a crash) is an 'error' event on the pool,
  // which would end the process unhandled; the next query fails and gets its 500 instead.
  pool.on('error', (err) => process.stderr.write(`pg pool: ${err.message}\n`));
  return pool;
}

// The network-pair contract's run(state) (docs/net-workloads.md): the requests the server took
// since the last call, counted on the node http.Server every framework here runs on; duet's
// harness compares the count with its load generator's, and the two runtimes' counts with each other.
export function countRequests(server, state) {
  state.requests = 0;
  server.on('request', () => { state.requests += 1; });
  return state;
}

export function run(state) {
  const requests = state.requests;
  state.requests = 0;
  return { requests };
}

// Serves `handler` (a request listener: a plain function, or an Express app, which is one) on
// node's http server at 127.0.0.1, as app.listen() would; the state setup() returns.
export async function listenHttp(handler, pool, params) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(params.port ?? 0, '127.0.0.1', resolve));
  return countRequests(server, { server, pool, port: server.address().port });
}

export async function closeHttp(state) {
  state.server.closeAllConnections();
  await new Promise((resolve) => state.server.close(resolve));
  await state.pool.end();
}

// --port P (default 0: any free port), --db URL (else $DATABASE_URL), --pool N.
export function parseArgs(argv) {
  const params = { port: Number(process.env.PORT ?? 0) };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--port') params.port = Number(value);
    else if (name === '--db') params.db = value;
    else if (name === '--pool') params.pool = Number(value);
    else throw new Error(`unknown option ${name} (--port P, --db URL, --pool N)`);
  }
  return params;
}

// `node SERVER.js ...`: setup() on the command line's params, one line `{"port": N}` on stdout
// once listening (what a test or a script waits for), teardown() on SIGINT/SIGTERM.
export async function runStandalone(setup, teardown) {
  const state = await setup(parseArgs(process.argv.slice(2)));
  process.stdout.write(JSON.stringify({ port: state.port }) + '\n');
  const stop = async () => { await teardown(state); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Whether this file is the program (`node FILE`, `duet exec FILE`) rather than imported. `duet run`
// imports a workload as the main module of its Node environment too (argv[1] is the file), but
// with an uncaught-exception capture callback installed (host/node/js/workload_main.js): there
// the harness calls setup() itself.
export const isMain = (url) => process.argv[1] !== undefined && fileURLToPath(url) === process.argv[1] &&
  !process.hasUncaughtExceptionCaptureCallback();
