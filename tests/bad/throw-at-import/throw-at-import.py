# Raises while being imported, on line 2.
raise ValueError("broken at import")


def run(state):
    return 1
