# Library module: string helpers.
from lib.config import SEPARATOR


def key(kind, id):
    return kind + SEPARATOR + str(id)
