// parallel/jobs: one job, CPU-bound (count the primes below `limit` by trial division, in
// `chunks` ranges) or I/O-bound (`sleeps` blocking waits of `sleep_ms` each), run by a pool of
// `workers` workers of one `kind`: "threads" (worker_threads) or "processes" (child_process.fork).
// Twin of jobs.py (a ThreadPool of threading threads, or a multiprocessing Pool). The pool starts
// in setup(), untimed: parallel/worker-start times that; a sample is the job alone.
import { Pool, cpuCount, resolveWorkers } from '../common/parallel_pool.js';

// The number of primes below each shipped `limit`, agreed by V8 and CPython; verify() checks these.
const KNOWN = { 2000: 303, 100000: 9592, 400000: 33860 };

export async function setup(params) {
  const workers = resolveWorkers(params.workers);
  return {
    pool: await Pool.start(params.kind, workers),
    kind: params.kind,
    bound: params.bound,
    workers: workers,
    limit: params.limit,
    chunks: params.chunks,
    sleeps: params.sleeps,
    sleepMs: params.sleep_ms,
  };
}

function tasksOf(state) {
  const tasks = [];
  if (state.bound === 'cpu') {
    for (let c = 0; c < state.chunks; c++) {
      const lo = Math.floor((state.limit * c) / state.chunks);
      const hi = Math.floor((state.limit * (c + 1)) / state.chunks);
      tasks.push({ op: 'countPrimes', args: [lo, hi] });
    }
  } else if (state.bound === 'io') {
    for (let s = 0; s < state.sleeps; s++) {
      tasks.push({ op: 'sleepMs', args: [state.sleepMs] });
    }
  } else {
    throw new Error(`unknown bound ${state.bound}: cpu or io`);
  }
  return tasks;
}

export async function run(state) {
  const replies = await state.pool.map(tasksOf(state));
  return {
    kind: state.kind,
    bound: state.bound,
    workers: state.workers,
    oversubscribed: state.workers > cpuCount(),
    total: replies.reduce((a, b) => a + b, 0),
  };
}

export function verify(result, params) {
  if (result.workers !== resolveWorkers(params.workers)) {
    return false;
  }
  if (params.bound === 'io') {
    return result.total === params.sleeps;
  }
  // Unlisted limits: the count is not known in advance (duet still checks both runtimes agree).
  return KNOWN[params.limit] === undefined || result.total === KNOWN[params.limit];
}

export async function teardown(state) {
  await state.pool.stop();
}
