// promises: `count` times, await a chain of `depth` + 1 nested async function calls (each call
// awaits the next one down and transforms its value); measures creating and awaiting promises
// (JS) and coroutines (Python). Twin of promises.py, line for line.

// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;

// Results for the shipped sizes ("count:depth"), agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "2000:4": { calls: 10000, checksum: 747994728 },
  "40000:4": { calls: 200000, checksum: 920903712 },
  "1000000:4": { calls: 5000000, checksum: 872473376 },
};

async function chain(value, depth) {
  if (depth === 0) {
    return value;
  }
  const inner = await chain(value, depth - 1);
  return (inner * 3 + depth) % CHECK_MOD;
}

export function setup(params) {
  return { count: params.count, depth: params.depth };
}

export async function run(state) {
  let checksum = 0;
  for (let i = 0; i < state.count; i++) {
    const value = await chain(i, state.depth);
    checksum = (checksum * 31 + value) % CHECK_MOD;
  }
  return { calls: state.count * (state.depth + 1), checksum: checksum };
}

export function verify(result, params) {
  const expected = KNOWN[params.count + ":" + params.depth];
  if (expected === undefined) {
    // Unlisted params: only the number of calls is known in advance.
    return result.calls === params.count * (params.depth + 1);
  }
  return result.calls === expected.calls && result.checksum === expected.checksum;
}
