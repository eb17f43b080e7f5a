# sort: sort a copy of `count` generated integers with the built-in sort (sorted() in Python;
# Array.prototype.sort with a numeric comparator in JavaScript) every run; explicitly about the
# built-in, so each language uses its own (both are TimSort variants). Twin of sort.js, line for line.

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
# Values stay below 2^30: small integers in both runtimes (V8 Smis, one-digit CPython ints).
VALUE_LIMIT = 1000000000
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# The result samples every SAMPLE-th element of the sorted copy.
SAMPLE = 997

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "2000:20240601": {"min": 208880, "median": 451191303, "max": 999454269, "checksum": 124887329},
    "300000:20240601": {"min": 451, "median": 463878000, "max": 999998870, "checksum": 1307188786},
    "1000000:20240601": {"min": 451, "median": 463329219, "max": 999998933, "checksum": 1766940245},
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def setup(params):
    rng = {"state": params["seed"]}
    values = []
    for i in range(params["count"]):
        values.append(below(rng, VALUE_LIMIT))
    return {"values": values}


def run(state):
    sorted_ = sorted(state["values"])
    acc = 0
    ordered = True
    for i in range(0, len(sorted_), SAMPLE):
        acc = (acc * 31 + sorted_[i]) % CHECK_MOD
        if i >= SAMPLE and sorted_[i - SAMPLE] > sorted_[i]:
            ordered = False
    return {
        "count": len(sorted_),
        "min": sorted_[0],
        "median": sorted_[len(sorted_) >> 1],
        "max": sorted_[len(sorted_) - 1],
        "ordered": ordered,
        "checksum": acc,
    }


def verify(result, params):
    expected = KNOWN.get(str(params["count"]) + ":" + str(params["seed"]))
    if result["count"] != params["count"] or result["ordered"] is not True:
        return False
    if expected is None:
        # Unlisted params: the count and the sampled order are checked, the values are not known.
        return result["min"] <= result["median"] <= result["max"]
    return (
        result["min"] == expected["min"]
        and result["median"] == expected["median"]
        and result["max"] == expected["max"]
        and result["checksum"] == expected["checksum"]
    )
