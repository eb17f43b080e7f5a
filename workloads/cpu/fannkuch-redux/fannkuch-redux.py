# fannkuch-redux: the Computer Language Benchmarks Game fannkuch-redux, single-threaded: every
# permutation of 0..n-1 in the game's order, each flipped (prefix reversals) until 0 comes first;
# measures small-integer array reads, writes and loops. Twin of fannkuch-redux.js, line for line.

# [checksum, maximum flips] for n: 7 is the Benchmarks Game reference output ("228",
# "Pfannkuchen(7) = 16"); the others were computed by this program and agree in V8 and CPython.
KNOWN = {7: [228, 16], 8: [1616, 22], 9: [8629, 30], 10: [73196, 38]}


def fannkuch(n):
    perm = [0] * n
    perm1 = [0] * n
    count = [0] * n
    for i in range(n):
        perm1[i] = i
    max_flips = 0
    checksum = 0
    perm_count = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        for i in range(n):
            perm[i] = perm1[i]
        flips = 0
        k = perm[0]
        while k != 0:
            i = 0
            j = k
            while i < j:
                t = perm[i]
                perm[i] = perm[j]
                perm[j] = t
                i += 1
                j -= 1
            flips += 1
            k = perm[0]
        if flips > max_flips:
            max_flips = flips
        checksum += flips if perm_count % 2 == 0 else -flips
        # Next permutation: rotate the first r+1 elements left until a counter is not exhausted.
        while True:
            if r == n:
                return [checksum, max_flips]
            perm0 = perm1[0]
            for i in range(r):
                perm1[i] = perm1[i + 1]
            perm1[r] = perm0
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        perm_count += 1


def setup(params):
    return {"n": params["n"]}


def run(state):
    checksum, max_flips = fannkuch(state["n"])
    return {"n": state["n"], "checksum": checksum, "max_flips": max_flips}


def verify(result, params):
    expected = KNOWN.get(params["n"])
    if expected is None:
        return False
    return result["n"] == params["n"] and result["checksum"] == expected[0] and result["max_flips"] == expected[1]
