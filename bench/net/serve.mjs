// Serves one network pair's JS half until killed, for external clients such as wrk
// (docs/net-workloads.md): setup(params) with workload.json's params (key=value arguments
// override them), then {"port": N} on stdout. Runs in duet (`duet exec`) and in node alike; the
// pairs are imported statically because duet has no dynamic import().
import { readFile } from "node:fs/promises";
import * as fanOut from "../../workloads/net/fan-out/fan-out.js";
import * as httpHello from "../../workloads/net/http-hello/http-hello.js";
import * as idleConnections from "../../workloads/net/idle-connections/idle-connections.js";
import * as tcpEcho from "../../workloads/net/tcp-echo/tcp-echo.js";

const PAIRS = { "fan-out": fanOut, "http-hello": httpHello, "idle-connections": idleConnections, "tcp-echo": tcpEcho };

const [name, ...overrides] = process.argv.slice(2);
if (!(name in PAIRS)) {
  process.stderr.write(`usage: serve.mjs ${Object.keys(PAIRS).join("|")} [key=value ...]\n`);
  process.exit(2);
}
const here = decodeURIComponent(import.meta.url.replace(/^file:\/\//, "").replace(/[^/]*$/, ""));
const manifest = JSON.parse(await readFile(`${here}../../workloads/net/${name}/workload.json`, "utf8"));
const params = { ...manifest.params };
for (const item of overrides) {
  const eq = item.indexOf("=");
  params[item.slice(0, eq)] = JSON.parse(item.slice(eq + 1));
}
const state = await PAIRS[name].setup(params);
console.log(JSON.stringify({ port: state.port }));
