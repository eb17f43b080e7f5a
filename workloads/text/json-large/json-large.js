// json-large: parse a large generated JSON document (deeply nested objects and arrays, strings
// full of escapes and non-ASCII BMP text) with the built-in parser and serialize it back with the
// built-in serializer; measures the JSON codec on text-heavy input. Twin of json-large.py,
// line for line.

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// The checksum reads every STRIDE-th code point, so it costs little next to the codec.
const STRIDE = 61;
// Characters both encoders must escape (or, for '/', must not), in the same way.
const ESCAPES = ['"', "\\", "\n", "\r", "\t", "\b", "\f", "\u0001", "\u001f", "/"];
// Non-ASCII BMP ranges [first, count]: Latin-1, Greek, Cyrillic, CJK, and U+2028/U+2029, which
// both encoders leave unescaped. No surrogates, so a JS string's length is its code point count.
const RANGES = [[0xa1, 95], [0x391, 57], [0x410, 64], [0x4e00, 2000], [0x2028, 2]];
const ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:;";

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "30:6:20240601": { length: 34006, checksum: 830750461 },
  "1000:6:20240601": { length: 982356, checksum: 388877942 },
  "20000:6:20240601": { length: 19375131, checksum: 398315289 },
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

function randomText(rng, length) {
  const chars = [];
  for (let i = 0; i < length; i++) {
    const kind = below(rng, 16);
    if (kind === 0) {
      chars.push(ESCAPES[below(rng, ESCAPES.length)]);
    } else if (kind < 4) {
      const range = RANGES[below(rng, RANGES.length)];
      chars.push(String.fromCharCode(range[0] + below(rng, range[1])));
    } else {
      chars.push(ASCII[below(rng, ASCII.length)]);
    }
  }
  return chars.join("");
}

// Keys start with a letter, so no key looks like an array index (JS would reorder those).
function randomKey(rng) {
  return ASCII[below(rng, 52)] + randomText(rng, below(rng, 10));
}

function makeObject(rng, depth) {
  const object = {};
  const size = 1 + below(rng, 6);
  for (let i = 0; i < size; i++) {
    const key = randomKey(rng);
    object[key] = makeValue(rng, depth - 1);
  }
  return object;
}

function makeArray(rng, depth) {
  const array = [];
  const size = below(rng, 9);
  for (let i = 0; i < size; i++) {
    array.push(makeValue(rng, depth - 1));
  }
  return array;
}

function makeValue(rng, depth) {
  const kind = depth === 0 ? 3 + below(rng, 5) : below(rng, 8);
  if (kind < 2) {
    return makeObject(rng, depth);
  }
  if (kind === 2) {
    return makeArray(rng, depth);
  }
  if (kind < 5) {
    return randomText(rng, below(rng, 40));
  }
  if (kind === 5) {
    return below(rng, 2000000001) - 1000000000;
  }
  if (kind === 6) {
    return below(rng, 2) === 1;
  }
  return null;
}

function checksum(text) {
  let acc = 0;
  for (let i = 0; i < text.length; i += STRIDE) {
    acc = (acc * 31 + text.charCodeAt(i)) % CHECK_MOD;
  }
  return acc;
}

export function setup(params) {
  const rng = { state: params.seed };
  const items = [];
  for (let i = 0; i < params.items; i++) {
    const item = {};
    item.id = i;
    item.title = randomText(rng, 10 + below(rng, 30));
    item.body = makeObject(rng, params.depth);
    items.push(item);
  }
  const doc = {};
  doc.format = "duet-json-large";
  doc.seed = params.seed;
  doc.items = items;
  return { text: JSON.stringify(doc) };
}

export function run(state) {
  const parsed = JSON.parse(state.text);
  const text = JSON.stringify(parsed);
  return {
    items: parsed.items.length,
    length: text.length,
    same: text === state.text,
    checksum: checksum(text),
  };
}

export function verify(result, params) {
  const expected = KNOWN[params.items + ":" + params.depth + ":" + params.seed];
  if (result.items !== params.items || result.same !== true) {
    return false;
  }
  if (expected === undefined) {
    // Unlisted params: the item count and the round trip are checked, the text is not known.
    return true;
  }
  return result.length === expected.length && result.checksum === expected.checksum;
}
