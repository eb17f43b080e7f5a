# object-churn: every step creates a handful of small short-lived objects (two class instances,
# two temporaries from arithmetic methods, a record and a two-element array) and drops the record
# created RING steps earlier; measures young-generation allocation and collection.
# Twin of object-churn.js, line for line.

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# How many steps a record survives before it is dropped: long enough to escape any one function.
RING = 1024

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "2000:20240601": 1190642953,
    "40000:20240601": 1391465463,
    "800000:20240601": 21224575,
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


class Vec3:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def add(self, other):
        return Vec3(self.x + other.x, self.y + other.y, self.z + other.z)

    def scale(self, factor):
        return Vec3(self.x * factor, self.y * factor, self.z * factor)


def setup(params):
    return {"steps": params["steps"], "seed": params["seed"]}


def run(state):
    rng = {"state": state["seed"]}
    ring = []
    for i in range(RING):
        ring.append(None)
    acc = 0
    dropped = 0
    for step in range(state["steps"]):
        position = Vec3(below(rng, 1000), below(rng, 1000), below(rng, 1000))
        velocity = Vec3((step % 21) - 10, (step % 17) - 8, (step % 13) - 6)
        moved = position.add(velocity).scale(3)
        record = {"id": step, "position": moved, "tags": [step % 7, step % 11]}
        slot = step % RING
        old = ring[slot]
        if old is not None:
            old_position = old["position"]
            value = old_position.x + old_position.y * 3 + old_position.z * 7 + old["tags"][0] + old["tags"][1]
            acc = (acc * 31 + value + 100000) % CHECK_MOD
            dropped += 1
        ring[slot] = record
    return {"steps": state["steps"], "dropped": dropped, "checksum": acc}


def verify(result, params):
    expected = KNOWN.get(str(params["steps"]) + ":" + str(params["seed"]))
    dropped = max(0, params["steps"] - RING)
    if expected is None:
        # Unlisted params: the counts are known in advance, the checksum is not.
        return result["steps"] == params["steps"] and result["dropped"] == dropped
    return (
        result["steps"] == params["steps"]
        and result["dropped"] == dropped
        and result["checksum"] == expected
    )
