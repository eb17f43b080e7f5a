import os


def run(state):
    os.close(1)
    return 1
