# regex: run a handful of regular expressions over a generated ASCII text with the built-in regex
# engine (global matching, capture groups, a back-reference, a case-insensitive pattern) and one
# substitution; count the matches. Twin of regex.js, line for line.
# Every pattern spells its classes out ([0-9], [a-z]) and the text is ASCII, so each pattern means
# the same to JavaScript's RegExp and Python's re (whose \d, \w and \s would also match non-ASCII).

import re

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# The checksum of the substituted text reads every STRIDE-th character.
STRIDE = 61
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "bel", "dor", "fan", "gil", "ho", "jus", "pe", "ta", "ll", "ss", "tt", "ee"]
HOSTS = ["example", "mail", "post-office", "duet", "corp"]
TLDS = ["com", "org", "net", "io"]
HEX = "0123456789abcdefABCDEF"
PUNCTUATION = ["", "", "", "", ",", ".", ";", ":", "!", "?"]
# [name, source, flags]: flags "i" means case-insensitive in both languages.
PATTERNS = [
    ["email", "[a-z0-9._]+@[a-z0-9-]+\\.(?:com|org|net)\\b", ""],
    ["date", "\\b(19|20)([0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\\b", ""],
    ["hex-color", "#[0-9a-f]{6}\\b", ""],
    ["doubled-letter", "\\b[a-z]*([a-z])\\1[a-z]*\\b", ""],
    ["full-name", "\\b[A-Z][a-z]+ [A-Z][a-z]+\\b", ""],
    ["ka-or-lo-word", "\\b(?:ka|lo)[a-z]*\\b", "i"],
]
# Rewrites yyyy-mm-dd dates as dd.mm.yyyy ($n in JavaScript is \n in Python).
DATE_REPLACEMENT = "\\4.\\3.\\1\\2"

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "200:20240601": {"length": 14688, "matches": {"email": [73, 1519, 1014265076], "date": [88, 880, 127211218], "hex-color": [6, 42, 1047523198], "doubled-letter": [593, 2914, 1375404208], "full-name": [14, 147, 1654755626], "ka-or-lo-word": [165, 750, 1131080787]}, "rewritten": [14688, 1130932553]},
    "12000:20240601": {"length": 834545, "matches": {"email": [4181, 87601, 1510535604], "date": [4630, 46300, 631376506], "hex-color": [260, 1820, 1792544124], "doubled-letter": [31935, 159209, 1340210339], "full-name": [845, 8291, 1719482789], "ka-or-lo-word": [10126, 42976, 1602708217]}, "rewritten": [834545, 915172571]},
    "250000:20240601": {"length": 17420493, "matches": {"email": [89164, 1870184, 2043551505], "date": [95860, 958600, 97473933], "hex-color": [5688, 39816, 1162440091], "doubled-letter": [665889, 3321744, 120200261], "full-name": [18101, 180729, 2008352997], "ka-or-lo-word": [213773, 909044, 1092040560]}, "rewritten": [17420493, 390373796]},
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def two_digits(n):
    return "0" + str(n) if n < 10 else str(n)


def make_word(rng):
    word = ""
    count = 1 + below(rng, 3)
    for i in range(count):
        word += SYLLABLES[below(rng, len(SYLLABLES))]
    return word


def make_token(rng):
    kind = below(rng, 20)
    if kind == 0:
        local = make_word(rng) + "." + make_word(rng)
        return local + "@" + HOSTS[below(rng, len(HOSTS))] + "." + TLDS[below(rng, len(TLDS))]
    if kind == 1:
        return str(1940 + below(rng, 120)) + "-" + two_digits(below(rng, 14)) + "-" + two_digits(below(rng, 33))
    if kind == 2:
        color = "#"
        length = 5 + below(rng, 3)
        for i in range(length):
            color += HEX[below(rng, len(HEX))]
        return color
    if kind == 3:
        return str(below(rng, 100000))
    word = make_word(rng)
    if kind < 7:
        return word[0].upper() + word[1:]
    return word


def make_text(rng, lines):
    out = []
    for line in range(lines):
        tokens = []
        count = 4 + below(rng, 12)
        for i in range(count):
            tokens.append(make_token(rng) + PUNCTUATION[below(rng, len(PUNCTUATION))])
        out.append(" ".join(tokens))
    return "\n".join(out)


def scan(pattern, text):
    count = 0
    length = 0
    positions = 0
    for match in pattern.finditer(text):
        count += 1
        length += len(match[0])
        positions = (positions * 31 + match.start()) % CHECK_MOD
    return [count, length, positions]


def checksum(text):
    acc = 0
    for i in range(0, len(text), STRIDE):
        acc = (acc * 31 + ord(text[i])) % CHECK_MOD
    return acc


def setup(params):
    rng = {"state": params["seed"]}
    patterns = []
    for i in range(len(PATTERNS)):
        flags = re.IGNORECASE if PATTERNS[i][2] == "i" else 0
        patterns.append([PATTERNS[i][0], re.compile(PATTERNS[i][1], flags)])
    text = make_text(rng, params["lines"])
    return {"text": text, "patterns": patterns, "date": patterns[1][1]}


def run(state):
    matches = {}
    for i in range(len(state["patterns"])):
        matches[state["patterns"][i][0]] = scan(state["patterns"][i][1], state["text"])
    rewritten = state["date"].sub(DATE_REPLACEMENT, state["text"])
    return {
        "length": len(state["text"]),
        "matches": matches,
        "rewritten": [len(rewritten), checksum(rewritten)],
    }


def verify(result, params):
    expected = KNOWN.get(str(params["lines"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: check the shape only.
        return len(result["matches"]) == len(PATTERNS) and len(result["rewritten"]) == 2
    return result == expected
