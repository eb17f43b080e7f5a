# timers: start `count` waits of `delay_ms` milliseconds all at once, each on the runtime's timer
# queue and each resolving to its index, then await them together; measures the cost of many
# concurrent timer waits on the event loop. Twin of timers.js, line for line.

import asyncio

# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648

# Results for the shipped sizes ("count:delay_ms"), agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "1000:1": {"count": 1000, "checksum": 562641396},
    "10000:1": {"count": 10000, "checksum": 1427211144},
    "100000:1": {"count": 100000, "checksum": 75244368},
}


# asyncio.sleep(delay, result) is the coroutine counterpart of the promise-wrapped setTimeout.
def sleep(delay_ms, value):
    return asyncio.sleep(delay_ms / 1000, value)


def setup(params):
    return {"count": params["count"], "delay_ms": params["delay_ms"]}


async def run(state):
    waits = []
    for i in range(state["count"]):
        waits.append(sleep(state["delay_ms"], i))
    values = await asyncio.gather(*waits)
    checksum = 0
    for i in range(len(values)):
        checksum = (checksum * 31 + values[i]) % CHECK_MOD
    return {"count": len(values), "checksum": checksum}


def verify(result, params):
    expected = KNOWN.get(str(params["count"]) + ":" + str(params["delay_ms"]))
    if expected is None:
        # Unlisted params: only the count is known in advance.
        return result["count"] == params["count"]
    return result["count"] == expected["count"] and result["checksum"] == expected["checksum"]
