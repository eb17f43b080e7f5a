// fannkuch-redux: the Computer Language Benchmarks Game fannkuch-redux, single-threaded: every
// permutation of 0..n-1 in the game's order, each flipped (prefix reversals) until 0 comes first;
// measures small-integer array reads, writes and loops. Twin of fannkuch-redux.py, line for line.

// [checksum, maximum flips] for n: 7 is the Benchmarks Game reference output ("228",
// "Pfannkuchen(7) = 16"); the others were computed by this program and agree in V8 and CPython.
const KNOWN = { 7: [228, 16], 8: [1616, 22], 9: [8629, 30], 10: [73196, 38] };

function fannkuch(n) {
  const perm = new Array(n).fill(0);
  const perm1 = new Array(n).fill(0);
  const count = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    perm1[i] = i;
  }
  let maxFlips = 0;
  let checksum = 0;
  let permCount = 0;
  let r = n;
  while (true) {
    while (r !== 1) {
      count[r - 1] = r;
      r -= 1;
    }
    for (let i = 0; i < n; i++) {
      perm[i] = perm1[i];
    }
    let flips = 0;
    let k = perm[0];
    while (k !== 0) {
      let i = 0;
      let j = k;
      while (i < j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i += 1;
        j -= 1;
      }
      flips += 1;
      k = perm[0];
    }
    if (flips > maxFlips) {
      maxFlips = flips;
    }
    checksum += permCount % 2 === 0 ? flips : -flips;
    // Next permutation: rotate the first r+1 elements left until a counter is not exhausted.
    while (true) {
      if (r === n) {
        return [checksum, maxFlips];
      }
      const perm0 = perm1[0];
      for (let i = 0; i < r; i++) {
        perm1[i] = perm1[i + 1];
      }
      perm1[r] = perm0;
      count[r] -= 1;
      if (count[r] > 0) {
        break;
      }
      r += 1;
    }
    permCount += 1;
  }
}

export function setup(params) {
  return { n: params.n };
}

export function run(state) {
  const [checksum, maxFlips] = fannkuch(state.n);
  return { n: state.n, checksum: checksum, max_flips: maxFlips };
}

export function verify(result, params) {
  const expected = KNOWN[params.n];
  if (expected === undefined) {
    return false;
  }
  return result.n === params.n && result.checksum === expected[0] && result.max_flips === expected[1];
}
