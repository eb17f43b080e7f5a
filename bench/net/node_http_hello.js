// A node:http hello server, the same file in `duet exec` (Node embedded on duet's loop) and in
// Debian's node 18, for bench/net.py --workload node-http: prints {"port": N}, serves until killed.
const http = require('http');

const body = 'Hello, World!';
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
