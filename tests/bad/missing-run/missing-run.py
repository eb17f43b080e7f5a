# Defines everything but run.
def setup(params):
    return None
