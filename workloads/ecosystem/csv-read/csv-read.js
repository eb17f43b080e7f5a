// ecosystem/csv-read: data/group-by's generated CSV text read into an arquero table with
// fromCSV (types inferred), then summed per column so every value parsed counts. Twin of
// csv-read.py (pandas.read_csv).
import * as aq from "arquero";
import * as plain from "../../data/group-by/group-by.js";

// Results for the shipped sizes, agreed by pandas and arquero; verify() checks these.
const KNOWN = {
  "2000:20240601": [102936, 103838117, 361092, 8],
  "120000:20240601": [6060504, 6021286242, 21973785, 8],
  "2000000:20240601": [100984556, 100086923310, 366173861, 8],
};

export function setup(params) {
  return { csv: plain.setup(params).csv };
}

export function run(state) {
  const table = aq.fromCSV(state.csv);
  const sums = table
    .rollup({
      quantity: aq.op.sum("quantity"),
      price: aq.op.sum("unit_price_cents"),
      day: aq.op.sum("day"),
      regions: aq.op.array_agg_distinct("region"),
    })
    .object();
  return {
    rows: table.numRows(),
    columns: table.columnNames(),
    quantity: sums.quantity,
    price: sums.price,
    day: sums.day,
    regions: sums.regions.sort(),
  };
}

export function verify(result, params) {
  const expected = KNOWN[params.rows + ":" + params.seed];
  if (result.rows !== params.rows || result.columns.length !== 5) {
    return false;
  }
  if (expected === undefined) {
    // Unlisted params: the row and column counts are checked, the sums are not known.
    return true;
  }
  const got = [result.quantity, result.price, result.day, result.regions.length];
  return got.every((value, i) => value === expected[i]);
}
