// A pool of JavaScript workers of one kind, as the parallel/* twins use it: "threads" are
// worker_threads Workers (an OS thread with its own V8 isolate and event loop each) and
// "processes" child processes started with child_process.fork. Twin of parallel_pool.py. A
// task goes to whichever worker is free, as multiprocessing's pools deal theirs.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER_FILE = new URL('./parallel_workers.js', import.meta.url);

// "N" is the CPU count this process may run on (its affinity mask, as Python's
// os.sched_getaffinity); a number is taken as it is, and above that count it is oversubscribed.
export function cpuCount() {
  return availableParallelism();
}

export function resolveWorkers(workers) {
  return workers === 'N' ? cpuCount() : workers;
}

// One worker with the same face for both kinds: send a task, hear its reply, hear it die.
function startWorker(kind) {
  if (kind === 'threads') {
    const worker = new Worker(WORKER_FILE);
    return {
      send: (task) => worker.postMessage(task),
      on: (event, listener) => worker.on(event, listener),
      off: (event, listener) => worker.off(event, listener),
      stop: () => worker.terminate(),
    };
  }
  if (kind !== 'processes') {
    throw new Error(`unknown worker kind ${kind}: threads or processes`);
  }
  // execArgv []: a plain runtime, not the parent's flags (a standalone driver's loader hooks).
  const child = fork(fileURLToPath(WORKER_FILE), [], { execArgv: [] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    send: (task) => child.send(task),
    on: (event, listener) => child.on(event, listener),
    off: (event, listener) => child.off(event, listener),
    // SIGKILL: the child runs nothing that needs a goodbye, and a busy child (a CPU task in
    // flight when a workload failed) would not read a polite request until its task ended.
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      return exited;
    },
  };
}

// Sends `task` to `worker`; resolves with its reply, rejects if it fails or dies first.
function ask(worker, task) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', replied);
      worker.off('error', failed);
      worker.off('exit', died);
    };
    const replied = (result) => {
      cleanup();
      resolve(result);
    };
    const failed = (error) => {
      cleanup();
      reject(error);
    };
    const died = (code) => {
      cleanup();
      reject(new Error(`a worker exited (${code}) with a task in flight`));
    };
    worker.on('message', replied);
    worker.on('error', failed);
    worker.on('exit', died);
    worker.send(task);
  });
}

export class Pool {
  constructor(workers) {
    this.workers = workers;
  }

  // Starts `count` workers and resolves once every one has answered a ping (so it is running).
  static async start(kind, count) {
    const workers = [];
    try {
      for (let w = 0; w < count; w++) {
        workers.push(startWorker(kind));
      }
      await Promise.all(workers.map((worker) => ask(worker, { op: 'ping', args: [] })));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.stop()));
      throw error;
    }
    return new Pool(workers);
  }

  // Runs every task, each on the next free worker; resolves with the replies in task order.
  async map(tasks) {
    const results = new Array(tasks.length);
    let next = 0;
    const drain = async (worker) => {
      while (next < tasks.length) {
        const t = next;
        next += 1;
        results[t] = await ask(worker, tasks[t]);
      }
    };
    await Promise.all(this.workers.map(drain));
    return results;
  }

  async stop() {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}
