// A syntax error on line 3.
export function run() {
  return 1 +* 2;
}
