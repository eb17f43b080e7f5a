# string-building: build one large string by appending small pieces with += (words, integers
# converted to text, separators), then a second one as an array of formatted lines joined at the
# end; measures string concatenation and int-to-string conversion. Twin of string-building.js,
# line for line.

# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# The checksums read every STRIDE-th code point, so they cost little next to the building.
STRIDE = 61
# Mostly ASCII, with Latin-1 and one BMP character beyond it (the euro sign).
WORDS = ["alpha", "beta", "gamma", "delta", "café", "naïve", "€uro", "zeta", "eta", "theta", "iota"]

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "2000": {"text": [19138, 1610864039], "table": [200, 4324, 723802060]},
    "200000": {"text": [2313994, 1313554233], "table": [20000, 512644, 218500932]},
    "4000000": {"text": [51867242, 1126706305], "table": [400000, 11282974, 614572633]},
}


def checksum(text):
    acc = 0
    for i in range(0, len(text), STRIDE):
        acc = (acc * 31 + ord(text[i])) % CHECK_MOD
    return acc


def setup(params):
    return {"pieces": params["pieces"]}


def run(state):
    # One string grown piece by piece.
    text = ""
    for i in range(state["pieces"]):
        text += WORDS[i % len(WORDS)]
        text += str(i * 7)
        if i % 10 == 9:
            text += "\n"
        else:
            text += " "
    # Formatted lines collected in an array, joined once.
    lines = []
    for i in range(0, state["pieces"], 10):
        word = WORDS[i % len(WORDS)].upper()
        lines.append(str(i).rjust(8, "0") + ";" + word + ";" + str(i * i))
    table = "\n".join(lines)
    return {
        "text": [len(text), checksum(text)],
        "table": [len(lines), len(table), checksum(table)],
    }


def verify(result, params):
    expected = KNOWN.get(str(params["pieces"]))
    if expected is None:
        # Unlisted params: only the line count is known in advance.
        return result["table"][0] == -(-params["pieces"] // 10)
    return result == expected
