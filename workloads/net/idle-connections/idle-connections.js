// idle-connections: a server holding many open, idle connections. The load generator opens
// `connections` sockets, exchanges one `message_size`-byte echo on each (so the server has set
// every one up), and with all of them open reads the process RSS: the harness reports the growth
// per connection. run() returns the connections accepted and bytes echoed since the last run.
// Twin of idle-connections.py.
import * as net from "node:net";

export function setup(params) {
  const state = { server: null, port: 0, connections: 0, bytes: 0 };
  state.server = net.createServer((socket) => {
    state.connections++;
    socket.on("data", (chunk) => {
      state.bytes += chunk.length;
      socket.write(chunk);
    });
    socket.on("error", () => {});
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
  return result.connections === params.connections && result.bytes === params.connections * params.message_size;
}

export function teardown(state) {
  return new Promise((resolve) => state.server.close(() => resolve()));
}
