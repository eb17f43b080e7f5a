// The Node-API reference: the same calls through a tiny addon (napi_addon.c) in standalone node,
// beside a JS-to-JS call. Usage: node calls_node.mjs ADDON.node [--quick]
import { createRequire } from 'node:module';

import { jsAddNotInlined, measure, options } from './timing.mjs';

const addon = createRequire(import.meta.url)(process.argv[2]);
const data = new Uint8Array(new ArrayBuffer(1024)).fill(7);
const N = 2e7;

const cases = {
  'empty loop': { n: N, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; } },
  'noop napi': { n: N / 4, loop: (n) => { for (let i = 0; i < n; i++) addon.noop(); return 0; } },
  'add napi': { n: N / 4, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += addon.add(i, 1); return s; } },
  'crc32 1 KiB napi': { n: N / 200, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += addon.crc32(data); return s; } },
  'js add (not inlined)': { n: N, loop: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jsAddNotInlined(i, 1); return s; } },
};

console.log(JSON.stringify({ runtime: 'node', ns: measure(cases, options(process.argv)) }));
