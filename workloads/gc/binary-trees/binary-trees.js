// binary-trees: the Computer Language Benchmarks Game binary-trees, single-threaded: allocate and
// walk many perfect binary trees of small two-field nodes, plus one long-lived tree that survives
// the whole run; measures allocation and garbage-collection throughput. Twin of binary-trees.py,
// line for line.

const MIN_DEPTH = 4;

class TreeNode {
  constructor(left, right) {
    this.left = left;
    this.right = right;
  }

  check() {
    if (this.left === null) {
      return 1;
    }
    return 1 + this.left.check() + this.right.check();
  }
}

function bottomUpTree(depth) {
  if (depth > 0) {
    return new TreeNode(bottomUpTree(depth - 1), bottomUpTree(depth - 1));
  }
  return new TreeNode(null, null);
}

// A perfect tree of depth d has 2^(d+1) - 1 nodes, so every check is known in closed form.
function nodesAt(depth) {
  return 2 ** (depth + 1) - 1;
}

export function setup(params) {
  return { maxDepth: Math.max(MIN_DEPTH + 2, params.depth) };
}

export function run(state) {
  const maxDepth = state.maxDepth;
  const stretchDepth = maxDepth + 1;
  const stretch = bottomUpTree(stretchDepth).check();
  const longLivedTree = bottomUpTree(maxDepth);
  const rows = [];
  for (let depth = MIN_DEPTH; depth <= maxDepth; depth += 2) {
    const iterations = 1 << (maxDepth - depth + MIN_DEPTH);
    let check = 0;
    for (let i = 0; i < iterations; i++) {
      check += bottomUpTree(depth).check();
    }
    rows.push([depth, iterations, check]);
  }
  return { maxDepth: maxDepth, stretch: stretch, rows: rows, longLived: longLivedTree.check() };
}

// Checks every number against the closed form, so it is exact for any depth.
export function verify(result, params) {
  const maxDepth = Math.max(MIN_DEPTH + 2, params.depth);
  if (result.maxDepth !== maxDepth || result.stretch !== nodesAt(maxDepth + 1)) {
    return false;
  }
  if (result.longLived !== nodesAt(maxDepth)) {
    return false;
  }
  let row = 0;
  for (let depth = MIN_DEPTH; depth <= maxDepth; depth += 2) {
    const iterations = 1 << (maxDepth - depth + MIN_DEPTH);
    const expected = [depth, iterations, iterations * nodesAt(depth)];
    const actual = result.rows[row];
    if (actual === undefined || actual.length !== 3) {
      return false;
    }
    if (actual[0] !== expected[0] || actual[1] !== expected[1] || actual[2] !== expected[2]) {
      return false;
    }
    row += 1;
  }
  return result.rows.length === row;
}
