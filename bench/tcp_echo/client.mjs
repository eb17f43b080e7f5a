// Load generator for the TCP benchmark (always run by the same node): `connections` sockets to
// 127.0.0.1:port, each sending `messages` messages of `size` bytes one at a time and waiting for
// the echo. Bounded by count; prints throughput as JSON.
import * as net from 'node:net';
const [port, connections, messages, size] = process.argv.slice(2).map(Number);
const payload = new Uint8Array(size).fill(97);
const started = process.hrtime.bigint();
let done = 0;
for (let c = 0; c < connections; c++) {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
  socket.setNoDelay(true);
  let sent = 1;
  let pending = size;
  socket.on('data', (chunk) => {
    pending -= chunk.length;
    if (pending > 0) return;
    if (sent === messages) { socket.end(); return; }
    sent++;
    pending = size;
    socket.write(payload);
  });
  socket.on('close', () => {
    if (++done === connections) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(JSON.stringify({ messages: connections * messages, seconds, per_second: (connections * messages) / seconds }));
    }
  });
}
