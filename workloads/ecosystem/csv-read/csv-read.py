# ecosystem/csv-read: data/group-by's generated CSV text read into a pandas DataFrame with
# pandas.read_csv (its C parser, types inferred), then summed per column so every value parsed
# counts. Twin of csv-read.js (arquero's fromCSV).
import io
import os
import runpy
from types import SimpleNamespace

import pandas

# The plain tier's generator: data/group-by's CSV (region, product, quantity, unit price, day).
plain = SimpleNamespace(**runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/group-by/group-by.py")))

# Results for the shipped sizes, agreed by pandas and arquero; verify() checks these.
KNOWN = {
    "2000:20240601": [102936, 103838117, 361092, 8],
    "120000:20240601": [6060504, 6021286242, 21973785, 8],
    "2000000:20240601": [100984556, 100086923310, 366173861, 8],
}


def setup(params):
    return {"csv": plain.setup(params)["csv"]}


def run(state):
    frame = pandas.read_csv(io.StringIO(state["csv"]))
    return {
        "rows": len(frame),
        "columns": frame.columns.tolist(),
        "quantity": int(frame["quantity"].sum()),
        "price": int(frame["unit_price_cents"].sum()),
        "day": int(frame["day"].sum()),
        "regions": sorted(frame["region"].unique().tolist()),
    }


def verify(result, params):
    expected = KNOWN.get(str(params["rows"]) + ":" + str(params["seed"]))
    if result["rows"] != params["rows"] or len(result["columns"]) != 5:
        return False
    if expected is None:
        # Unlisted params: the row and column counts are checked, the sums are not known.
        return True
    return [result["quantity"], result["price"], result["day"], len(result["regions"])] == expected
