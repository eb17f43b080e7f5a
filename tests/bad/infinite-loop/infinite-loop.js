// Never returns.
export function run() {
  let n = 0;
  for (;;) n = (n + 1) | 0;
}
