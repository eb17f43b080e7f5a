# json-roundtrip: serialize a deterministic document to JSON, parse it back and walk the result;
# measures the built-in JSON codec plus object/array traversal. Twin of json-roundtrip.js, line for line.

import json

# Park-Miller "minimal standard" LCG: state * 48271 < 2^47, so JS doubles keep it exact.
MODULUS = 2147483647
MULTIPLIER = 48271
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# Printable ASCII, including '"' and '\\' so both encoders exercise their escaping.
ALPHABET_START = 32
ALPHABET_SIZE = 95

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "100:20240601": {"length": 25876, "records": 100, "checksum": 488081941},
    "3000:20240601": {"length": 809474, "records": 3000, "checksum": 1547408423},
    "60000:20240601": {"length": 16278461, "records": 60000, "checksum": 1010311757},
}


def next_int(rng):
    rng["state"] = (rng["state"] * MULTIPLIER) % MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def random_text(rng, length):
    text = ""
    for i in range(length):
        text += chr(ALPHABET_START + below(rng, ALPHABET_SIZE))
    return text


def make_record(rng, id):
    record = {}
    record["id"] = id
    record["name"] = random_text(rng, 5 + below(rng, 12))
    record["active"] = below(rng, 2) == 1
    record["score"] = below(rng, 1000000)
    record["delta"] = below(rng, 2001) - 1000
    tags = []
    tag_count = below(rng, 5)
    for i in range(tag_count):
        tags.append(random_text(rng, 3 + below(rng, 6)))
    record["tags"] = tags
    owner = {}
    owner["uid"] = below(rng, 100000)
    owner["email"] = random_text(rng, 8) + "@example.org"
    owner["roles"] = [below(rng, 2) == 1, below(rng, 2) == 1, below(rng, 10)]
    record["owner"] = owner
    history = []
    event_count = below(rng, 4)
    for i in range(event_count):
        event = {}
        event["t"] = 1700000000 + below(rng, 10000000)
        event["ok"] = below(rng, 2) == 1
        event["note"] = None if below(rng, 3) == 0 else random_text(rng, below(rng, 20))
        history.append(event)
    record["history"] = history
    record["parent"] = below(rng, id) if id > 0 and below(rng, 2) == 1 else None
    return record


# Folds every value, key and container size into one order-sensitive checksum.
def walk(value, acc):
    if value is None:
        return (acc * 31 + 1) % CHECK_MOD
    if value is True:
        return (acc * 31 + 2) % CHECK_MOD
    if value is False:
        return (acc * 31 + 3) % CHECK_MOD
    if isinstance(value, int):
        return (acc * 31 + (((value % CHECK_MOD) + CHECK_MOD) % CHECK_MOD)) % CHECK_MOD
    if isinstance(value, str):
        return (acc * 31 + len(value) + 5) % CHECK_MOD
    if isinstance(value, list):
        for i in range(len(value)):
            acc = walk(value[i], acc)
        return (acc * 31 + len(value) + 7) % CHECK_MOD
    keys = list(value.keys())
    for i in range(len(keys)):
        acc = (acc * 31 + len(keys[i])) % CHECK_MOD
        acc = walk(value[keys[i]], acc)
    return (acc * 31 + len(keys) + 11) % CHECK_MOD


def setup(params):
    rng = {"state": params["seed"]}
    records = []
    for id in range(params["records"]):
        records.append(make_record(rng, id))
    doc = {}
    doc["format"] = "duet-json-roundtrip"
    doc["seed"] = params["seed"]
    doc["records"] = records
    return {"doc": doc}


def run(state):
    # separators and ensure_ascii make the text byte-identical to JSON.stringify's.
    text = json.dumps(state["doc"], separators=(",", ":"), ensure_ascii=False)
    parsed = json.loads(text)
    checksum = walk(parsed, 0)
    return {"length": len(text), "records": len(parsed["records"]), "checksum": checksum}


def verify(result, params):
    expected = KNOWN.get(str(params["records"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: only the record count is known in advance.
        return result["records"] == params["records"]
    return (
        result["length"] == expected["length"]
        and result["records"] == expected["records"]
        and result["checksum"] == expected["checksum"]
    )
