def setup(params):
    raise ValueError("broken in setup")


def run(state):
    return 1
