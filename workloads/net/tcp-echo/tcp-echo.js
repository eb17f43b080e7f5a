// tcp-echo: an echo server on node:net; the harness's load generator sends fixed-size messages on
// `connections` sockets and waits for each echo. run() returns what the server counted since the
// last run, the cross-check against the generator's exact counts. Twin of tcp-echo.py.
import * as net from "node:net";

export function setup(params) {
  const state = { server: null, port: 0, connections: 0, bytes: 0 };
  state.server = net.createServer((socket) => {
    state.connections++;
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      state.bytes += chunk.length;
      socket.write(chunk);
    });
    socket.on("error", () => {}); // a reset peer is the generator's to report, not the server's
  });
  return new Promise((resolve) => {
    state.server.listen({ port: 0, host: "127.0.0.1", backlog: 1024 }, () => {
      state.port = state.server.address().port;
      resolve(state);
    });
  });
}

export function run(state) {
  const served = { connections: state.connections, bytes: state.bytes };
  state.connections = 0;
  state.bytes = 0;
  return served;
}

export function verify(result, params) {
  return result.connections === params.connections && result.bytes === params.requests * params.message_size;
}

export function teardown(state) {
  return new Promise((resolve) => state.server.close(() => resolve()));
}
