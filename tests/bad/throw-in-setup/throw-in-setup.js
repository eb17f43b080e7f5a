// Throws in setup, on line 3.
export function setup() {
  throw new Error("broken in setup");
}
export function run() { return 1; }
