# group-by: parse generated CSV text (no quoting) with split, group the rows by region and
# product in a dict, aggregate count, quantity, revenue and price range per group, and return the
# groups sorted by key; measures splitting, integer parsing and hash-map updates.
# Twin of group-by.js, line for line.

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
REGIONS = ["north", "south", "east", "west", "central", "coast", "highlands", "islands"]
PRODUCTS = 40
HEADER = "region,product,quantity,unit_price_cents,day"
# verify() folds the aggregates into a checksum kept mod 2^31; acc * 31 + value stays below 2^37.
CHECK_MOD = 2147483648

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "2000:20240601": {"groups": 320, "digest": 2143028575},
    "120000:20240601": {"groups": 320, "digest": 580486939},
    "2000000:20240601": {"groups": 320, "digest": 96007555},
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def make_csv(rng, rows):
    lines = [HEADER]
    for i in range(rows):
        region = REGIONS[below(rng, len(REGIONS))]
        product = "sku-" + str(100 + below(rng, PRODUCTS))
        quantity = 1 + below(rng, 100)
        price = 99 + below(rng, 99901)
        day = 1 + below(rng, 365)
        lines.append(region + "," + product + "," + str(quantity) + "," + str(price) + "," + str(day))
    return "\n".join(lines) + "\n"


def setup(params):
    rng = {"state": params["seed"]}
    return {"csv": make_csv(rng, params["rows"])}


def run(state):
    lines = state["csv"].split("\n")
    groups = {}
    rows = 0
    for i in range(1, len(lines)):
        line = lines[i]
        if line == "":
            continue
        fields = line.split(",")
        key = fields[0] + "/" + fields[1]
        quantity = int(fields[2])
        price = int(fields[3])
        group = groups.get(key)
        if group is None:
            group = {"count": 0, "quantity": 0, "revenue": 0, "min_price": price, "max_price": price}
            groups[key] = group
        group["count"] += 1
        group["quantity"] += quantity
        group["revenue"] += quantity * price
        if price < group["min_price"]:
            group["min_price"] = price
        if price > group["max_price"]:
            group["max_price"] = price
        rows += 1
    keys = sorted(groups.keys())
    aggregates = []
    for i in range(len(keys)):
        group = groups[keys[i]]
        aggregates.append(
            [keys[i], group["count"], group["quantity"], group["revenue"], group["min_price"], group["max_price"]]
        )
    return {"rows": rows, "groups": aggregates}


# Folds every key's code points and every aggregate into one order-sensitive checksum.
def digest(groups):
    acc = 0
    for i in range(len(groups)):
        key = groups[i][0]
        for j in range(len(key)):
            acc = (acc * 31 + ord(key[j])) % CHECK_MOD
        for j in range(1, len(groups[i])):
            acc = (acc * 31 + (groups[i][j] % CHECK_MOD)) % CHECK_MOD
    return acc


def verify(result, params):
    expected = KNOWN.get(str(params["rows"]) + ":" + str(params["seed"]))
    count = 0
    for i in range(len(result["groups"])):
        count += result["groups"][i][1]
    if result["rows"] != params["rows"] or count != params["rows"]:
        return False
    if expected is None:
        # Unlisted params: the row counts are checked, the aggregates are not known.
        return True
    return len(result["groups"]) == expected["groups"] and digest(result["groups"]) == expected["digest"]
