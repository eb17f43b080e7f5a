// long-lived-objects: setup builds `count` small objects (five fields each, one a reference to a
// random other object) and keeps them for the whole measurement; each run walks all of them twice
// in a cache-unfriendly order through the references, rewriting one field; measures what many
// small long-lived objects cost to hold and to touch. Twin of long-lived-objects.py, line for line.
// Bytes per object are not part of the result (it must be equal in both runtimes); duet's engine
// counters report each runtime's memory (see workload.json).

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// mark = (value * 31 + partner.value + weight) % MARK_MOD stays far below 2^31.
const MARK_MOD = 1000003;

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "2000:20240601": 790281853,
  "100000:20240601": 322518984,
  "1000000:20240601": 1657613031,
};

function nextInt(rng) {
  const high = Math.floor(rng.state / QUOTIENT);
  const low = rng.state % QUOTIENT;
  const next = MULTIPLIER * low - REMAINDER * high;
  rng.state = next > 0 ? next : next + MODULUS;
  return rng.state;
}

function below(rng, n) {
  return nextInt(rng) % n;
}

class Item {
  constructor(id, value, weight) {
    this.id = id;
    this.value = value;
    this.weight = weight;
    this.partner = null;
    this.mark = 0;
  }
}

export function setup(params) {
  const rng = { state: params.seed };
  const items = [];
  for (let id = 0; id < params.count; id++) {
    items.push(new Item(id, below(rng, 1000000), below(rng, 100)));
  }
  for (let id = 0; id < params.count; id++) {
    items[id].partner = items[below(rng, params.count)];
  }
  return { items: items };
}

// Rewrites every mark from values only, so each run computes the same thing whatever ran before.
export function run(state) {
  const items = state.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    item.mark = (item.value * 31 + item.partner.value + item.weight) % MARK_MOD;
  }
  let acc = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    acc = (acc * 31 + item.mark + item.partner.mark + item.partner.id) % CHECK_MOD;
  }
  return { count: items.length, checksum: acc };
}

export function verify(result, params) {
  const expected = KNOWN[params.count + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: only the count is known in advance.
    return result.count === params.count;
  }
  return result.count === params.count && result.checksum === expected;
}
