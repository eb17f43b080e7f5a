// The timing loop both JS benchmarks share (duet and standalone node): each case is a function
// looping n times over one call site, so V8 optimises it alone; the median of `reps` runs. Time
// is the process's CPU time, which other load on a shared machine disturbs less than wall time.
export let sink = 0;  // results land here so no call can be dropped as dead code

// A JS function V8 does not inline (its cold branch puts it over TurboFan's inlining budget), so
// calling it is a real JS-to-JS call.
const cold = Array.from({ length: 200 }, (_, i) => `s = (s * ${i + 3}) ^ a;`).join('\n');
export const jsAddNotInlined = new Function('a', 'b', `if (a < 0) { let s = b; ${cold} return s; } return a + b;`);

function cpuNs() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

export function measure(cases, { reps, scale }) {
  const out = {};
  for (const [name, { loop, n }] of Object.entries(cases)) {
    const iterations = Math.max(1000, Math.round(n * scale));
    loop(iterations);  // warm up: interpreter, then optimised code
    loop(iterations);
    const samples = [];
    for (let r = 0; r < reps; r++) {
      const t0 = cpuNs();
      sink += loop(iterations);
      samples.push((cpuNs() - t0) / iterations);
    }
    samples.sort((a, b) => a - b);
    out[name] = samples[samples.length >> 1];
  }
  return out;
}

export function options(argv) {
  const quick = argv.includes('--quick');
  return { reps: quick ? 3 : 11, scale: quick ? 0.02 : 1 };
}
