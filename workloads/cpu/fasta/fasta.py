# fasta: the Computer Language Benchmarks Game fasta, single-threaded: writes the three DNA
# sequences of the game (the ALU repeat n*2 bases, IUB ambiguity codes n*3 and Homo sapiens
# frequencies n*5, picked with the game's linear congruential generator IM=139968, IA=3877,
# IC=29573 from seed 42), 60 bases a line, into an output that keeps an Adler-32 of every byte
# instead of printing it. Measures integer and floating-point arithmetic, table lookups and byte
# buffers. Twin of fasta.js, line for line.

# [output bytes, Adler-32 of the output] for n, computed by this program and equal in V8 and
# CPython. For n = 1000 the text is 10245 bytes, as the Benchmarks Game reference output, and
# the first and last line of each of its three sequences equal the reference's.
KNOWN = {
    1000: [10245, 4195470820],
    10000: [101745, 559926649],
    25000: [254245, 2237329294],
    100000: [1016745, 3075544169],
    250000: [2541745, 924048832],
    1000000: [10166745, 1534578185],
}

IM = 139968
IA = 3877
IC = 29573
LINE_LENGTH = 60
NEWLINE = 10

ALU = (
    "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG"
    + "GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA"
    + "CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT"
    + "ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA"
    + "GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG"
    + "AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC"
    + "AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA"
)

IUB_CODES = "acgtBDHKMNRSVWY"
IUB_PROBABILITIES = [0.27, 0.12, 0.12, 0.27, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02]

HOMO_SAPIENS_CODES = "acgt"
HOMO_SAPIENS_PROBABILITIES = [0.3029549426680, 0.1979883004921, 0.1975473066391, 0.3015094502008]


class Random:
    def __init__(self, seed):
        self.last = seed

    def next(self, max_value):
        self.last = (self.last * IA + IC) % IM
        return max_value * self.last / IM


class Output:
    """Stands in for stdout: counts the bytes and keeps their Adler-32."""

    def __init__(self):
        self.a = 1
        self.b = 0
        self.length = 0

    def write(self, buffer, count):
        a = self.a
        b = self.b
        for i in range(count):
            a = (a + buffer[i]) % 65521
            b = (b + a) % 65521
        self.a = a
        self.b = b
        self.length += count

    def checksum(self):
        return self.b * 65536 + self.a


def to_bytes(text):
    data = bytearray(len(text))
    for i in range(len(text)):
        data[i] = ord(text[i])
    return data


def cumulative(probabilities):
    result = [0.0] * len(probabilities)
    p = 0.0
    for i in range(len(probabilities)):
        p += probabilities[i]
        result[i] = p
    return result


def repeat_fasta(out, header, source, n):
    out.write(header, len(header))
    line = bytearray(LINE_LENGTH + 1)
    source_length = len(source)
    pos = 0
    while n > 0:
        line_length = n if n < LINE_LENGTH else LINE_LENGTH
        for i in range(line_length):
            line[i] = source[pos]
            pos += 1
            if pos == source_length:
                pos = 0
        line[line_length] = NEWLINE
        out.write(line, line_length + 1)
        n -= line_length


def random_fasta(out, header, codes, probabilities, n, random):
    out.write(header, len(header))
    line = bytearray(LINE_LENGTH + 1)
    last = len(probabilities) - 1
    while n > 0:
        line_length = n if n < LINE_LENGTH else LINE_LENGTH
        for i in range(line_length):
            r = random.next(1.0)
            k = 0
            while k < last and r >= probabilities[k]:
                k += 1
            line[i] = codes[k]
        line[line_length] = NEWLINE
        out.write(line, line_length + 1)
        n -= line_length


def setup(params):
    return {
        "n": params["n"],
        "alu": to_bytes(ALU),
        "iub_codes": to_bytes(IUB_CODES),
        "iub_probabilities": cumulative(IUB_PROBABILITIES),
        "homo_sapiens_codes": to_bytes(HOMO_SAPIENS_CODES),
        "homo_sapiens_probabilities": cumulative(HOMO_SAPIENS_PROBABILITIES),
        "headers": [
            to_bytes(">ONE Homo sapiens alu\n"),
            to_bytes(">TWO IUB ambiguity codes\n"),
            to_bytes(">THREE Homo sapiens frequency\n"),
        ],
    }


# Every iteration starts from seed 42, so every iteration writes the same text.
def run(state):
    out = Output()
    random = Random(42)
    repeat_fasta(out, state["headers"][0], state["alu"], state["n"] * 2)
    random_fasta(out, state["headers"][1], state["iub_codes"], state["iub_probabilities"], state["n"] * 3, random)
    random_fasta(out, state["headers"][2], state["homo_sapiens_codes"], state["homo_sapiens_probabilities"],
                 state["n"] * 5, random)
    return {"n": state["n"], "bytes": out.length, "adler32": out.checksum()}


def verify(result, params):
    expected = KNOWN.get(params["n"])
    if expected is None:
        return False
    return result["n"] == params["n"] and result["bytes"] == expected[0] and result["adler32"] == expected[1]
