// A cycle cannot be serialised.
export function run() {
  const node = {};
  node.self = node;
  return node;
}
