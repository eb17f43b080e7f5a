// regex: run a handful of regular expressions over a generated ASCII text with the built-in regex
// engine (global matching, capture groups, a back-reference, a case-insensitive pattern) and one
// substitution; count the matches. Twin of regex.py, line for line.
// Every pattern spells its classes out ([0-9], [a-z]) and the text is ASCII, so each pattern means
// the same to JavaScript's RegExp and Python's re (whose \d, \w and \s would also match non-ASCII).

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// The checksum of the substituted text reads every STRIDE-th character.
const STRIDE = 61;
const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "bel", "dor", "fan", "gil", "ho", "jus", "pe", "ta", "ll", "ss", "tt", "ee"];
const HOSTS = ["example", "mail", "post-office", "duet", "corp"];
const TLDS = ["com", "org", "net", "io"];
const HEX = "0123456789abcdefABCDEF";
const PUNCTUATION = ["", "", "", "", ",", ".", ";", ":", "!", "?"];
// [name, source, flags]: flags "i" means case-insensitive in both languages.
const PATTERNS = [
  ["email", "[a-z0-9._]+@[a-z0-9-]+\\.(?:com|org|net)\\b", ""],
  ["date", "\\b(19|20)([0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\\b", ""],
  ["hex-color", "#[0-9a-f]{6}\\b", ""],
  ["doubled-letter", "\\b[a-z]*([a-z])\\1[a-z]*\\b", ""],
  ["full-name", "\\b[A-Z][a-z]+ [A-Z][a-z]+\\b", ""],
  ["ka-or-lo-word", "\\b(?:ka|lo)[a-z]*\\b", "i"],
];
// Rewrites yyyy-mm-dd dates as dd.mm.yyyy ($n in JavaScript is \n in Python).
const DATE_REPLACEMENT = "$4.$3.$1$2";

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "200:20240601": { length: 14688, matches: { email: [73, 1519, 1014265076], date: [88, 880, 127211218], "hex-color": [6, 42, 1047523198], "doubled-letter": [593, 2914, 1375404208], "full-name": [14, 147, 1654755626], "ka-or-lo-word": [165, 750, 1131080787] }, rewritten: [14688, 1130932553] },
  "12000:20240601": { length: 834545, matches: { email: [4181, 87601, 1510535604], date: [4630, 46300, 631376506], "hex-color": [260, 1820, 1792544124], "doubled-letter": [31935, 159209, 1340210339], "full-name": [845, 8291, 1719482789], "ka-or-lo-word": [10126, 42976, 1602708217] }, rewritten: [834545, 915172571] },
  "250000:20240601": { length: 17420493, matches: { email: [89164, 1870184, 2043551505], date: [95860, 958600, 97473933], "hex-color": [5688, 39816, 1162440091], "doubled-letter": [665889, 3321744, 120200261], "full-name": [18101, 180729, 2008352997], "ka-or-lo-word": [213773, 909044, 1092040560] }, rewritten: [17420493, 390373796] },
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

function twoDigits(n) {
  return n < 10 ? "0" + n : String(n);
}

function makeWord(rng) {
  let word = "";
  const count = 1 + below(rng, 3);
  for (let i = 0; i < count; i++) {
    word += SYLLABLES[below(rng, SYLLABLES.length)];
  }
  return word;
}

function makeToken(rng) {
  const kind = below(rng, 20);
  if (kind === 0) {
    const local = makeWord(rng) + "." + makeWord(rng);
    return local + "@" + HOSTS[below(rng, HOSTS.length)] + "." + TLDS[below(rng, TLDS.length)];
  }
  if (kind === 1) {
    return String(1940 + below(rng, 120)) + "-" + twoDigits(below(rng, 14)) + "-" + twoDigits(below(rng, 33));
  }
  if (kind === 2) {
    let color = "#";
    const length = 5 + below(rng, 3);
    for (let i = 0; i < length; i++) {
      color += HEX[below(rng, HEX.length)];
    }
    return color;
  }
  if (kind === 3) {
    return String(below(rng, 100000));
  }
  const word = makeWord(rng);
  if (kind < 7) {
    return word[0].toUpperCase() + word.slice(1);
  }
  return word;
}

function makeText(rng, lines) {
  const out = [];
  for (let line = 0; line < lines; line++) {
    const tokens = [];
    const count = 4 + below(rng, 12);
    for (let i = 0; i < count; i++) {
      tokens.push(makeToken(rng) + PUNCTUATION[below(rng, PUNCTUATION.length)]);
    }
    out.push(tokens.join(" "));
  }
  return out.join("\n");
}

function scan(pattern, text) {
  let count = 0;
  let length = 0;
  let positions = 0;
  for (const match of text.matchAll(pattern)) {
    count += 1;
    length += match[0].length;
    positions = (positions * 31 + match.index) % CHECK_MOD;
  }
  return [count, length, positions];
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
  const patterns = [];
  for (let i = 0; i < PATTERNS.length; i++) {
    const flags = "g" + PATTERNS[i][2];
    patterns.push([PATTERNS[i][0], new RegExp(PATTERNS[i][1], flags)]);
  }
  const text = makeText(rng, params.lines);
  return { text: text, patterns: patterns, date: patterns[1][1] };
}

export function run(state) {
  const matches = {};
  for (let i = 0; i < state.patterns.length; i++) {
    matches[state.patterns[i][0]] = scan(state.patterns[i][1], state.text);
  }
  const rewritten = state.text.replace(state.date, DATE_REPLACEMENT);
  return {
    length: state.text.length,
    matches: matches,
    rewritten: [rewritten.length, checksum(rewritten)],
  };
}

export function verify(result, params) {
  const expected = KNOWN[params.lines + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: check the shape only.
    return Object.keys(result.matches).length === PATTERNS.length && result.rewritten.length === 2;
  }
  return JSON.stringify(result) === JSON.stringify(expected);
}
