// producer-consumer: one producer puts `count` generated items into a bounded queue of `maxsize`
// slots, one consumer takes them out and sums them; measures handing values between two async
// tasks that suspend whenever the queue is full or empty. Twin of producer-consumer.py, line for
// line, except that Python uses the standard asyncio.Queue and JavaScript, which has no queue of
// its own, uses AsyncQueue below: the same algorithm as asyncio.Queue (CPython 3.11).

// Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// Items are 0..ITEM_RANGE-1; the producer ends the stream with DONE.
const ITEM_RANGE = 1000000;
const DONE = -1;

// Results for the shipped sizes ("count:maxsize:seed"), agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "1000:16:20240601": { count: 1000, sum: 520324985, checksum: 991354615 },
  "20000:16:20240601": { count: 20000, sum: 10050663455, checksum: 627784669 },
  "1000000:16:20240601": { count: 1000000, sum: 500066987996, checksum: 890930320 },
};

// asyncio.Queue's algorithm: a FIFO of items plus FIFOs of waiting getters and putters; put()
// waits while the queue is full, get() while it is empty, and each wakes the first waiter of the
// other side. (asyncio.Queue's task_done()/join() bookkeeping and cancellation handling are not
// used here and left out.)
class AsyncQueue {
  constructor(maxsize) {
    this.maxsize = maxsize;
    this.items = [];
    this.getters = [];
    this.putters = [];
  }

  full() {
    return this.maxsize > 0 && this.items.length >= this.maxsize;
  }

  empty() {
    return this.items.length === 0;
  }

  async put(item) {
    while (this.full()) {
      await new Promise((resolve) => this.putters.push(resolve));
    }
    this.items.push(item);
    wakeupNext(this.getters);
  }

  async get() {
    while (this.empty()) {
      await new Promise((resolve) => this.getters.push(resolve));
    }
    const item = this.items.shift();
    wakeupNext(this.putters);
    return item;
  }
}

function wakeupNext(waiters) {
  if (waiters.length > 0) {
    const wake = waiters.shift();
    wake();
  }
}

function nextInt(rng) {
  rng.state = (rng.state * MULTIPLIER) % MODULUS;
  return rng.state;
}

async function producer(queue, items) {
  for (let i = 0; i < items.length; i++) {
    await queue.put(items[i]);
  }
  await queue.put(DONE);
}

async function consumer(queue, totals) {
  while (true) {
    const item = await queue.get();
    if (item === DONE) {
      break;
    }
    totals.count += 1;
    totals.sum += item;
    totals.checksum = (totals.checksum * 31 + item) % CHECK_MOD;
  }
}

export function setup(params) {
  const rng = { state: params.seed };
  const items = [];
  for (let i = 0; i < params.count; i++) {
    items.push(nextInt(rng) % ITEM_RANGE);
  }
  return { items: items, maxsize: params.maxsize };
}

export async function run(state) {
  const queue = new AsyncQueue(state.maxsize);
  const totals = { count: 0, sum: 0, checksum: 0 };
  await Promise.all([producer(queue, state.items), consumer(queue, totals)]);
  return totals;
}

export function verify(result, params) {
  const expected = KNOWN[params.count + ":" + params.maxsize + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: only the item count is known in advance.
    return result.count === params.count;
  }
  return result.count === expected.count && result.sum === expected.sum && result.checksum === expected.checksum;
}
