# long-lived-objects: setup builds `count` small objects (five fields each, one a reference to a
# random other object) and keeps them for the whole measurement; each run walks all of them twice
# in a cache-unfriendly order through the references, rewriting one field; measures what many
# small long-lived objects cost to hold and to touch. Twin of long-lived-objects.js, line for line.
# Bytes per object are not part of the result (it must be equal in both runtimes); duet's engine
# counters report each runtime's memory (see workload.json).

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# mark = (value * 31 + partner.value + weight) % MARK_MOD stays far below 2^31.
MARK_MOD = 1000003

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "2000:20240601": 790281853,
    "100000:20240601": 322518984,
    "1000000:20240601": 1657613031,
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


class Item:
    def __init__(self, id, value, weight):
        self.id = id
        self.value = value
        self.weight = weight
        self.partner = None
        self.mark = 0


def setup(params):
    rng = {"state": params["seed"]}
    items = []
    for id in range(params["count"]):
        items.append(Item(id, below(rng, 1000000), below(rng, 100)))
    for id in range(params["count"]):
        items[id].partner = items[below(rng, params["count"])]
    return {"items": items}


# Rewrites every mark from values only, so each run computes the same thing whatever ran before.
def run(state):
    items = state["items"]
    for i in range(len(items)):
        item = items[i]
        item.mark = (item.value * 31 + item.partner.value + item.weight) % MARK_MOD
    acc = 0
    for i in range(len(items)):
        item = items[i]
        acc = (acc * 31 + item.mark + item.partner.mark + item.partner.id) % CHECK_MOD
    return {"count": len(items), "checksum": acc}


def verify(result, params):
    expected = KNOWN.get(str(params["count"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: only the count is known in advance.
        return result["count"] == params["count"]
    return result["count"] == params["count"] and result["checksum"] == expected
