// Echo server for the TCP benchmark: runs unmodified in duet and in node. Prints its port, then,
// when `expected` connections have come and gone, its own CPU time as JSON, and exits.
import * as net from 'node:net';
const expected = Number(process.argv[2] || 10);
let seen = 0;
let open = 0;
let bytes = 0;
let cpuAtFirst = null;
const server = net.createServer((socket) => {
  if (cpuAtFirst === null) cpuAtFirst = process.cpuUsage();
  seen++;
  open++;
  socket.setNoDelay(true);
  socket.on('data', (chunk) => { bytes += chunk.length; socket.write(chunk); });
  socket.on('close', () => {
    open--;
    if (seen === expected && open === 0) {
      const cpu = process.cpuUsage(cpuAtFirst);
      console.log(JSON.stringify({ bytes, cpu_us: cpu.user + cpu.system, user_us: cpu.user }));
      server.close();
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
