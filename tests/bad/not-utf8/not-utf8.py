# Latin-1 bytes in a string.
def run(state):
    return "café"
