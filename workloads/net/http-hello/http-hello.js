// http-hello: a minimal HTTP/1.1 keep-alive server written on node:net (the host has no http
// module, and the point is the event loop, not a parser library): every request head gets a
// 13-byte "Hello, world!". run() returns the requests answered since the last run, the
// cross-check against the load generator's exact count. fan-out reuses listen() with its own
// answer. Twin of http-hello.py.
import * as net from "node:net";

const RESPONSE = Buffer.from(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!",
  "latin1",
);
const HEAD_END = "\r\n\r\n";
const MAX_HEAD = 64 * 1024;

// Starts the server on 127.0.0.1 port 0; onHead(socket, head) answers each request head in
// order (requests carry no body: GET) and returns false when the connection is done.
export function listen(state, onHead) {
  state.server = net.createServer((socket) => {
    let pending = "";
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      let end;
      while ((end = pending.indexOf(HEAD_END)) !== -1) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + HEAD_END.length);
        if (!onHead(socket, head)) return;
      }
      if (pending.length > MAX_HEAD) socket.destroy();
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

export function setup(params) {
  const state = { server: null, port: 0, requests: 0 };
  return listen(state, (socket, head) => {
    state.requests++;
    socket.write(RESPONSE);
    if (!/\r\nconnection:\s*close/i.test(head)) return true;
    socket.end();
    return false;
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
