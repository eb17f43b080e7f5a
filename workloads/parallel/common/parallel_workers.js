// The code every parallel/* worker runs, for both kinds of JavaScript worker: a worker_threads
// Worker (started with `new Worker(thisFile)`) and a child process (child_process.fork(thisFile),
// which re-runs process.execPath: node, or duet, which behaves as node without a subcommand).
// Twin of parallel_workers.py. Each message is one task, {op, args}; the reply is its result.
// The main side never imports this file: it only starts it.
import { isMainThread, parentPort } from 'node:worker_threads';

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

// The CPU-bound task: the primes in [lo, hi) by trial division.
function countPrimes(lo, hi) {
  let count = 0;
  for (let n = lo; n < hi; n++) {
    if (isPrime(n)) {
      count += 1;
    }
  }
  return count;
}

// The I/O-bound task: a blocking wait, as time.sleep (the thread sleeps on a futex nobody wakes),
// standing in for a blocking read or a database call.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(delayMs) {
  Atomics.wait(sleeper, 0, 0, delayMs);
  return 1;
}

// A worker that answers is up: its runtime started and this module loaded.
function ping() {
  return 1;
}

const OPS = { countPrimes: countPrimes, sleepMs: sleepMs, ping: ping };

function perform(task) {
  return OPS[task.op](...task.args);
}

if (!isMainThread) {
  parentPort.on('message', (task) => parentPort.postMessage(perform(task)));
} else if (process.send !== undefined) {
  process.on('message', (task) => process.send(perform(task)));
  // The parent is gone (it exited, crashed or was killed without stopping us): so is our work.
  // Without this a child whose parent died keeps its IPC channel's event loop alive forever.
  process.on('disconnect', () => process.exit(0));
}
