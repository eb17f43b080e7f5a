// fib: naive recursive fibonacci; measures function-call overhead and small-integer arithmetic.
// Twin of fib.py, line for line.

// fib(n) for the n values a workload.json is likely to use; verify() checks against these.
const KNOWN = { 20: 6765, 25: 75025, 27: 196418, 30: 832040, 32: 2178309 };

function fib(n) {
  if (n < 2) {
    return n;
  }
  return fib(n - 1) + fib(n - 2);
}

export function setup(params) {
  return { n: params.n };
}

export function run(state) {
  return { n: state.n, value: fib(state.n) };
}

export function verify(result, params) {
  const expected = KNOWN[params.n];
  return result.n === params.n && result.value === expected;
}
