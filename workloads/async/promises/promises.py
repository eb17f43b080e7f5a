# promises: `count` times, await a chain of `depth` + 1 nested async function calls (each call
# awaits the next one down and transforms its value); measures creating and awaiting promises
# (JS) and coroutines (Python). Twin of promises.js, line for line.

# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648

# Results for the shipped sizes ("count:depth"), agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "2000:4": {"calls": 10000, "checksum": 747994728},
    "40000:4": {"calls": 200000, "checksum": 920903712},
    "1000000:4": {"calls": 5000000, "checksum": 872473376},
}


async def chain(value, depth):
    if depth == 0:
        return value
    inner = await chain(value, depth - 1)
    return (inner * 3 + depth) % CHECK_MOD


def setup(params):
    return {"count": params["count"], "depth": params["depth"]}


async def run(state):
    checksum = 0
    for i in range(state["count"]):
        value = await chain(i, state["depth"])
        checksum = (checksum * 31 + value) % CHECK_MOD
    return {"calls": state["count"] * (state["depth"] + 1), "checksum": checksum}


def verify(result, params):
    expected = KNOWN.get(str(params["count"]) + ":" + str(params["depth"]))
    if expected is None:
        # Unlisted params: only the number of calls is known in advance.
        return result["calls"] == params["count"] * (params["depth"] + 1)
    return result["calls"] == expected["calls"] and result["checksum"] == expected["checksum"]
