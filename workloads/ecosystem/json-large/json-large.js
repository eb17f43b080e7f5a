// ecosystem/json-large: JSON.parse and JSON.stringify are the fastest JSON tools Node.js has
// without a native addon, so this twin is text/json-large's own code; the Python twin swaps in
// ujson. Twin of json-large.py.
export { setup, run, verify } from "../../text/json-large/json-large.js";
