# Library module: configuration constants.
SEPARATOR = ":"
MODULUS = 1000003
