# Library module: the "request handler": answers with a digest of the records.
from lib.hashing import hash_text
from lib.records import make_records


def handle(count):
    digest = 0
    for record in make_records(count):
        digest = (digest + hash_text(record["key"]) + record["value"]) % 1000000007
    return digest
