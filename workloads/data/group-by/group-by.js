// group-by: parse generated CSV text (no quoting) with split, group the rows by region and
// product in a Map, aggregate count, quantity, revenue and price range per group, and return the
// groups sorted by key; measures splitting, integer parsing and hash-map updates.
// Twin of group-by.py, line for line.

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
const REGIONS = ["north", "south", "east", "west", "central", "coast", "highlands", "islands"];
const PRODUCTS = 40;
const HEADER = "region,product,quantity,unit_price_cents,day";
// verify() folds the aggregates into a checksum kept mod 2^31; acc * 31 + value stays below 2^37.
const CHECK_MOD = 2147483648;

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "2000:20240601": { groups: 320, digest: 2143028575 },
  "120000:20240601": { groups: 320, digest: 580486939 },
  "2000000:20240601": { groups: 320, digest: 96007555 },
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

function makeCsv(rng, rows) {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const region = REGIONS[below(rng, REGIONS.length)];
    const product = "sku-" + String(100 + below(rng, PRODUCTS));
    const quantity = 1 + below(rng, 100);
    const price = 99 + below(rng, 99901);
    const day = 1 + below(rng, 365);
    lines.push(region + "," + product + "," + String(quantity) + "," + String(price) + "," + String(day));
  }
  return lines.join("\n") + "\n";
}

export function setup(params) {
  const rng = { state: params.seed };
  return { csv: makeCsv(rng, params.rows) };
}

export function run(state) {
  const lines = state.csv.split("\n");
  const groups = new Map();
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") {
      continue;
    }
    const fields = line.split(",");
    const key = fields[0] + "/" + fields[1];
    const quantity = parseInt(fields[2], 10);
    const price = parseInt(fields[3], 10);
    let group = groups.get(key);
    if (group === undefined) {
      group = { count: 0, quantity: 0, revenue: 0, minPrice: price, maxPrice: price };
      groups.set(key, group);
    }
    group.count += 1;
    group.quantity += quantity;
    group.revenue += quantity * price;
    if (price < group.minPrice) {
      group.minPrice = price;
    }
    if (price > group.maxPrice) {
      group.maxPrice = price;
    }
    rows += 1;
  }
  const keys = Array.from(groups.keys()).sort();
  const aggregates = [];
  for (let i = 0; i < keys.length; i++) {
    const group = groups.get(keys[i]);
    aggregates.push([keys[i], group.count, group.quantity, group.revenue, group.minPrice, group.maxPrice]);
  }
  return { rows: rows, groups: aggregates };
}

// Folds every key's code points and every aggregate into one order-sensitive checksum.
function digest(groups) {
  let acc = 0;
  for (let i = 0; i < groups.length; i++) {
    const key = groups[i][0];
    for (let j = 0; j < key.length; j++) {
      acc = (acc * 31 + key.charCodeAt(j)) % CHECK_MOD;
    }
    for (let j = 1; j < groups[i].length; j++) {
      acc = (acc * 31 + (groups[i][j] % CHECK_MOD)) % CHECK_MOD;
    }
  }
  return acc;
}

export function verify(result, params) {
  const expected = KNOWN[params.rows + ":" + params.seed];
  let count = 0;
  for (let i = 0; i < result.groups.length; i++) {
    count += result.groups[i][1];
  }
  if (result.rows !== params.rows || count !== params.rows) {
    return false;
  }
  if (expected === undefined) {
    // Unlisted params: the row counts are checked, the aggregates are not known.
    return true;
  }
  return result.groups.length === expected.groups && digest(result.groups) === expected.digest;
}
