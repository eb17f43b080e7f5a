// idle-connections: tcp-echo's server (node:net), held idle. The load generator opens
// `connections` sockets, exchanges one `message_size`-byte echo on each (so the server has set
// every one up), and with all of them open reads the process RSS: the harness reports the growth
// per connection. run() returns the connections accepted and bytes echoed since the last run.
// Twin of idle-connections.py.
export { setup, run, teardown } from "../tcp-echo/tcp-echo.js";

export function verify(result, params) {
  return result.connections === params.connections && result.bytes === params.connections * params.message_size;
}
