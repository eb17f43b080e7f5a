import os


def run(state):
    os._exit(7)
