# A syntax error on line 3.
def run(state):
    return 1 +* 2
