# word-frequency: split a generated text into words, normalize them (strip trailing punctuation,
# lower-case), count them in a dict and return the 20 most frequent, ordered by count then word;
# measures string splitting and hash-map counting. Twin of word-frequency.js, line for line.

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
SYLLABLES = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su", "ta", "ve", "wo", "xa", "ze"]
PUNCTUATION = ",;:!?"
TOP = 20

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "3000:5000:20240601": {"distinct": 1581, "top": [["naro", 13], ["jeta", 12], ["dice", 11], ["pecegu", 11], ["folo", 10], ["habaceje", 10], ["jelo", 10], ["jemu", 10], ["xana", 10], ["kize", 9], ["kina", 8], ["loqui", 8], ["quizepefo", 8], ["roro", 8], ["suxalo", 8], ["woxa", 8], ["zedi", 8], ["cemuhaha", 7], ["dicedi", 7], ["dixa", 7]]},
    "300000:5000:20240601": {"distinct": 3568, "top": [["naro", 1016], ["jeta", 750], ["dice", 686], ["kize", 664], ["xace", 647], ["kina", 645], ["zedi", 645], ["quiba", 620], ["muki", 617], ["jelo", 589], ["peki", 589], ["quimu", 589], ["rofo", 578], ["jeba", 575], ["quiqui", 571], ["pepe", 558], ["woje", 557], ["habaceje", 554], ["taqui", 552], ["taze", 552]]},
    "5000000:20000:20240601": {"distinct": 11385, "top": [["naro", 8599], ["kina", 8291], ["dice", 8092], ["kize", 7943], ["muki", 7410], ["guqui", 7288], ["diwo", 7125], ["kisu", 7067], ["taro", 6832], ["hafo", 6815], ["jelo", 6814], ["baro", 6631], ["gulo", 6587], ["cexa", 6573], ["quimu", 6558], ["rowo", 6544], ["taqui", 6492], ["zefo", 6448], ["jeta", 6427], ["quiqui", 6425]]},
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def make_vocabulary(rng, size):
    words = []
    for i in range(size):
        word = ""
        count = 2 + below(rng, 3)
        for j in range(count):
            word += SYLLABLES[below(rng, len(SYLLABLES))]
        words.append(word)
    return words


# Lines of 4 to 15 words; word k of the vocabulary is drawn with probability falling off
# roughly like 1/k, as in natural text. Sentences start capitalized and end with '.'.
def make_text(rng, vocabulary, words):
    lines = []
    written = 0
    while written < words:
        tokens = []
        count = 4 + below(rng, 12)
        i = 0
        while i < count and written < words:
            word = vocabulary[below(rng, 1 + below(rng, len(vocabulary)))]
            if i == 0:
                word = word[0].upper() + word[1:]
            if below(rng, 8) == 0:
                word += PUNCTUATION[below(rng, len(PUNCTUATION))]
            tokens.append(word)
            written += 1
            i += 1
        lines.append(" ".join(tokens) + ".")
    return "\n".join(lines)


def normalize(word):
    end = len(word)
    while end > 0 and (word[end - 1] in PUNCTUATION or word[end - 1] == "."):
        end -= 1
    return word[:end].lower()


def setup(params):
    rng = {"state": params["seed"]}
    vocabulary = make_vocabulary(rng, params["vocabulary"])
    return {"text": make_text(rng, vocabulary, params["words"])}


def run(state):
    counts = {}
    total = 0
    lines = state["text"].split("\n")
    for i in range(len(lines)):
        words = lines[i].split(" ")
        for j in range(len(words)):
            word = normalize(words[j])
            if word == "":
                continue
            counts[word] = counts.get(word, 0) + 1
            total += 1
    entries = list(counts.items())
    entries.sort(key=lambda entry: (-entry[1], entry[0]))
    return {"words": total, "distinct": len(counts), "top": [list(entry) for entry in entries[:TOP]]}


def verify(result, params):
    expected = KNOWN.get(str(params["words"]) + ":" + str(params["vocabulary"]) + ":" + str(params["seed"]))
    if result["words"] != params["words"] or len(result["top"]) != min(TOP, result["distinct"]):
        return False
    if expected is None:
        # Unlisted params: the word count is checked, the frequencies are not known.
        return True
    return result["distinct"] == expected["distinct"] and result["top"] == expected["top"]
