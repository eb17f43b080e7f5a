// string-building: build one large string by appending small pieces with += (words, integers
// converted to text, separators), then a second one as an array of formatted lines joined at the
// end; measures string concatenation and int-to-string conversion. Twin of string-building.py,
// line for line.

// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// The checksums read every STRIDE-th code point, so they cost little next to the building.
const STRIDE = 61;
// Mostly ASCII, with Latin-1 and one BMP character beyond it (the euro sign).
const WORDS = ["alpha", "beta", "gamma", "delta", "café", "naïve", "€uro", "zeta", "eta", "theta", "iota"];

// Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "2000": { text: [19138, 1610864039], table: [200, 4324, 723802060] },
  "200000": { text: [2313994, 1313554233], table: [20000, 512644, 218500932] },
  "4000000": { text: [51867242, 1126706305], table: [400000, 11282974, 614572633] },
};

function checksum(text) {
  let acc = 0;
  for (let i = 0; i < text.length; i += STRIDE) {
    acc = (acc * 31 + text.charCodeAt(i)) % CHECK_MOD;
  }
  return acc;
}

export function setup(params) {
  return { pieces: params.pieces };
}

export function run(state) {
  // One string grown piece by piece.
  let text = "";
  for (let i = 0; i < state.pieces; i++) {
    text += WORDS[i % WORDS.length];
    text += String(i * 7);
    if (i % 10 === 9) {
      text += "\n";
    } else {
      text += " ";
    }
  }
  // Formatted lines collected in an array, joined once.
  const lines = [];
  for (let i = 0; i < state.pieces; i += 10) {
    const word = WORDS[i % WORDS.length].toUpperCase();
    lines.push(String(i).padStart(8, "0") + ";" + word + ";" + String(i * i));
  }
  const table = lines.join("\n");
  return {
    text: [text.length, checksum(text)],
    table: [lines.length, table.length, checksum(table)],
  };
}

export function verify(result, params) {
  const expected = KNOWN[params.pieces];
  if (expected === undefined) {
    // Unlisted params: only the line count is known in advance.
    return result.table[0] === Math.ceil(params.pieces / 10);
  }
  return JSON.stringify(result) === JSON.stringify(expected);
}
