# mandelbrot: the Computer Language Benchmarks Game mandelbrot, single-threaded: the Mandelbrot
# set on [-1.5-i, 0.5+i] as an n-by-n bitmap (50 iterations, escape at |z|² > 4), packed 8 pixels
# to a byte as in the game's PBM output; returns an Adler-32 of the bitmap bytes instead of writing
# them. Measures floating-point arithmetic in a tight loop plus bit packing. Twin of mandelbrot.js,
# line for line: every floating-point operation happens in the same order.

# [bitmap bytes, Adler-32 of them] for n, computed by this program and equal in V8 and CPython;
# the bytes for n = 8 and n = 504 also have the published MD5s of those bitmaps
# (345a5154c0ca99c0bb0a2c25713771b5, 15c00e9a39837854b019d7d1c4c04d30).
KNOWN = {
    8: [8, 100925822],
    50: [350, 3420617240],
    200: [5000, 659668120],
    504: [31752, 1432036781],
    1000: [125000, 2897219195],
}

MAX_ITERATIONS = 50
LIMIT = 4.0


def mandelbrot(size):
    bytes_per_row = (size + 7) >> 3
    bitmap = bytearray(bytes_per_row * size)
    pos = 0
    for y in range(size):
        ci = 2.0 * y / size - 1.0
        byte_acc = 0
        bit_num = 0
        for x in range(size):
            cr = 2.0 * x / size - 1.5
            zr = 0.0
            zi = 0.0
            tr = 0.0
            ti = 0.0
            for i in range(MAX_ITERATIONS):
                if tr + ti > LIMIT:
                    break
                zi = 2.0 * zr * zi + ci
                zr = tr - ti + cr
                tr = zr * zr
                ti = zi * zi
            byte_acc = byte_acc << 1
            if tr + ti <= LIMIT:
                byte_acc = byte_acc | 1
            bit_num += 1
            if bit_num == 8:
                bitmap[pos] = byte_acc
                pos += 1
                byte_acc = 0
                bit_num = 0
            elif x == size - 1:
                byte_acc = byte_acc << (8 - size % 8)
                bitmap[pos] = byte_acc
                pos += 1
                byte_acc = 0
                bit_num = 0
    return bitmap


def adler32(data):
    a = 1
    b = 0
    for i in range(len(data)):
        a = (a + data[i]) % 65521
        b = (b + a) % 65521
    return b * 65536 + a


def setup(params):
    return {"n": params["n"]}


def run(state):
    bitmap = mandelbrot(state["n"])
    return {"n": state["n"], "bytes": len(bitmap), "adler32": adler32(bitmap)}


def verify(result, params):
    expected = KNOWN.get(params["n"])
    if expected is None:
        return False
    return result["n"] == params["n"] and result["bytes"] == expected[0] and result["adler32"] == expected[1]
