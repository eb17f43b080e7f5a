// ecosystem/numeric: the numeric kernel in what Node.js users reach for: vector arithmetic in
// Float64Array loops (z = 2.5 x + y, then the mean of sqrt(z^2 + 1) and the dot product x.y) and
// the matrix product A B with ml-matrix's mmul. Twin of numeric.py (numpy, BLAS dgemm).
import { Matrix } from "ml-matrix";
import * as plain from "../../data/sort/sort.js";

// Results for the shipped sizes, agreed by numpy and this twin; verify() checks these. Why
// mean_micro is rounded and the rest exact: see numeric.py.
const KNOWN = {
  "1000:16:20240601": [20277699, -7293229, 2724, 377],
  "1000000:300:20240601": [20663786, 782763383, 56536, 470],
  "10000000:1000:20240601": [20639570, -776830894, 523332, 20730],
};

function matrix(entries, m) {
  const rows = [];
  for (let i = 0; i < m; i++) {
    rows.push(entries.slice(i * m, (i + 1) * m));
  }
  return new Matrix(rows);
}

export function setup(params) {
  const n = params.n;
  const m = params.m;
  // The inputs come from data/sort's generator: integers below 10^9, folded into small ranges.
  const values = plain.setup({ count: 2 * n + 2 * m * m, seed: params.seed }).values;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = ((values[i] % 2001) - 1000) / 64;
    y[i] = ((values[n + i] % 2001) - 1000) / 64;
  }
  const entries = values.slice(2 * n).map((v) => (v % 19) - 9);
  return { x: x, y: y, a: matrix(entries.slice(0, m * m), m), b: matrix(entries.slice(m * m), m) };
}

export function run(state) {
  const x = state.x;
  const y = state.y;
  const n = x.length;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = 2.5 * x[i] + y[i];
  }
  let sum = 0;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    sum += Math.sqrt(z[i] * z[i] + 1);
    dot += x[i] * y[i];
  }
  const c = state.a.mmul(state.b);
  return {
    n: n,
    mean_micro: Math.round((sum / n) * 1e6),
    dot_4096ths: Math.round(dot * 4096),
    m: c.rows,
    matrix_sum: Math.round(c.sum()),
    matrix_trace: Math.round(c.trace()),
  };
}

export function verify(result, params) {
  const expected = KNOWN[params.n + ":" + params.m + ":" + params.seed];
  if (result.n !== params.n || result.m !== params.m) {
    return false;
  }
  if (expected === undefined) {
    // Unlisted params: the sizes are checked, the figures are not known.
    return true;
  }
  const exact = [result.dot_4096ths, result.matrix_sum, result.matrix_trace];
  return exact.every((value, i) => value === expected[i + 1]) && Math.abs(result.mean_micro - expected[0]) <= 1;
}
