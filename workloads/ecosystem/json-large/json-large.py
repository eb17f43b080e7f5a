# ecosystem/json-large: text/json-large's document parsed and serialized back with ujson, the
# fastest JSON library Debian packages; text/json-large's generator, checksum, result and known
# values. Twin of json-large.js (JSON.parse / JSON.stringify).
import os
import runpy
from types import SimpleNamespace

import ujson

# The plain tier's twin (same generator, same known results): verify is its verify.
plain = SimpleNamespace(**runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../text/json-large/json-large.py")))
setup = plain.setup
verify = plain.verify


def run(state):
    parsed = ujson.loads(state["text"])
    # Byte-identical to JSON.stringify: no escaping of non-ASCII text or of '/'.
    text = ujson.dumps(parsed, ensure_ascii=False, escape_forward_slashes=False)
    return {
        "items": len(parsed["items"]),
        "length": len(text),
        "same": text == state["text"],
        "checksum": plain.checksum(text),
    }
