// object-churn: every step creates a handful of small short-lived objects (two class instances,
// two temporaries from arithmetic methods, a record and a two-element array) and drops the record
// created RING steps earlier; measures young-generation allocation and collection.
// Twin of object-churn.py, line for line.

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// How many steps a record survives before it is dropped: long enough to escape any one function.
const RING = 1024;

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "2000:20240601": 1190642953,
  "40000:20240601": 1391465463,
  "800000:20240601": 21224575,
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

class Vec3 {
  constructor(x, y, z) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  add(other) {
    return new Vec3(this.x + other.x, this.y + other.y, this.z + other.z);
  }

  scale(factor) {
    return new Vec3(this.x * factor, this.y * factor, this.z * factor);
  }
}

export function setup(params) {
  return { steps: params.steps, seed: params.seed };
}

export function run(state) {
  const rng = { state: state.seed };
  const ring = [];
  for (let i = 0; i < RING; i++) {
    ring.push(null);
  }
  let acc = 0;
  let dropped = 0;
  for (let step = 0; step < state.steps; step++) {
    const position = new Vec3(below(rng, 1000), below(rng, 1000), below(rng, 1000));
    const velocity = new Vec3((step % 21) - 10, (step % 17) - 8, (step % 13) - 6);
    const moved = position.add(velocity).scale(3);
    const record = { id: step, position: moved, tags: [step % 7, step % 11] };
    const slot = step % RING;
    const old = ring[slot];
    if (old !== null) {
      const oldPosition = old.position;
      const value = oldPosition.x + oldPosition.y * 3 + oldPosition.z * 7 + old.tags[0] + old.tags[1];
      acc = (acc * 31 + value + 100000) % CHECK_MOD;
      dropped += 1;
    }
    ring[slot] = record;
  }
  return { steps: state.steps, dropped: dropped, checksum: acc };
}

export function verify(result, params) {
  const expected = KNOWN[params.steps + ":" + params.seed];
  const dropped = Math.max(0, params.steps - RING);
  if (expected === undefined) {
    // Unlisted params: the counts are known in advance, the checksum is not.
    return result.steps === params.steps && result.dropped === dropped;
  }
  return (
    result.steps === params.steps &&
    result.dropped === dropped &&
    result.checksum === expected
  );
}
