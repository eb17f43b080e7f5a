# fib: naive recursive fibonacci; measures function-call overhead and small-integer arithmetic.
# Twin of fib.js, line for line.

# fib(n) for the n values a workload.json is likely to use; verify() checks against these.
KNOWN = {20: 6765, 25: 75025, 27: 196418, 30: 832040, 32: 2178309}


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def setup(params):
    return {"n": params["n"]}


def run(state):
    return {"n": state["n"], "value": fib(state["n"])}


def verify(result, params):
    expected = KNOWN.get(params["n"])
    return result["n"] == params["n"] and result["value"] == expected
