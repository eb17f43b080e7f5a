def down(n):
    return down(n + 1) + 1


def run(state):
    return down(0)
