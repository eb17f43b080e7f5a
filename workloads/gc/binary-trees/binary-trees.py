# binary-trees: the Computer Language Benchmarks Game binary-trees, single-threaded: allocate and
# walk many perfect binary trees of small two-field nodes, plus one long-lived tree that survives
# the whole run; measures allocation and garbage-collection throughput. Twin of binary-trees.js,
# line for line.

MIN_DEPTH = 4


class TreeNode:
    def __init__(self, left, right):
        self.left = left
        self.right = right

    def check(self):
        if self.left is None:
            return 1
        return 1 + self.left.check() + self.right.check()


def bottom_up_tree(depth):
    if depth > 0:
        return TreeNode(bottom_up_tree(depth - 1), bottom_up_tree(depth - 1))
    return TreeNode(None, None)


# A perfect tree of depth d has 2^(d+1) - 1 nodes, so every check is known in closed form.
def nodes_at(depth):
    return 2 ** (depth + 1) - 1


def setup(params):
    return {"max_depth": max(MIN_DEPTH + 2, params["depth"])}


def run(state):
    max_depth = state["max_depth"]
    stretch_depth = max_depth + 1
    stretch = bottom_up_tree(stretch_depth).check()
    long_lived_tree = bottom_up_tree(max_depth)
    rows = []
    for depth in range(MIN_DEPTH, max_depth + 1, 2):
        iterations = 1 << (max_depth - depth + MIN_DEPTH)
        check = 0
        for i in range(iterations):
            check += bottom_up_tree(depth).check()
        rows.append([depth, iterations, check])
    return {"maxDepth": max_depth, "stretch": stretch, "rows": rows, "longLived": long_lived_tree.check()}


# Checks every number against the closed form, so it is exact for any depth.
def verify(result, params):
    max_depth = max(MIN_DEPTH + 2, params["depth"])
    if result["maxDepth"] != max_depth or result["stretch"] != nodes_at(max_depth + 1):
        return False
    if result["longLived"] != nodes_at(max_depth):
        return False
    row = 0
    for depth in range(MIN_DEPTH, max_depth + 1, 2):
        iterations = 1 << (max_depth - depth + MIN_DEPTH)
        expected = [depth, iterations, iterations * nodes_at(depth)]
        if row >= len(result["rows"]) or len(result["rows"][row]) != 3:
            return False
        if result["rows"][row] != expected:
            return False
        row += 1
    return len(result["rows"]) == row
