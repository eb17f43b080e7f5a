// Library module: configuration constants.
export const SEPARATOR = ':';
export const MODULUS = 1000003;
