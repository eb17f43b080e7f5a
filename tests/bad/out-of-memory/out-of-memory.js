// Keeps everything it allocates.
export function run() {
  const kept = [];
  for (;;) kept.push(new Array(1000000).fill(kept.length));
}
