# Library module: a polynomial string hash kept below 2^53.
from lib.config import MODULUS


def hash_text(text):
    h = 0
    for ch in text:
        h = (h * 31 + ord(ch)) % MODULUS
    return h
