// fasta: the Computer Language Benchmarks Game fasta, single-threaded: writes the three DNA
// sequences of the game (the ALU repeat n*2 bases, IUB ambiguity codes n*3 and Homo sapiens
// frequencies n*5, picked with the game's linear congruential generator IM=139968, IA=3877,
// IC=29573 from seed 42), 60 bases a line, into an output that keeps an Adler-32 of every byte
// instead of printing it. Measures integer and floating-point arithmetic, table lookups and byte
// buffers. Twin of fasta.py, line for line.

// [output bytes, Adler-32 of the output] for n, computed by this program and equal in V8 and
// CPython. For n = 1000 the text is 10245 bytes, as the Benchmarks Game reference output, and
// the first and last line of each of its three sequences equal the reference's.
const KNOWN = {
  1000: [10245, 4195470820],
  10000: [101745, 559926649],
  25000: [254245, 2237329294],
  100000: [1016745, 3075544169],
  250000: [2541745, 924048832],
  1000000: [10166745, 1534578185],
};

const IM = 139968;
const IA = 3877;
const IC = 29573;
const LINE_LENGTH = 60;
const NEWLINE = 10;

const ALU =
  "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG" +
  "GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA" +
  "CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT" +
  "ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA" +
  "GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG" +
  "AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC" +
  "AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA";

const IUB_CODES = "acgtBDHKMNRSVWY";
const IUB_PROBABILITIES = [0.27, 0.12, 0.12, 0.27, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02];

const HOMO_SAPIENS_CODES = "acgt";
const HOMO_SAPIENS_PROBABILITIES = [0.3029549426680, 0.1979883004921, 0.1975473066391, 0.3015094502008];

class Random {
  constructor(seed) {
    this.last = seed;
  }

  next(max) {
    this.last = (this.last * IA + IC) % IM;
    return max * this.last / IM;
  }
}

// Stands in for stdout: counts the bytes and keeps their Adler-32.
class Output {
  constructor() {
    this.a = 1;
    this.b = 0;
    this.length = 0;
  }

  write(buffer, count) {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < count; i++) {
      a = (a + buffer[i]) % 65521;
      b = (b + a) % 65521;
    }
    this.a = a;
    this.b = b;
    this.length += count;
  }

  checksum() {
    return this.b * 65536 + this.a;
  }
}

function toBytes(text) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    bytes[i] = text.charCodeAt(i);
  }
  return bytes;
}

function cumulative(probabilities) {
  const result = new Array(probabilities.length).fill(0.0);
  let p = 0.0;
  for (let i = 0; i < probabilities.length; i++) {
    p += probabilities[i];
    result[i] = p;
  }
  return result;
}

function repeatFasta(out, header, source, n) {
  out.write(header, header.length);
  const line = new Uint8Array(LINE_LENGTH + 1);
  const sourceLength = source.length;
  let pos = 0;
  while (n > 0) {
    const lineLength = n < LINE_LENGTH ? n : LINE_LENGTH;
    for (let i = 0; i < lineLength; i++) {
      line[i] = source[pos];
      pos += 1;
      if (pos === sourceLength) {
        pos = 0;
      }
    }
    line[lineLength] = NEWLINE;
    out.write(line, lineLength + 1);
    n -= lineLength;
  }
}

function randomFasta(out, header, codes, probabilities, n, random) {
  out.write(header, header.length);
  const line = new Uint8Array(LINE_LENGTH + 1);
  const last = probabilities.length - 1;
  while (n > 0) {
    const lineLength = n < LINE_LENGTH ? n : LINE_LENGTH;
    for (let i = 0; i < lineLength; i++) {
      const r = random.next(1.0);
      let k = 0;
      while (k < last && r >= probabilities[k]) {
        k += 1;
      }
      line[i] = codes[k];
    }
    line[lineLength] = NEWLINE;
    out.write(line, lineLength + 1);
    n -= lineLength;
  }
}

export function setup(params) {
  return {
    n: params.n,
    alu: toBytes(ALU),
    iubCodes: toBytes(IUB_CODES),
    iubProbabilities: cumulative(IUB_PROBABILITIES),
    homoSapiensCodes: toBytes(HOMO_SAPIENS_CODES),
    homoSapiensProbabilities: cumulative(HOMO_SAPIENS_PROBABILITIES),
    headers: [
      toBytes(">ONE Homo sapiens alu\n"),
      toBytes(">TWO IUB ambiguity codes\n"),
      toBytes(">THREE Homo sapiens frequency\n"),
    ],
  };
}

// Every iteration starts from seed 42, so every iteration writes the same text.
export function run(state) {
  const out = new Output();
  const random = new Random(42);
  repeatFasta(out, state.headers[0], state.alu, state.n * 2);
  randomFasta(out, state.headers[1], state.iubCodes, state.iubProbabilities, state.n * 3, random);
  randomFasta(out, state.headers[2], state.homoSapiensCodes, state.homoSapiensProbabilities, state.n * 5, random);
  return { n: state.n, bytes: out.length, adler32: out.checksum() };
}

export function verify(result, params) {
  const expected = KNOWN[params.n];
  if (expected === undefined) {
    return false;
  }
  return result.n === params.n && result.bytes === expected[0] && result.adler32 === expected[1];
}
