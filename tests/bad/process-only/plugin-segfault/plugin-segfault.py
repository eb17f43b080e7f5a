from duet import crashy


def run(state):
    crashy.crash()
    return 1
