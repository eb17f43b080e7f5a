// fan-out: http-hello's HTTP/1.1 keep-alive server (on node:net) where every request waits for
// `fanout` concurrent sub-requests — timers of `delay_ms`, standing in for backend calls — before
// it answers with their count. run() returns the requests answered since the last run, the
// cross-check against the load generator's exact count. Twin of fan-out.py.
import { listen } from "../http-hello/http-hello.js";

export { run, verify, teardown } from "../http-hello/http-hello.js";

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

export function setup(params) {
  const state = { server: null, port: 0, requests: 0, fanout: params.fanout, delayMs: params.delay_ms };
  const last = new WeakMap(); // socket -> its latest answer
  return listen(state, (socket) => {
    last.set(socket, answer(state, socket, last.get(socket)));
    return true;
  });
}
