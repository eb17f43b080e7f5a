# Keeps everything it allocates.
def run(state):
    kept = []
    while True:
        kept.append([len(kept)] * 1000000)
