// json-roundtrip: serialize a deterministic document to JSON, parse it back and walk the result;
// measures the built-in JSON codec plus object/array traversal. Twin of json-roundtrip.py, line for line.

// Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// Printable ASCII, including '"' and '\\' so both encoders exercise their escaping.
const ALPHABET_START = 32;
const ALPHABET_SIZE = 95;

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "100:20240601": { length: 25876, records: 100, checksum: 488081941 },
  "3000:20240601": { length: 809474, records: 3000, checksum: 1547408423 },
  "60000:20240601": { length: 16278461, records: 60000, checksum: 1010311757 },
};

function nextInt(rng) {
  rng.state = (rng.state * MULTIPLIER) % MODULUS;
  return rng.state;
}

function below(rng, n) {
  return nextInt(rng) % n;
}

function randomText(rng, length) {
  let text = "";
  for (let i = 0; i < length; i++) {
    text += String.fromCharCode(ALPHABET_START + below(rng, ALPHABET_SIZE));
  }
  return text;
}

function makeRecord(rng, id) {
  const record = {};
  record.id = id;
  record.name = randomText(rng, 5 + below(rng, 12));
  record.active = below(rng, 2) === 1;
  record.score = below(rng, 1000000);
  record.delta = below(rng, 2001) - 1000;
  const tags = [];
  const tagCount = below(rng, 5);
  for (let i = 0; i < tagCount; i++) {
    tags.push(randomText(rng, 3 + below(rng, 6)));
  }
  record.tags = tags;
  const owner = {};
  owner.uid = below(rng, 100000);
  owner.email = randomText(rng, 8) + "@example.org";
  owner.roles = [below(rng, 2) === 1, below(rng, 2) === 1, below(rng, 10)];
  record.owner = owner;
  const history = [];
  const eventCount = below(rng, 4);
  for (let i = 0; i < eventCount; i++) {
    const event = {};
    event.t = 1700000000 + below(rng, 10000000);
    event.ok = below(rng, 2) === 1;
    event.note = below(rng, 3) === 0 ? null : randomText(rng, below(rng, 20));
    history.push(event);
  }
  record.history = history;
  record.parent = id > 0 && below(rng, 2) === 1 ? below(rng, id) : null;
  return record;
}

// Folds every value, key and container size into one order-sensitive checksum.
function walk(value, acc) {
  if (value === null) {
    return (acc * 31 + 1) % CHECK_MOD;
  }
  if (value === true) {
    return (acc * 31 + 2) % CHECK_MOD;
  }
  if (value === false) {
    return (acc * 31 + 3) % CHECK_MOD;
  }
  if (typeof value === "number") {
    return (acc * 31 + (((value % CHECK_MOD) + CHECK_MOD) % CHECK_MOD)) % CHECK_MOD;
  }
  if (typeof value === "string") {
    return (acc * 31 + value.length + 5) % CHECK_MOD;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      acc = walk(value[i], acc);
    }
    return (acc * 31 + value.length + 7) % CHECK_MOD;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    acc = (acc * 31 + keys[i].length) % CHECK_MOD;
    acc = walk(value[keys[i]], acc);
  }
  return (acc * 31 + keys.length + 11) % CHECK_MOD;
}

export function setup(params) {
  const rng = { state: params.seed };
  const records = [];
  for (let id = 0; id < params.records; id++) {
    records.push(makeRecord(rng, id));
  }
  const doc = {};
  doc.format = "duet-json-roundtrip";
  doc.seed = params.seed;
  doc.records = records;
  return { doc: doc };
}

export function run(state) {
  const text = JSON.stringify(state.doc);
  const parsed = JSON.parse(text);
  const checksum = walk(parsed, 0);
  return { length: text.length, records: parsed.records.length, checksum: checksum };
}

export function verify(result, params) {
  const expected = KNOWN[params.records + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: only the record count is known in advance.
    return result.records === params.records;
  }
  return (
    result.length === expected.length &&
    result.records === expected.records &&
    result.checksum === expected.checksum
  );
}
