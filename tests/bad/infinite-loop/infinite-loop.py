# Never returns. One line, so the interrupt lands on it whichever opcode takes it.
def run(state):
    n = 0
    while True: n += 1  # noqa: E701
