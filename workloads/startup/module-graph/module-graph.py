# Start-up latency: importing a small module graph and producing the first result, cold.
from lib.handler import handle


def setup(params):
    return params["records"]


def run(records):
    return {"records": records, "digest": handle(records)}


def verify(result, params):
    return result["records"] == params["records"] and isinstance(result["digest"], int)
