// TechEmpower's six test types on Node's own http module, no framework: the floor the JavaScript
// frameworks are measured against; and on the same server and port, a WebSocket chat room at /room
// (the ws package, as people attach it to node:http). setup() listens and returns the port;
// standalone: `node node-http.js --port P --db URL`.
import WebSocket, { WebSocketServer } from 'ws';
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

// The room: every member gets `joined` once it is in, then every message any member sends (itself
// included), unchanged and in the order the server received them, as ws's README broadcasts. The
// state's `wss` is the room (its `clients` are the members), so a fixture can wrap it.
function openRoom(state) {
  const wss = new WebSocketServer({ server: state.server, path: '/room' });
  // The 101 carries the Server header every other response carries.
  wss.on('headers', (headers) => headers.push(`Server: ${te.SERVER_NAME}`));
  // The upgrade is an HTTP request the server took, though node:http emits no 'request' for it;
  // the Python twin's middleware counts its /room request the same way.
  state.server.on('upgrade', () => { state.requests += 1; });
  wss.on('connection', (ws) => {
    // A client that breaks the protocol gets ws's close code (1002, 1007, 1009) and leaves; one
    // that drops its TCP connection just leaves. Neither may end the server, nor fill its log.
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      state.requests += 1; // run(state): room messages count with the requests
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    // ws added the client to wss.clients before 'connection', so nothing broadcast can reach it
    // before this: `joined` is its first message.
    ws.send('joined');
  });
  state.wss = wss;
  return state;
}

export async function setup(params) {
  const pool = te.makePool(params);
  const handler = (req, res) => {
    route(pool, req, res).catch((err) => send(res, 500, 'text/plain', String(err)));
  };
  return openRoom(await te.listenHttp(handler, pool, params));
}

// server.closeAllConnections() only knows HTTP connections: the room's upgraded sockets would keep
// server.close() waiting. Members get 1001 (going away) and wss.close() calls back once every one
// has closed (an unresponsive one is destroyed after ws's 30 s close timeout).
export async function teardown(state) {
  for (const client of state.wss.clients) client.close(1001, 'server shutdown');
  await new Promise((resolve) => state.wss.close(resolve));
  await te.closeHttp(state);
}

export { run } from './techempower.js';

if (te.isMain(import.meta.url)) await te.runStandalone(setup, teardown);
