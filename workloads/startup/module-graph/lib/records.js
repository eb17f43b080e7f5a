// Library module: builds the records a handler would answer from.
import { key } from './text.js';
export function makeRecords(count) {
  const records = [];
  for (let i = 0; i < count; i++) records.push({ key: key('item', i), value: i * 7 });
  return records;
}
