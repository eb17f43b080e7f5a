// ecosystem/sort: data/sort's integers sorted as a typed array (Int32Array.prototype.sort
// compares numbers natively, no comparator call); data/sort's generator, result and known values.
// Twin of sort.py (numpy.sort).
import * as plain from "../../data/sort/sort.js";

export function setup(params) {
  // Values stay below 10^9 < 2^31, so Int32Array holds them exactly.
  return { values: Int32Array.from(plain.setup(params).values) };
}

export function run(state) {
  // A typed array sorts numerically without a comparator; data/sort computes the same result.
  return plain.summarize(state.values.slice().sort());
}

export const verify = plain.verify;
