# ecosystem/group-by: data/group-by's rows grouped by a pandas DataFrame (assign, groupby, agg);
# data/group-by's generator, result and known values. Twin of group-by.js (arquero).
import os
import runpy
from types import SimpleNamespace

import numpy
import pandas

# The plain tier's twin (same generator, same known results): verify is its verify.
plain = SimpleNamespace(**runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/group-by/group-by.py")))
verify = plain.verify


def setup(params):
    # Untimed: the CSV text becomes columns (reading CSV is ecosystem/csv-read's job).
    rows = [line.split(",") for line in plain.setup(params)["csv"].split("\n")[1:] if line != ""]
    frame = pandas.DataFrame({
        "region": [row[0] for row in rows],
        "product": [row[1] for row in rows],
        "quantity": numpy.array([int(row[2]) for row in rows], dtype=numpy.int64),
        "price": numpy.array([int(row[3]) for row in rows], dtype=numpy.int64),
    })
    return {"frame": frame}


def run(state):
    frame = state["frame"]
    grouped = frame.assign(revenue=frame["quantity"] * frame["price"]).groupby(["region", "product"], sort=True).agg(
        count=("quantity", "size"),
        quantity=("quantity", "sum"),
        revenue=("revenue", "sum"),
        min_price=("price", "min"),
        max_price=("price", "max"),
    )
    columns = [grouped[c].tolist() for c in ["count", "quantity", "revenue", "min_price", "max_price"]]  # Python ints
    groups = []
    for i, (region, product) in enumerate(grouped.index.tolist()):
        groups.append([region + "/" + product] + [column[i] for column in columns])
    return {"rows": len(frame), "groups": groups}
