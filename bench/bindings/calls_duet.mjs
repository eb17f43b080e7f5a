// ns per call into native code from JavaScript inside duet: the duet:bench / duet:hash bindings
// through V8's fast path (v8::CFunction) and its slow path (FunctionCallback), beside a JS-to-JS
// call in the same engine. Prints one JSON object; bench/bindings.py runs it.
import * as bench from 'duet:bench';
import { crc32 } from 'duet:hash';

import { jsAddNotInlined, measure, options } from './timing.mjs';

const data = new Uint8Array(new ArrayBuffer(1024)).fill(7);
const N = 2e7;

const cases = {
  'empty loop': { n: N, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; } },
  'noop fast': { n: N, loop: (n) => { for (let i = 0; i < n; i++) bench.noop(); return 0; } },
  'noop slow': { n: N / 4, loop: (n) => { for (let i = 0; i < n; i++) bench.noop_slow(); return 0; } },
  'add fast': { n: N, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += bench.add(i, 1); return s; } },
  'add slow': { n: N / 4, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += bench.add_slow(i, 1); return s; } },
  'crc32 1 KiB': { n: N / 200, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += crc32(data); return s; } },
  'js add (not inlined)': { n: N, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jsAddNotInlined(i, 1); return s; } },
};

const before = bench.fast_calls();
const ns = measure(cases, options(process.argv));
console.log(JSON.stringify({ runtime: 'duet v8', ns, fast_calls: bench.fast_calls() - before }));
