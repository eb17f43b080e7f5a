# sequential-read: setup() writes a generated file of `mib` MiB into the temporary directory; each
# run() opens it and reads it from start to end in 64 KiB chunks through the runtime's
# asynchronous file API, sampling every 4096th byte into a checksum. Measures the per-chunk cost
# of asynchronous file reads (the file sits in the page cache after setup, so the disk is not in
# it). Twin of sequential-read.js, line for line. asyncio has no file API of its own: every
# blocking call (open, each read, close) goes to the loop's default thread pool through
# run_in_executor, as node's fs/promises sends each one to libuv's thread pool.

import asyncio
import os
import tempfile

# Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
MODULUS = 2147483647
MULTIPLIER = 48271
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
MIB = 1048576
# The file repeats one generated block; its length is prime, so the 4096-byte samples walk it.
BLOCK_SIZE = 65521
CHUNK_SIZE = 65536
SAMPLE_STRIDE = 4096

# Results for the shipped sizes ("mib:seed"), agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "1:20240601": {"bytes": 1048576, "checksum": 1650181204},
    "16:20240601": {"bytes": 16777216, "checksum": 841681251},
    "64:20240601": {"bytes": 67108864, "checksum": 754010193},
}


def next_int(rng):
    rng["state"] = (rng["state"] * MULTIPLIER) % MODULUS
    return rng["state"]


def make_content(size, seed):
    rng = {"state": seed}
    block = bytearray(BLOCK_SIZE)
    for i in range(BLOCK_SIZE):
        block[i] = next_int(rng) % 256
    content = bytearray(size)
    for offset in range(0, size, BLOCK_SIZE):
        length = min(BLOCK_SIZE, size - offset)
        content[offset : offset + length] = block[:length]
    return content


def setup(params):
    size = params["mib"] * MIB
    fd, path = tempfile.mkstemp(prefix="duet-sequential-read-", suffix=".bin")
    with os.fdopen(fd, "wb") as f:
        f.write(make_content(size, params["seed"]))
    return {"path": path, "size": size}


async def run(state):
    loop = asyncio.get_running_loop()
    buffer = bytearray(CHUNK_SIZE)
    # Unbuffered (a raw FileIO), so readinto() is one read(2) straight into the buffer, as FileHandle.read is.
    handle = await loop.run_in_executor(None, open, state["path"], "rb", 0)
    total = 0
    checksum = 0
    while True:
        bytes_read = await loop.run_in_executor(None, handle.readinto, buffer)
        if bytes_read == 0:
            break
        # The first multiple of SAMPLE_STRIDE at or after file offset `total`, relative to this chunk.
        for i in range((SAMPLE_STRIDE - (total % SAMPLE_STRIDE)) % SAMPLE_STRIDE, bytes_read, SAMPLE_STRIDE):
            checksum = (checksum * 31 + buffer[i]) % CHECK_MOD
        total += bytes_read
    await loop.run_in_executor(None, handle.close)
    return {"bytes": total, "checksum": checksum}


def verify(result, params):
    expected = KNOWN.get(str(params["mib"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: only the size is known in advance.
        return result["bytes"] == params["mib"] * MIB
    return result["bytes"] == expected["bytes"] and result["checksum"] == expected["checksum"]


def teardown(state):
    os.remove(state["path"])
