// template: render a small HTML template with {{name}} placeholders (optional |upper filter,
// HTML-escaped values) once per record, with a hand-written renderer that scans the template
// with indexOf and slices; measures substring search, slicing, small-string building and
// property lookup by name. Twin of template.py, line for line.

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// The checksum reads every STRIDE-th code point, so it costs little next to the rendering.
const STRIDE = 61;
const TEMPLATE =
  '<li class="user {{kind}}" id="user-{{id}}">\n' +
  "  <a href=\"/users/{{ id }}\">{{name}}</a> &lt;{{email}}&gt;\n" +
  "  <span>{{city|upper}}, joined {{joined}}</span>\n" +
  "  <span>{{ score }} points, {{ visits }} visits{{nickname}}</span>\n" +
  "  <p>{{ motto }}</p>\n" +
  "</li>\n";
const FIRST = ["Ada", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Gus", "Hana", "Ivo", "Jun"];
const LAST = ["Smith", "O'Brien", "Müller", "Nakamura", "Ng", "Okafor", "Petrov", "Rossi"];
const CITIES = ["lisbon", "osaka", "lagos", "quito", "oslo", "perth", "tartu", "cusco"];
const KINDS = ["admin", "member", "guest"];
const MOTTO_WORDS = ["fast", "<b>bold</b>", "R&D", "\"quoted\"", "tea", "code", "loops", "a<b", "naïve"];

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "200:20240601": { records: 200, length: 48126, checksum: 858135936 },
  "10000:20240601": { records: 10000, length: 2443720, checksum: 1284939246 },
  "250000:20240601": { records: 250000, length: 62246177, checksum: 1242490910 },
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

function escapeHtml(text) {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

// Replaces each {{ key }} or {{ key|upper }} with the record's value, HTML-escaped; a missing key
// renders as nothing.
function render(template, record) {
  const parts = [];
  let position = 0;
  while (true) {
    const open = template.indexOf("{{", position);
    if (open === -1) {
      break;
    }
    const close = template.indexOf("}}", open + 2);
    parts.push(template.slice(position, open));
    let key = template.slice(open + 2, close).trim();
    let filter = "";
    const bar = key.indexOf("|");
    if (bar !== -1) {
      filter = key.slice(bar + 1).trim();
      key = key.slice(0, bar).trim();
    }
    const value = record[key];
    let text = value === undefined ? "" : String(value);
    if (filter === "upper") {
      text = text.toUpperCase();
    }
    parts.push(escapeHtml(text));
    position = close + 2;
  }
  parts.push(template.slice(position));
  return parts.join("");
}

function makeRecord(rng, id) {
  const record = {};
  record.id = id;
  record.kind = KINDS[below(rng, KINDS.length)];
  record.name = FIRST[below(rng, FIRST.length)] + " " + LAST[below(rng, LAST.length)];
  record.email = "user" + id + "@example.org";
  record.city = CITIES[below(rng, CITIES.length)];
  record.joined = "20" + (10 + below(rng, 15)) + "-0" + (1 + below(rng, 9));
  record.score = below(rng, 100000);
  record.visits = below(rng, 1000);
  if (below(rng, 4) === 0) {
    record.nickname = " aka " + FIRST[below(rng, FIRST.length)];
  }
  const words = [];
  const count = 2 + below(rng, 6);
  for (let i = 0; i < count; i++) {
    words.push(MOTTO_WORDS[below(rng, MOTTO_WORDS.length)]);
  }
  record.motto = words.join(" ");
  return record;
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
  const records = [];
  for (let id = 0; id < params.records; id++) {
    records.push(makeRecord(rng, id));
  }
  return { records: records };
}

export function run(state) {
  const pages = [];
  for (let i = 0; i < state.records.length; i++) {
    pages.push(render(TEMPLATE, state.records[i]));
  }
  const page = pages.join("");
  return { records: pages.length, length: page.length, checksum: checksum(page) };
}

export function verify(result, params) {
  const expected = KNOWN[params.records + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: only the record count is known in advance.
    return result.records === params.records;
  }
  return (
    result.records === expected.records &&
    result.length === expected.length &&
    result.checksum === expected.checksum
  );
}
