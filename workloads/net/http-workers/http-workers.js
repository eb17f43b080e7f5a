// http-workers: net/http-hello's server in `workers` processes sharing one port, the way Node
// spreads a server over cores: node:cluster. The primary (this module as the workload: in duet,
// the embedded Node) forks the workers, which re-run process.execPath on this file (duet, which
// runs a .js as node does, or node itself standalone) and each serve http-hello's answer; the
// primary accepts the connections and hands them to the workers round-robin, cluster's default on
// Linux. run() sums what each worker answered since the last run, asked over cluster's IPC
// channel; a worker ends with that channel, so none outlives the primary. Twin of http-workers.py.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { setup as serveHello } from "../http-hello/http-hello.js";

export { verify } from "../http-hello/http-hello.js";

// A worker: http-hello's server (listen() on port 0 in a cluster worker takes the primary's one
// shared port), answering the primary's "count" with the requests since the last count.
async function serveAsWorker() {
  const state = await serveHello({});
  process.on("message", (message) => {
    if (message !== "count") return;
    process.send({ requests: state.requests });
    state.requests = 0;
  });
  process.send({ listening: state.port });
}

if (cluster.isWorker) await serveAsWorker();

// "N": the CPUs this process may run on, as parallel/jobs counts them.
const resolveWorkers = (workers) => (workers === "N" ? availableParallelism() : workers);

function fork() {
  return new Promise((resolve, reject) => {
    const worker = cluster.fork();
    const failed = (code) => reject(new Error(`a cluster worker exited (code ${code}) before it listened`));
    worker.once("exit", failed);
    worker.once("message", (message) => {
      worker.off("exit", failed);
      resolve({ worker, port: message.listening });
    });
  });
}

export async function setup(params) {
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: [] });
  const started = await Promise.all(Array.from({ length: resolveWorkers(params.workers) }, fork));
  const ports = new Set(started.map((s) => s.port));
  if (ports.size !== 1) throw new Error(`the workers listen on ${ports.size} ports, not one`);
  return { workers: started.map((s) => s.worker), port: started[0].port };
}

function count(worker) {
  return new Promise((resolve) => {
    worker.once("message", (message) => resolve(message.requests));
    worker.send("count");
  });
}

export async function run(state) {
  const counts = await Promise.all(state.workers.map(count));
  return { requests: counts.reduce((a, b) => a + b, 0), workers: state.workers.length };
}

export function teardown(state) {
  return Promise.all(state.workers.map((worker) => new Promise((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once("exit", resolve);
    worker.kill();
  })));
}
