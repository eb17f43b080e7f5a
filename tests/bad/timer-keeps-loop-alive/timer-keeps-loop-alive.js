export function run() {
  return new Promise(() => { setInterval(() => {}, 5); });
}
