// cpu-and-io: for each worker count in `threads`, a CPU-bound job (count the primes below `limit`
// by trial division, split into `chunks` ranges dealt round-robin to the workers) and then an
// I/O-bound job (`sleeps` waits of `sleep_ms` each, dealt the same way). Measures what extra
// workers buy each runtime. Twin of cpu-and-io.py, line for line, except for the workers: here
// they are worker_threads, each an OS thread with its own V8 isolate and event loop, so the CPU
// job runs on as many cores as there are workers; a wait is a blocking Atomics.wait, as
// time.sleep blocks a Python thread. A worker takes tens of milliseconds to start (a new Node
// environment), so setup() starts the pool once; Python's threads start in microseconds and are
// made per job, as their idiom is. This file is also each worker's code (isMainThread).
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

// The number of primes below each shipped `limit`, agreed by V8 and CPython; verify() checks these.
const KNOWN = { 2000: 303, 50000: 5133, 400000: 33860 };

function isPrime(n) {
  if (n < 2) {
    return false;
  }
  if (n % 2 === 0) {
    return n === 2;
  }
  let d = 3;
  while (d * d <= n) {
    if (n % d === 0) {
      return false;
    }
    d += 2;
  }
  return true;
}

function countPrimes(lo, hi) {
  let count = 0;
  for (let n = lo; n < hi; n++) {
    if (isPrime(n)) {
      count += 1;
    }
  }
  return count;
}

// A blocking wait, as time.sleep: the worker's thread sleeps on a futex nobody wakes.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(delayMs) {
  Atomics.wait(sleeper, 0, 0, delayMs);
}

function cpuWorker(w, workers, limit, chunks) {
  const counts = {};
  for (let c = w; c < chunks; c += workers) {
    counts[c] = countPrimes(Math.floor((limit * c) / chunks), Math.floor((limit * (c + 1)) / chunks));
  }
  return counts;
}

function ioWorker(w, workers, sleeps, sleepMs) {
  let done = 0;
  for (let s = w; s < sleeps; s += workers) {
    sleep(sleepMs);
    done += 1;
  }
  return done;
}

// In a worker: run each job the main thread posts and post its result back.
if (!isMainThread) {
  parentPort.on('message', (job) => {
    const work = job.kind === 'cpu' ? cpuWorker : ioWorker;
    parentPort.postMessage(work(...job.args));
  });
}

// Posts one job to each of the first `workers` workers and waits for all their results.
function onWorkers(pool, workers, kind, argsOf) {
  const replies = [];
  for (let w = 0; w < workers; w++) {
    replies.push(
      new Promise((resolve, reject) => {
        const worker = pool[w];
        const failed = (error) => {
          worker.off('message', replied);
          reject(error);
        };
        const replied = (result) => {
          worker.off('error', failed);
          resolve(result);
        };
        worker.once('message', replied);
        worker.once('error', failed);
        worker.postMessage({ kind: kind, args: argsOf(w) });
      }),
    );
  }
  return Promise.all(replies);
}

async function cpuJob(pool, workers, limit, chunks) {
  const counts = new Array(chunks).fill(0);
  for (const part of await onWorkers(pool, workers, 'cpu', (w) => [w, workers, limit, chunks])) {
    for (const [c, count] of Object.entries(part)) {
      counts[c] = count;
    }
  }
  return counts.reduce((a, b) => a + b, 0);
}

async function ioJob(pool, workers, sleeps, sleepMs) {
  const done = await onWorkers(pool, workers, 'io', (w) => [w, workers, sleeps, sleepMs]);
  return done.reduce((a, b) => a + b, 0);
}

export async function setup(params) {
  const pool = [];
  for (let w = 0; w < Math.max(...params.threads); w++) {
    pool.push(new Worker(new URL(import.meta.url)));
  }
  // Started once they are online, so no iteration waits for a worker's start-up.
  await Promise.all(pool.map((worker) => new Promise((resolve) => worker.once('online', resolve))));
  return {
    pool: pool,
    threads: params.threads,
    limit: params.limit,
    chunks: params.chunks,
    sleeps: params.sleeps,
    sleepMs: params.sleep_ms,
  };
}

export async function run(state) {
  const results = [];
  for (const workers of state.threads) {
    const primes = await cpuJob(state.pool, workers, state.limit, state.chunks);
    const sleeps = await ioJob(state.pool, workers, state.sleeps, state.sleepMs);
    results.push({ threads: workers, primes: primes, sleeps: sleeps });
  }
  return results;
}

export function verify(result, params) {
  const expected = KNOWN[params.limit];
  if (result.length !== params.threads.length) {
    return false;
  }
  for (let i = 0; i < result.length; i++) {
    if (result[i].threads !== params.threads[i] || result[i].sleeps !== params.sleeps) {
      return false;
    }
    // Unlisted params: the prime count is not known in advance, but every worker count must agree.
    if (result[i].primes !== (expected === undefined ? result[0].primes : expected)) {
      return false;
    }
  }
  return true;
}

export async function teardown(state) {
  await Promise.all(state.pool.map((worker) => worker.terminate()));
}
