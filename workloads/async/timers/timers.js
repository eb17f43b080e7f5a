// timers: start `count` waits of `delay_ms` milliseconds all at once, each on the runtime's timer
// queue and each resolving to its index, then await them together; measures the cost of many
// concurrent timer waits on the event loop. Twin of timers.py, line for line.

// Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
const CHECK_MOD = 2147483648;

// Results for the shipped sizes ("count:delay_ms"), agreed by V8 and CPython; verify() checks these.
const KNOWN = {
  "1000:1": { count: 1000, checksum: 562641396 },
  "10000:1": { count: 10000, checksum: 1427211144 },
  "100000:1": { count: 100000, checksum: 75244368 },
};

// The promise counterpart of asyncio.sleep(delay, result).
function sleep(delayMs, value) {
  return new Promise((resolve) => setTimeout(resolve, delayMs, value));
}

export function setup(params) {
  return { count: params.count, delayMs: params.delay_ms };
}

export async function run(state) {
  const waits = [];
  for (let i = 0; i < state.count; i++) {
    waits.push(sleep(state.delayMs, i));
  }
  const values = await Promise.all(waits);
  let checksum = 0;
  for (let i = 0; i < values.length; i++) {
    checksum = (checksum * 31 + values[i]) % CHECK_MOD;
  }
  return { count: values.length, checksum: checksum };
}

export function verify(result, params) {
  const expected = KNOWN[params.count + ":" + params.delay_ms];
  if (expected === undefined) {
    // Unlisted params: only the count is known in advance.
    return result.count === params.count;
  }
  return result.count === expected.count && result.checksum === expected.checksum;
}
