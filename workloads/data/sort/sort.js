// sort: sort a copy of `count` generated integers with the built-in sort (Array.prototype.sort
// with a numeric comparator; sorted() in Python) every run; explicitly about the built-in, so
// each language uses its own (both are TimSort variants). Twin of sort.py, line for line.

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
// Values stay below 2^30: small integers in both runtimes (V8 Smis, one-digit CPython ints).
const VALUE_LIMIT = 1000000000;
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// The result samples every SAMPLE-th element of the sorted copy.
const SAMPLE = 997;

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "2000:20240601": { min: 208880, median: 451191303, max: 999454269, checksum: 124887329 },
  "300000:20240601": { min: 451, median: 463878000, max: 999998870, checksum: 1307188786 },
  "1000000:20240601": { min: 451, median: 463329219, max: 999998933, checksum: 1766940245 },
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

export function setup(params) {
  const rng = { state: params.seed };
  const values = [];
  for (let i = 0; i < params.count; i++) {
    values.push(below(rng, VALUE_LIMIT));
  }
  return { values: values };
}

export function run(state) {
  return summarize(state.values.slice().sort((a, b) => a - b));
}

// The result from the sorted values (an Array, or ecosystem/sort's Int32Array).
export function summarize(sorted) {
  let acc = 0;
  let ordered = true;
  for (let i = 0; i < sorted.length; i += SAMPLE) {
    acc = (acc * 31 + sorted[i]) % CHECK_MOD;
    if (i >= SAMPLE && sorted[i - SAMPLE] > sorted[i]) {
      ordered = false;
    }
  }
  return {
    count: sorted.length,
    min: sorted[0],
    median: sorted[sorted.length >> 1],
    max: sorted[sorted.length - 1],
    ordered: ordered,
    checksum: acc,
  };
}

export function verify(result, params) {
  const expected = KNOWN[params.count + ":" + params.seed];
  if (result.count !== params.count || result.ordered !== true) {
    return false;
  }
  if (expected === undefined) {
    // Unlisted params: the count and the sampled order are checked, the values are not known.
    return result.min <= result.median && result.median <= result.max;
  }
  return (
    result.min === expected.min &&
    result.median === expected.median &&
    result.max === expected.max &&
    result.checksum === expected.checksum
  );
}
