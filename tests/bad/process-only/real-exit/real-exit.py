# libc's _exit, which no Python-level patch can stop.
import ctypes


def run(state):
    ctypes.CDLL(None)._exit(5)
