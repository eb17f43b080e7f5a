// Library module: string helpers.
import { SEPARATOR } from './config.js';
export function key(kind, id) { return kind + SEPARATOR + id; }
