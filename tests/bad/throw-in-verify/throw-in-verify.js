export function run() { return 1; }
export function verify() {
  throw new TypeError("broken in verify");
}
