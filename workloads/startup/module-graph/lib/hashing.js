// Library module: a polynomial string hash kept below 2^53.
import { MODULUS } from './config.js';
export function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % MODULUS;
  return h;
}
