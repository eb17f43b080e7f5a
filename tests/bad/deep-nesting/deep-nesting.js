// JSON.stringify recurses in C++: V8's stack check must stop it, not the C stack.
export function run() {
  let nested = [];
  for (let i = 0; i < 200000; i++) nested = [nested];
  return JSON.stringify(nested).length;
}
