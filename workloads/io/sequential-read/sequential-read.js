// sequential-read: setup() writes a generated file of `mib` MiB into the temporary directory; each
// run() opens it and reads it from start to end in 64 KiB chunks through the runtime's
// asynchronous file API, sampling every 4096th byte into a checksum. Measures the per-chunk cost
// of asynchronous file reads (the file sits in the page cache after setup, so the disk is not in
// it). Twin of sequential-read.py, line for line.

import { open, rm, writeFile } from "node:fs/promises";

// Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
const MIB = 1048576;
// The file repeats one generated block; its length is prime, so the 4096-byte samples walk it.
const BLOCK_SIZE = 65521;
const CHUNK_SIZE = 65536;
const SAMPLE_STRIDE = 4096;

// Results for the shipped sizes ("mib:seed"), agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "1:20240601": { bytes: 1048576, checksum: 1650181204 },
  "16:20240601": { bytes: 16777216, checksum: 841681251 },
  "64:20240601": { bytes: 67108864, checksum: 754010193 },
};

function nextInt(rng) {
  rng.state = (rng.state * MULTIPLIER) % MODULUS;
  return rng.state;
}

function makeContent(size, seed) {
  const rng = { state: seed };
  const block = Buffer.alloc(BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    block[i] = nextInt(rng) % 256;
  }
  const content = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += BLOCK_SIZE) {
    content.set(block.subarray(0, Math.min(BLOCK_SIZE, size - offset)), offset);
  }
  return content;
}

export async function setup(params) {
  const size = params.mib * MIB;
  const tmpdir = process.env.TMPDIR || "/tmp";
  const unique = Date.now() + "-" + Math.floor(Math.random() * 1e9);
  const path = tmpdir + "/duet-sequential-read-" + unique + ".bin";
  await writeFile(path, makeContent(size, params.seed), { flag: "wx" });
  return { path: path, size: size };
}

export async function run(state) {
  const buffer = Buffer.alloc(CHUNK_SIZE);
  const handle = await open(state.path, "r");
  let total = 0;
  let checksum = 0;
  while (true) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_SIZE, null);
    if (bytesRead === 0) {
      break;
    }
    // The first multiple of SAMPLE_STRIDE at or after file offset `total`, relative to this chunk.
    for (let i = (SAMPLE_STRIDE - (total % SAMPLE_STRIDE)) % SAMPLE_STRIDE; i < bytesRead; i += SAMPLE_STRIDE) {
      checksum = (checksum * 31 + buffer[i]) % CHECK_MOD;
    }
    total += bytesRead;
  }
  await handle.close();
  return { bytes: total, checksum: checksum };
}

export function verify(result, params) {
  const expected = KNOWN[params.mib + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: only the size is known in advance.
    return result.bytes === params.mib * MIB;
  }
  return result.bytes === expected.bytes && result.checksum === expected.checksum;
}

export async function teardown(state) {
  await rm(state.path, { force: true });
}
