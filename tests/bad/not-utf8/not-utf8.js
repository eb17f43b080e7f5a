// Latin-1 bytes in a string.
export function run() {
  return "café";
}
