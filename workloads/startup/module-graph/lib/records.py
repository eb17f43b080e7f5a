# Library module: builds the records a handler would answer from.
from lib.text import key


def make_records(count):
    records = []
    for i in range(count):
        records.append({"key": key("item", i), "value": i * 7})
    return records
