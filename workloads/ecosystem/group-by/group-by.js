// ecosystem/group-by: data/group-by's rows grouped by an arquero table (derive, groupby, rollup,
// orderby), the maintained npm data-frame library; data/group-by's generator, result and known
// values. Twin of group-by.py (pandas).
import * as aq from "arquero";
import * as plain from "../../data/group-by/group-by.js";

export function setup(params) {
  // Untimed: the CSV text becomes columns (reading CSV is ecosystem/csv-read's job).
  const columns = { region: [], product: [], quantity: [], price: [] };
  const lines = plain.setup(params).csv.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === "") {
      continue;
    }
    const fields = lines[i].split(",");
    columns.region.push(fields[0]);
    columns.product.push(fields[1]);
    columns.quantity.push(parseInt(fields[2], 10));
    columns.price.push(parseInt(fields[3], 10));
  }
  return { table: aq.table(columns) };
}

export function run(state) {
  const grouped = state.table
    .derive({ revenue: (d) => d.quantity * d.price })
    .groupby("region", "product")
    .rollup({
      count: aq.op.count(),
      quantity: aq.op.sum("quantity"),
      revenue: aq.op.sum("revenue"),
      min_price: aq.op.min("price"),
      max_price: aq.op.max("price"),
    })
    .orderby("region", "product");
  const columns = ["region", "product", "count", "quantity", "revenue", "min_price", "max_price"].map((c) => grouped.array(c));
  const groups = [];
  for (let i = 0; i < grouped.numRows(); i++) {
    groups.push([columns[0][i] + "/" + columns[1][i], columns[2][i], columns[3][i], columns[4][i], columns[5][i], columns[6][i]]);
  }
  return { rows: state.table.numRows(), groups: groups };
}

export const verify = plain.verify;
