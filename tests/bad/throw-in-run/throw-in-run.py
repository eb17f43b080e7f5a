# Raises in run, on line 3.
def run(state):
    raise KeyError("broken in run")
