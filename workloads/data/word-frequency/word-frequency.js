// word-frequency: split a generated text into words, normalize them (strip trailing punctuation,
// lower-case), count them in a Map and return the 20 most frequent, ordered by count then word;
// measures string splitting and hash-map counting. Twin of word-frequency.py, line for line.

// Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
// so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
// boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const QUOTIENT = 44488; // MODULUS / MULTIPLIER, rounded down
const REMAINDER = 3399; // MODULUS % MULTIPLIER
const SYLLABLES = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su", "ta", "ve", "wo", "xa", "ze"];
const PUNCTUATION = ",;:!?";
const TOP = 20;

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "3000:5000:20240601": { distinct: 1581, top: [["naro", 13], ["jeta", 12], ["dice", 11], ["pecegu", 11], ["folo", 10], ["habaceje", 10], ["jelo", 10], ["jemu", 10], ["xana", 10], ["kize", 9], ["kina", 8], ["loqui", 8], ["quizepefo", 8], ["roro", 8], ["suxalo", 8], ["woxa", 8], ["zedi", 8], ["cemuhaha", 7], ["dicedi", 7], ["dixa", 7]] },
  "300000:5000:20240601": { distinct: 3568, top: [["naro", 1016], ["jeta", 750], ["dice", 686], ["kize", 664], ["xace", 647], ["kina", 645], ["zedi", 645], ["quiba", 620], ["muki", 617], ["jelo", 589], ["peki", 589], ["quimu", 589], ["rofo", 578], ["jeba", 575], ["quiqui", 571], ["pepe", 558], ["woje", 557], ["habaceje", 554], ["taqui", 552], ["taze", 552]] },
  "5000000:20000:20240601": { distinct: 11385, top: [["naro", 8599], ["kina", 8291], ["dice", 8092], ["kize", 7943], ["muki", 7410], ["guqui", 7288], ["diwo", 7125], ["kisu", 7067], ["taro", 6832], ["hafo", 6815], ["jelo", 6814], ["baro", 6631], ["gulo", 6587], ["cexa", 6573], ["quimu", 6558], ["rowo", 6544], ["taqui", 6492], ["zefo", 6448], ["jeta", 6427], ["quiqui", 6425]] },
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

function makeVocabulary(rng, size) {
  const words = [];
  for (let i = 0; i < size; i++) {
    let word = "";
    const count = 2 + below(rng, 3);
    for (let j = 0; j < count; j++) {
      word += SYLLABLES[below(rng, SYLLABLES.length)];
    }
    words.push(word);
  }
  return words;
}

// Lines of 4 to 15 words; word k of the vocabulary is drawn with probability falling off
// roughly like 1/k, as in natural text. Sentences start capitalized and end with '.'.
function makeText(rng, vocabulary, words) {
  const lines = [];
  let written = 0;
  while (written < words) {
    const tokens = [];
    const count = 4 + below(rng, 12);
    for (let i = 0; i < count && written < words; i++) {
      let word = vocabulary[below(rng, 1 + below(rng, vocabulary.length))];
      if (i === 0) {
        word = word[0].toUpperCase() + word.slice(1);
      }
      if (below(rng, 8) === 0) {
        word += PUNCTUATION[below(rng, PUNCTUATION.length)];
      }
      tokens.push(word);
      written += 1;
    }
    lines.push(tokens.join(" ") + ".");
  }
  return lines.join("\n");
}

function normalize(word) {
  let end = word.length;
  while (end > 0 && (PUNCTUATION.includes(word[end - 1]) || word[end - 1] === ".")) {
    end -= 1;
  }
  return word.slice(0, end).toLowerCase();
}

export function setup(params) {
  const rng = { state: params.seed };
  const vocabulary = makeVocabulary(rng, params.vocabulary);
  return { text: makeText(rng, vocabulary, params.words) };
}

export function run(state) {
  const counts = new Map();
  let total = 0;
  const lines = state.text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i].split(" ");
    for (let j = 0; j < words.length; j++) {
      const word = normalize(words[j]);
      if (word === "") {
        continue;
      }
      counts.set(word, (counts.get(word) || 0) + 1);
      total += 1;
    }
  }
  const entries = Array.from(counts.entries());
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { words: total, distinct: counts.size, top: entries.slice(0, TOP) };
}

export function verify(result, params) {
  const expected = KNOWN[params.words + ":" + params.vocabulary + ":" + params.seed];
  if (result.words !== params.words || result.top.length !== Math.min(TOP, result.distinct)) {
    return false;
  }
  if (expected === undefined) {
    // Unlisted params: the word count is checked, the frequencies are not known.
    return true;
  }
  return result.distinct === expected.distinct && JSON.stringify(result.top) === JSON.stringify(expected.top);
}
