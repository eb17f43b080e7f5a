# small-files: each run() makes a fresh directory, writes `files` generated files of `size` bytes
# into it one after another, reads every file back whole, deletes them and the directory; samples
# every 64th byte read into a checksum. Measures the per-operation cost of asynchronous file
# calls (open/write/read/unlink on tmpfs or in the page cache). Twin of small-files.js, line for
# line. asyncio has no file API of its own: each call that node's fs/promises sends to libuv's
# thread pool (mkdir, writeFile, readFile, unlink, rm) goes to the loop's default thread pool
# here, through run_in_executor.

import asyncio
import os
import shutil
import tempfile

# Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
MODULUS = 2147483647
MULTIPLIER = 48271
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# File contents are windows onto one generated block, starting at a different offset per file.
BLOCK_SIZE = 8191
OFFSET_STEP = 131
SAMPLE_STRIDE = 64

# Results for the shipped sizes ("files:size:seed"), agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "20:1024:20240601": {"files": 20, "bytes": 20480, "checksum": 954518408},
    "250:1024:20240601": {"files": 250, "bytes": 256000, "checksum": 139533611},
    "4000:1024:20240601": {"files": 4000, "bytes": 4096000, "checksum": 723729242},
}


def next_int(rng):
    rng["state"] = (rng["state"] * MULTIPLIER) % MODULUS
    return rng["state"]


# The blocking halves of node's writeFile and readFile, run on the thread pool.
def write_file(path, data):
    with open(path, "wb") as f:
        f.write(data)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def setup(params):
    if params["size"] > BLOCK_SIZE:
        raise ValueError("size must be at most " + str(BLOCK_SIZE))
    rng = {"state": params["seed"]}
    block = bytearray(2 * BLOCK_SIZE)
    for i in range(BLOCK_SIZE):
        block[i] = next_int(rng) % 256
        block[BLOCK_SIZE + i] = block[i]
    payloads = []
    for i in range(params["files"]):
        start = (i * OFFSET_STEP) % BLOCK_SIZE
        payloads.append(bytes(block[start : start + params["size"]]))
    base = tempfile.mkdtemp(prefix="duet-small-files-")
    return {"base": base, "payloads": payloads, "iteration": 0}


async def run(state):
    loop = asyncio.get_running_loop()
    state["iteration"] += 1
    folder = state["base"] + "/" + str(state["iteration"])
    payloads = state["payloads"]
    await loop.run_in_executor(None, os.mkdir, folder)
    for i in range(len(payloads)):
        await loop.run_in_executor(None, write_file, folder + "/" + str(i) + ".bin", payloads[i])
    byte_count = 0
    checksum = 0
    for i in range(len(payloads)):
        data = await loop.run_in_executor(None, read_file, folder + "/" + str(i) + ".bin")
        byte_count += len(data)
        for j in range(0, len(data), SAMPLE_STRIDE):
            checksum = (checksum * 31 + data[j]) % CHECK_MOD
    for i in range(len(payloads)):
        await loop.run_in_executor(None, os.unlink, folder + "/" + str(i) + ".bin")
    await loop.run_in_executor(None, shutil.rmtree, folder)
    return {"files": len(payloads), "bytes": byte_count, "checksum": checksum}


def verify(result, params):
    expected = KNOWN.get(str(params["files"]) + ":" + str(params["size"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: only the counts are known in advance.
        return result["files"] == params["files"] and result["bytes"] == params["files"] * params["size"]
    return (
        result["files"] == expected["files"]
        and result["bytes"] == expected["bytes"]
        and result["checksum"] == expected["checksum"]
    )


def teardown(state):
    shutil.rmtree(state["base"], ignore_errors=True)
