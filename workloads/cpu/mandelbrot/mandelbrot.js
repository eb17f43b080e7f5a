// mandelbrot: the Computer Language Benchmarks Game mandelbrot, single-threaded: the Mandelbrot
// set on [-1.5-i, 0.5+i] as an n-by-n bitmap (50 iterations, escape at |z|² > 4), packed 8 pixels
// to a byte as in the game's PBM output; returns an Adler-32 of the bitmap bytes instead of writing
// them. Measures floating-point arithmetic in a tight loop plus bit packing. Twin of mandelbrot.py,
// line for line: every floating-point operation happens in the same order.

// [bitmap bytes, Adler-32 of them] for n, computed by this program and equal in V8 and CPython;
// the bytes for n = 8 and n = 504 also have the published MD5s of those bitmaps
// (345a5154c0ca99c0bb0a2c25713771b5, 15c00e9a39837854b019d7d1c4c04d30).
const KNOWN = {
  8: [8, 100925822],
  50: [350, 3420617240],
  200: [5000, 659668120],
  504: [31752, 1432036781],
  1000: [125000, 2897219195],
};

const MAX_ITERATIONS = 50;
const LIMIT = 4.0;

function mandelbrot(size) {
  const bytesPerRow = (size + 7) >> 3;
  const bitmap = new Uint8Array(bytesPerRow * size);
  let pos = 0;
  for (let y = 0; y < size; y++) {
    const ci = 2.0 * y / size - 1.0;
    let byteAcc = 0;
    let bitNum = 0;
    for (let x = 0; x < size; x++) {
      const cr = 2.0 * x / size - 1.5;
      let zr = 0.0;
      let zi = 0.0;
      let tr = 0.0;
      let ti = 0.0;
      for (let i = 0; i < MAX_ITERATIONS; i++) {
        if (tr + ti > LIMIT) {
          break;
        }
        zi = 2.0 * zr * zi + ci;
        zr = tr - ti + cr;
        tr = zr * zr;
        ti = zi * zi;
      }
      byteAcc = byteAcc << 1;
      if (tr + ti <= LIMIT) {
        byteAcc = byteAcc | 1;
      }
      bitNum += 1;
      if (bitNum === 8) {
        bitmap[pos] = byteAcc;
        pos += 1;
        byteAcc = 0;
        bitNum = 0;
      } else if (x === size - 1) {
        byteAcc = byteAcc << (8 - size % 8);
        bitmap[pos] = byteAcc;
        pos += 1;
        byteAcc = 0;
        bitNum = 0;
      }
    }
  }
  return bitmap;
}

function adler32(bytes) {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return b * 65536 + a;
}

export function setup(params) {
  return { n: params.n };
}

export function run(state) {
  const bitmap = mandelbrot(state.n);
  return { n: state.n, bytes: bitmap.length, adler32: adler32(bitmap) };
}

export function verify(result, params) {
  const expected = KNOWN[params.n];
  if (expected === undefined) {
    return false;
  }
  return result.n === params.n && result.bytes === expected[0] && result.adler32 === expected[1];
}
