// fan-out: an HTTP/1.1 keep-alive server (on node:net, like http-hello) whose every request waits
// for `fanout` concurrent sub-requests — timers of `delay_ms`, standing in for backend calls —
// before it answers with their count. run() returns the requests answered since the last run,
// the cross-check against the load generator's exact count. Twin of fan-out.py.
import * as net from "node:net";

const HEAD_END = "\r\n\r\n";
const MAX_HEAD = 64 * 1024;

// The promise counterpart of asyncio.sleep(delay, result).
function sleep(delayMs, value) {
  return new Promise((resolve) => setTimeout(resolve, delayMs, value));
}

async function answer(state, socket, previous) {
  const parts = [];
  for (let i = 0; i < state.fanout; i++) parts.push(sleep(state.delayMs, i));
  const values = await Promise.all(parts);
  await previous; // responses leave in request order
  const body = "fan-out " + values.length;
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  state.requests++;
}

function serve(state, socket) {
  let pending = "";
  let last = Promise.resolve();
  socket.setNoDelay(true);
  socket.on("data", (chunk) => {
    pending += chunk.toString("latin1");
    let end;
    while ((end = pending.indexOf(HEAD_END)) !== -1) {
      pending = pending.slice(end + HEAD_END.length);
      last = answer(state, socket, last);
    }
    if (pending.length > MAX_HEAD) socket.destroy();
  });
  socket.on("error", () => {});
}

export function setup(params) {
  const state = { server: null, port: 0, requests: 0, fanout: params.fanout, delayMs: params.delay_ms };
  state.server = net.createServer((socket) => serve(state, socket));
  return new Promise((resolve) => {
    state.server.listen({ port: 0, host: "127.0.0.1", backlog: 1024 }, () => {
      state.port = state.server.address().port;
      resolve(state);
    });
  });
}

export function run(state) {
  const served = { requests: state.requests };
  state.requests = 0;
  return served;
}

export function verify(result, params) {
  return result.requests === params.requests;
}

export function teardown(state) {
  return new Promise((resolve) => state.server.close(() => resolve()));
}
