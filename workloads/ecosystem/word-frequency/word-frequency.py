# ecosystem/word-frequency: data/word-frequency's text counted with pandas (a Series of words,
# str.rstrip / str.lower, value_counts, sort_values); data/word-frequency's generator, result and
# known values. Twin of word-frequency.js (a Map).
import os
import runpy
from types import SimpleNamespace

import pandas

# The plain tier's twin (same generator, same known results): verify is its verify.
plain = SimpleNamespace(**runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/word-frequency/word-frequency.py")))
setup = plain.setup
verify = plain.verify


def run(state):
    # The text holds only words, spaces and newlines, so split() cuts exactly where the plain
    # twin's split("\n") and split(" ") do.
    words = pandas.Series(state["text"].split())
    # plain.normalize: strip trailing punctuation and full stops, then lower-case.
    normalized = words.str.rstrip(plain.PUNCTUATION + ".").str.lower()
    normalized = normalized[normalized != ""]
    counts = normalized.value_counts()
    frame = counts.rename_axis("word").reset_index(name="count")
    top = frame.sort_values(["count", "word"], ascending=[False, True]).head(plain.TOP)
    entries = [[word, count] for word, count in zip(top["word"].tolist(), top["count"].tolist())]
    return {"words": len(normalized), "distinct": len(counts), "top": entries}
