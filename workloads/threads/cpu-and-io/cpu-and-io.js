// cpu-and-io: for each worker count in `threads`, a CPU-bound job (count the primes below `limit`
// by trial division, split into `chunks` ranges dealt round-robin to the workers) and then an
// I/O-bound job (`sleeps` waits of `sleep_ms` each, dealt the same way). Measures what extra
// workers buy each runtime. Twin of cpu-and-io.py, line for line, except for the workers: duet
// gives JavaScript no threads (no worker_threads), so here they are async functions run together
// with Promise.all on the one event loop; their timer waits overlap, but their CPU work runs one
// worker after another, so the CPU job cannot get faster with more workers.

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

// The non-blocking counterpart of time.sleep.
function sleep(delayMs) {
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}

async function cpuWorker(w, workers, limit, chunks, counts) {
  for (let c = w; c < chunks; c += workers) {
    counts[c] = countPrimes(Math.floor((limit * c) / chunks), Math.floor((limit * (c + 1)) / chunks));
  }
}

async function ioWorker(w, workers, sleeps, sleepMs, done) {
  for (let s = w; s < sleeps; s += workers) {
    await sleep(sleepMs);
    done[w] += 1;
  }
}

async function cpuJob(workers, limit, chunks) {
  const counts = new Array(chunks).fill(0);
  const pool = [];
  for (let w = 0; w < workers; w++) {
    pool.push(cpuWorker(w, workers, limit, chunks, counts));
  }
  await Promise.all(pool);
  return counts.reduce((a, b) => a + b, 0);
}

async function ioJob(workers, sleeps, sleepMs) {
  const done = new Array(workers).fill(0);
  const pool = [];
  for (let w = 0; w < workers; w++) {
    pool.push(ioWorker(w, workers, sleeps, sleepMs, done));
  }
  await Promise.all(pool);
  return done.reduce((a, b) => a + b, 0);
}

export function setup(params) {
  return {
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
    const primes = await cpuJob(workers, state.limit, state.chunks);
    const sleeps = await ioJob(workers, state.sleeps, state.sleepMs);
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
