// Spins on microtasks: the loop never gets a turn.
export async function run() {
  for (;;) await null;
}
