// ecosystem/word-frequency: a Map is what Node.js users count words with (no npm package does it
// faster without a native addon), so this twin is data/word-frequency's own code; the Python twin
// swaps in pandas. Twin of word-frequency.py.
export { setup, run, verify } from "../../data/word-frequency/word-frequency.js";
