// small-files: each run() makes a fresh directory, writes `files` generated files of `size` bytes
// into it one after another, reads every file back whole, deletes them and the directory; samples
// every 64th byte read into a checksum. Measures the per-operation cost of asynchronous file
// calls (open/write/read/unlink on tmpfs or in the page cache). Twin of small-files.py, line for
// line.

import { mkdir, readFile, rm, unlink, writeFile } from "node:fs/promises";

// Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;
// File contents are windows onto one generated block, starting at a different offset per file.
const BLOCK_SIZE = 8191;
const OFFSET_STEP = 131;
const SAMPLE_STRIDE = 64;

// Results for the shipped sizes ("files:size:seed"), agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "20:1024:20240601": { files: 20, bytes: 20480, checksum: 954518408 },
  "250:1024:20240601": { files: 250, bytes: 256000, checksum: 139533611 },
  "4000:1024:20240601": { files: 4000, bytes: 4096000, checksum: 723729242 },
};

function nextInt(rng) {
  rng.state = (rng.state * MULTIPLIER) % MODULUS;
  return rng.state;
}

export async function setup(params) {
  if (params.size > BLOCK_SIZE) {
    throw new RangeError("size must be at most " + BLOCK_SIZE);
  }
  const rng = { state: params.seed };
  const block = Buffer.alloc(2 * BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    block[i] = nextInt(rng) % 256;
    block[BLOCK_SIZE + i] = block[i];
  }
  const payloads = [];
  for (let i = 0; i < params.files; i++) {
    const start = (i * OFFSET_STEP) % BLOCK_SIZE;
    payloads.push(Buffer.from(block.subarray(start, start + params.size)));
  }
  const tmpdir = process.env.TMPDIR || "/tmp";
  const unique = Date.now() + "-" + Math.floor(Math.random() * 1e9);
  const base = tmpdir + "/duet-small-files-" + unique;
  await mkdir(base);
  return { base: base, payloads: payloads, iteration: 0 };
}

export async function run(state) {
  state.iteration += 1;
  const folder = state.base + "/" + state.iteration;
  const payloads = state.payloads;
  await mkdir(folder);
  for (let i = 0; i < payloads.length; i++) {
    await writeFile(folder + "/" + i + ".bin", payloads[i]);
  }
  let byteCount = 0;
  let checksum = 0;
  for (let i = 0; i < payloads.length; i++) {
    const data = await readFile(folder + "/" + i + ".bin");
    byteCount += data.length;
    for (let j = 0; j < data.length; j += SAMPLE_STRIDE) {
      checksum = (checksum * 31 + data[j]) % CHECK_MOD;
    }
  }
  for (let i = 0; i < payloads.length; i++) {
    await unlink(folder + "/" + i + ".bin");
  }
  await rm(folder, { recursive: true });
  return { files: payloads.length, bytes: byteCount, checksum: checksum };
}

export function verify(result, params) {
  const expected = KNOWN[params.files + ":" + params.size + ":" + params.seed];
  if (expected === undefined) {
    // Unlisted params: only the counts are known in advance.
    return result.files === params.files && result.bytes === params.files * params.size;
  }
  return result.files === expected.files && result.bytes === expected.bytes && result.checksum === expected.checksum;
}

export async function teardown(state) {
  await rm(state.base, { recursive: true, force: true });
}
