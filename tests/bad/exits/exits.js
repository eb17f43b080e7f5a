export function run() {
  process.exit(3);
}
