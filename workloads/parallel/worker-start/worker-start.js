// parallel/worker-start: what a worker costs to start. Each run() starts a pool of `workers`
// workers of one `kind` ("threads": worker_threads; "processes": child_process.fork), waits
// until every one has answered a task (its runtime is up and its code loaded), then stops them
// all and waits for them to end. Twin of worker-start.py (a ThreadPool or a multiprocessing Pool).
import { Pool, cpuCount, resolveWorkers } from '../common/parallel_pool.js';

export function setup(params) {
  return { kind: params.kind, workers: resolveWorkers(params.workers) };
}

export async function run(state) {
  const pool = await Pool.start(state.kind, state.workers);
  await pool.stop();
  return {
    kind: state.kind,
    workers: state.workers,
    oversubscribed: state.workers > cpuCount(),
    started: pool.workers.length,
  };
}

export function verify(result, params) {
  return result.workers === resolveWorkers(params.workers) && result.started === result.workers;
}
