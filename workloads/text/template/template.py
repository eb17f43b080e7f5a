# template: render a small HTML template with {{name}} placeholders (optional |upper filter,
# HTML-escaped values) once per record, with a hand-written renderer that scans the template
# with find and slices; measures substring search, slicing, small-string building and
# lookup by name. Twin of template.js, line for line.

# Park-Miller "minimal standard" LCG (state * 48271 mod 2^31-1), computed with Schrage's method
# so every intermediate fits in 32 bits: V8 keeps the numbers small integers (Smis) instead of
# boxed doubles, as CPython keeps small ints; same sequence as json-roundtrip's.
MODULUS = 2147483647
MULTIPLIER = 48271
QUOTIENT = 44488  # MODULUS / MULTIPLIER, rounded down
REMAINDER = 3399  # MODULUS % MULTIPLIER
# Checksums are kept mod 2^31; acc * 31 + value stays below 2^37, exact in both languages.
CHECK_MOD = 2147483648
# The checksum reads every STRIDE-th code point, so it costs little next to the rendering.
STRIDE = 61
TEMPLATE = (
    '<li class="user {{kind}}" id="user-{{id}}">\n'
    + "  <a href=\"/users/{{ id }}\">{{name}}</a> &lt;{{email}}&gt;\n"
    + "  <span>{{city|upper}}, joined {{joined}}</span>\n"
    + "  <span>{{ score }} points, {{ visits }} visits{{nickname}}</span>\n"
    + "  <p>{{ motto }}</p>\n"
    + "</li>\n"
)
FIRST = ["Ada", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Gus", "Hana", "Ivo", "Jun"]
LAST = ["Smith", "O'Brien", "Müller", "Nakamura", "Ng", "Okafor", "Petrov", "Rossi"]
CITIES = ["lisbon", "osaka", "lagos", "quito", "oslo", "perth", "tartu", "cusco"]
KINDS = ["admin", "member", "guest"]
MOTTO_WORDS = ["fast", "<b>bold</b>", "R&D", "\"quoted\"", "tea", "code", "loops", "a<b", "naïve"]

# Results for the shipped sizes, agreed by V8 and CPython; verify() checks these.
KNOWN = {
    "200:20240601": {"records": 200, "length": 48126, "checksum": 858135936},
    "10000:20240601": {"records": 10000, "length": 2443720, "checksum": 1284939246},
    "250000:20240601": {"records": 250000, "length": 62246177, "checksum": 1242490910},
}


def next_int(rng):
    high = rng["state"] // QUOTIENT
    low = rng["state"] % QUOTIENT
    next_ = MULTIPLIER * low - REMAINDER * high
    rng["state"] = next_ if next_ > 0 else next_ + MODULUS
    return rng["state"]


def below(rng, n):
    return next_int(rng) % n


def escape_html(text):
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


# Replaces each {{ key }} or {{ key|upper }} with the record's value, HTML-escaped; a missing key
# renders as nothing.
def render(template, record):
    parts = []
    position = 0
    while True:
        open_ = template.find("{{", position)
        if open_ == -1:
            break
        close = template.find("}}", open_ + 2)
        parts.append(template[position:open_])
        key = template[open_ + 2 : close].strip()
        filter_ = ""
        bar = key.find("|")
        if bar != -1:
            filter_ = key[bar + 1 :].strip()
            key = key[:bar].strip()
        value = record.get(key)
        text = "" if value is None else str(value)
        if filter_ == "upper":
            text = text.upper()
        parts.append(escape_html(text))
        position = close + 2
    parts.append(template[position:])
    return "".join(parts)


def make_record(rng, id):
    record = {}
    record["id"] = id
    record["kind"] = KINDS[below(rng, len(KINDS))]
    record["name"] = FIRST[below(rng, len(FIRST))] + " " + LAST[below(rng, len(LAST))]
    record["email"] = "user" + str(id) + "@example.org"
    record["city"] = CITIES[below(rng, len(CITIES))]
    record["joined"] = "20" + str(10 + below(rng, 15)) + "-0" + str(1 + below(rng, 9))
    record["score"] = below(rng, 100000)
    record["visits"] = below(rng, 1000)
    if below(rng, 4) == 0:
        record["nickname"] = " aka " + FIRST[below(rng, len(FIRST))]
    words = []
    count = 2 + below(rng, 6)
    for i in range(count):
        words.append(MOTTO_WORDS[below(rng, len(MOTTO_WORDS))])
    record["motto"] = " ".join(words)
    return record


def checksum(text):
    acc = 0
    for i in range(0, len(text), STRIDE):
        acc = (acc * 31 + ord(text[i])) % CHECK_MOD
    return acc


def setup(params):
    rng = {"state": params["seed"]}
    records = []
    for id in range(params["records"]):
        records.append(make_record(rng, id))
    return {"records": records}


def run(state):
    pages = []
    for i in range(len(state["records"])):
        pages.append(render(TEMPLATE, state["records"][i]))
    page = "".join(pages)
    return {"records": len(pages), "length": len(page), "checksum": checksum(page)}


def verify(result, params):
    expected = KNOWN.get(str(params["records"]) + ":" + str(params["seed"]))
    if expected is None:
        # Unlisted params: only the record count is known in advance.
        return result["records"] == params["records"]
    return (
        result["records"] == expected["records"]
        and result["length"] == expected["length"]
        and result["checksum"] == expected["checksum"]
    )
