# json-large: parse a large generated JSON document (deeply nested objects and arrays, strings
# full of escapes and non-ASCII BMP text) with the built-in parser and serialize it back with the
# built-in serializer; measures the JSON codec on text-heavy input. Twin of json-large.js,
# line for line.

import json

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# The checksum reads every STRIDE-th code point, so it costs little next to the codec.
STRIDE = 61
# Characters both encoders must escape (or, for '/', must not), in the same way.
ESCAPES = ['"', "\\", "\n", "\r", "\t", "\b", "\f", "\u0001", "\u001f", "/"]
# Non-ASCII BMP ranges [first, count]: Latin-1, Greek, Cyrillic, CJK, and U+2028/U+2029, which
# both encoders leave unescaped. No surrogates, so a JS string's length is its code point count.
RANGES = [[0xA1, 95], [0x391, 57], [0x410, 64], [0x4E00, 2000], [0x2028, 2]]
ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:;"

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "30:6:20240601": {"length": 34006, "checksum": 830750461},
    "1000:6:20240601": {"length": 982356, "checksum": 388877942},
    "20000:6:20240601": {"length": 19375131, "checksum": 398315289},
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def random_text(rng, length):
    chars = []
    for i in range(length):
        kind = below(rng, 16)
        if kind == 0:
            chars.append(ESCAPES[below(rng, len(ESCAPES))])
        elif kind < 4:
            range_ = RANGES[below(rng, len(RANGES))]
            chars.append(chr(range_[0] + below(rng, range_[1])))
        else:
            chars.append(ASCII[below(rng, len(ASCII))])
    return "".join(chars)


# Keys start with a letter, so no key looks like an array index (JS would reorder those).
def random_key(rng):
    return ASCII[below(rng, 52)] + random_text(rng, below(rng, 10))


def make_object(rng, depth):
    object_ = {}
    size = 1 + below(rng, 6)
    for i in range(size):
        key = random_key(rng)
        object_[key] = make_value(rng, depth - 1)
    return object_


def make_array(rng, depth):
    array = []
    size = below(rng, 9)
    for i in range(size):
        array.append(make_value(rng, depth - 1))
    return array


def make_value(rng, depth):
    kind = 3 + below(rng, 5) if depth == 0 else below(rng, 8)
    if kind < 2:
        return make_object(rng, depth)
    if kind == 2:
        return make_array(rng, depth)
    if kind < 5:
        return random_text(rng, below(rng, 40))
    if kind == 5:
        return below(rng, 2000000001) - 1000000000
    if kind == 6:
        return below(rng, 2) == 1
    return None


def checksum(text):
    acc = 0
    for i in range(0, len(text), STRIDE):
        acc = (acc * 31 + ord(text[i])) % CHECK_MOD
    return acc


def dumps(value):
    # separators and ensure_ascii make the text byte-identical to JSON.stringify's.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def setup(params):
    rng = {"state": params["seed"]}
    items = []
    for i in range(params["items"]):
        item = {}
        item["id"] = i
        item["title"] = random_text(rng, 10 + below(rng, 30))
        item["body"] = make_object(rng, params["depth"])
        items.append(item)
    doc = {}
    doc["format"] = "duet-json-large"
    doc["seed"] = params["seed"]
    doc["items"] = items
    return {"text": dumps(doc)}


def run(state):
    parsed = json.loads(state["text"])
    text = dumps(parsed)
    return {
        "items": len(parsed["items"]),
        "length": len(text),
        "same": text == state["text"],
        "checksum": checksum(text),
    }


def verify(result, params):
    expected = KNOWN.get(str(params["items"]) + ":" + str(params["depth"]) + ":" + str(params["seed"]))
    if result["items"] != params["items"] or result["same"] is not True:
        return False
    if expected is None:
        # Unlisted params: the item count and the round trip are checked, the text is not known.
        return True
    return result["length"] == expected["length"] and result["checksum"] == expected["checksum"]
