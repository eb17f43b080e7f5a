# producer-consumer: one producer puts `count` generated items into a bounded queue of `maxsize`
# slots, one consumer takes them out and sums them; measures handing values between two async
# tasks that suspend whenever the queue is full or empty. Twin of producer-consumer.js, line for
# line, except that Python uses the standard asyncio.Queue and JavaScript, which has no queue of
# its own, uses a hand-written AsyncQueue with the same algorithm as asyncio.Queue (CPython 3.11).

import asyncio

# Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
MODULUS = 2147483647
MULTIPLIER = 48271
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# Items are 0..ITEM_RANGE-1; the producer ends the stream with DONE.
ITEM_RANGE = 1000000
DONE = -1

# Results for the shipped sizes ("count:maxsize:seed"), agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "1000:16:20240601": {"count": 1000, "sum": 520324985, "checksum": 991354615},
    "20000:16:20240601": {"count": 20000, "sum": 10050663455, "checksum": 627784669},
    "1000000:16:20240601": {"count": 1000000, "sum": 500066987996, "checksum": 890930320},
}


def next_int(rng):
    rng["state"] = (rng["state"] * MULTIPLIER) % MODULUS
    return rng["state"]


async def producer(queue, items):
    for i in range(len(items)):
        await queue.put(items[i])
    await queue.put(DONE)


async def consumer(queue, totals):
    while True:
        item = await queue.get()
        if item == DONE:
            break
        totals["count"] += 1
        totals["sum"] += item
        totals["checksum"] = (totals["checksum"] * 31 + item) % CHECK_MOD


def setup(params):
    rng = {"state": params["seed"]}
    items = []
    for i in range(params["count"]):
        items.append(next_int(rng) % ITEM_RANGE)
    return {"items": items, "maxsize": params["maxsize"]}


async def run(state):
    queue = asyncio.Queue(state["maxsize"])
    totals = {"count": 0, "sum": 0, "checksum": 0}
    await asyncio.gather(producer(queue, state["items"]), consumer(queue, totals))
    return totals


def verify(result, params):
    expected = KNOWN.get(str(params["count"]) + ":" + str(params["maxsize"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: only the item count is known in advance.
        return result["count"] == params["count"]
    return (
        result["count"] == expected["count"]
        and result["sum"] == expected["sum"]
        and result["checksum"] == expected["checksum"]
    )
