// TechEmpower's six test types on Node's own http module, no framework: the floor the JavaScript
// frameworks are measured against. setup() listens and returns the port; standalone:
// `node node-http.js --port P --db URL`.
import * as te from './techempower.js';

function send(res, status, type, body) {
  res.writeHead(status, { Server: te.SERVER_NAME, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
const json = (res, value) => send(res, 200, 'application/json', JSON.stringify(value));

async function route(pool, req, res) {
  const url = new URL(req.url, 'http://localhost');
  switch (url.pathname) {
    case '/json': return json(res, { message: te.HELLO });
    case '/plaintext': return send(res, 200, 'text/plain', te.HELLO);
    case '/db': return json(res, await te.oneWorld(pool));
    case '/queries': return json(res, await te.manyWorlds(pool, te.clampQueries(url.searchParams.get('queries'))));
    case '/updates': return json(res, await te.updateWorlds(pool, te.clampQueries(url.searchParams.get('queries'))));
    case '/fortunes': return send(res, 200, 'text/html; charset=utf-8', await te.fortunes(pool));
    default: return send(res, 404, 'text/plain', 'not found');
  }
}

export async function setup(params) {
  const pool = te.makePool(params);
  const handler = (req, res) => {
    route(pool, req, res).catch((err) => send(res, 500, 'text/plain', String(err)));
  };
  return te.listenHttp(handler, pool, params);
}

export const teardown = te.closeHttp;
export { run } from './techempower.js';

if (te.isMain(import.meta.url)) await te.runStandalone(setup, teardown);
