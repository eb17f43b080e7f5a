# deltablue: the DeltaBlue incremental constraint solver (Maloney, Freeman-Benson, Borning) as in
# the are-we-fast-yet suite: a chain of n equality constraints driven from one end, then n scale
# constraints (dst = src * scale + offset) whose scale and offset change. Measures polymorphic
# method calls through a class hierarchy, closures, short arrays of objects and a stable sort.
# Twin of deltablue.js, line for line (classes in both, the same fields and the same control flow;
# work lists are arrays read front to back with an index, as the original's OrderedCollection).

# [chain planner mark, projection planner mark, sum of the projection's destinations] for n,
# computed by this program and equal in V8 and CPython; both tests also check their own values.
KNOWN = {
    100: [105, 211, 224775],
    1000: [1005, 2011, 4497525],
    10000: [10005, 20011, 269975025],
}

NONE = 0
FORWARD = 1
BACKWARD = 2

ABSOLUTE_STRONGEST = 0
REQUIRED = 1
STRONG_PREFERRED = 2
PREFERRED = 3
STRONG_DEFAULT = 4
DEFAULT = 5
WEAK_DEFAULT = 6
ABSOLUTE_WEAKEST = 7
STRENGTH_VALUES = [-10000, -800, -600, -400, -200, 0, 500, 10000]


class Strength:
    def __init__(self, symbolic_value):
        self.symbolic_value = symbolic_value
        self.arithmetic_value = STRENGTH_VALUES[symbolic_value]

    def same_as(self, s):
        return self.arithmetic_value == s.arithmetic_value

    def stronger(self, s):
        return self.arithmetic_value < s.arithmetic_value

    def weaker(self, s):
        return self.arithmetic_value > s.arithmetic_value

    def strongest(self, s):
        return s if s.stronger(self) else self

    def weakest(self, s):
        return s if s.weaker(self) else self

    @staticmethod
    def of(symbolic_value):
        return STRENGTHS[symbolic_value]


STRENGTHS = []
for i in range(ABSOLUTE_STRONGEST, ABSOLUTE_WEAKEST + 1):
    STRENGTHS.append(Strength(i))
ABSOLUTE_WEAKEST_STRENGTH = Strength.of(ABSOLUTE_WEAKEST)
REQUIRED_STRENGTH = Strength.of(REQUIRED)


class Variable:
    def __init__(self, value):
        self.value = value
        self.constraints = []
        self.determined_by = None
        self.walk_strength = ABSOLUTE_WEAKEST_STRENGTH
        self.stay = True
        self.mark = 0

    def add_constraint(self, c):
        self.constraints.append(c)

    def remove_constraint(self, c):
        if c in self.constraints:
            self.constraints.remove(c)
        if self.determined_by is c:
            self.determined_by = None


class AbstractConstraint:
    def __init__(self, strength):
        self.strength = Strength.of(strength)

    def is_input(self):
        return False

    def add_constraint(self, planner):
        self.add_to_graph()
        planner.incremental_add(self)

    def destroy_constraint(self, planner):
        if self.is_satisfied():
            planner.incremental_remove(self)
        self.remove_from_graph()

    def inputs_known(self, mark):
        return not self.inputs_has_one(lambda v: not (v.mark == mark or v.stay or v.determined_by is None))

    def satisfy(self, mark, planner):
        self.choose_method(mark)
        if self.is_satisfied():
            # Mark the inputs so that add_propagate can detect cycles.
            def mark_input(v):
                v.mark = mark

            self.inputs_do(mark_input)
            out = self.get_output()
            overridden = out.determined_by
            if overridden is not None:
                overridden.mark_unsatisfied()
            out.determined_by = self
            if not planner.add_propagate(self, mark):
                raise Exception("Cycle encountered")
            out.mark = mark
            return overridden
        if self.strength.same_as(REQUIRED_STRENGTH):
            raise Exception("Could not satisfy a required constraint")
        return None


class UnaryConstraint(AbstractConstraint):
    def __init__(self, v, strength, planner):
        super().__init__(strength)
        self.output = v
        self.satisfied = False
        self.add_constraint(planner)

    def is_satisfied(self):
        return self.satisfied

    def add_to_graph(self):
        self.output.add_constraint(self)
        self.satisfied = False

    def remove_from_graph(self):
        if self.output is not None:
            self.output.remove_constraint(self)
        self.satisfied = False

    def choose_method(self, mark):
        self.satisfied = self.output.mark != mark and self.strength.stronger(self.output.walk_strength)

    def inputs_do(self, fn):
        pass  # no input variables

    def inputs_has_one(self, fn):
        return False

    def mark_unsatisfied(self):
        self.satisfied = False

    def get_output(self):
        return self.output

    def recalculate(self):
        self.output.walk_strength = self.strength
        self.output.stay = not self.is_input()
        if self.output.stay:
            self.execute()


class EditConstraint(UnaryConstraint):
    def is_input(self):
        return True

    def execute(self):
        pass  # edit constraints do no computation


class StayConstraint(UnaryConstraint):
    def execute(self):
        pass  # stay constraints do no computation


class BinaryConstraint(AbstractConstraint):
    def __init__(self, var1, var2, strength):
        super().__init__(strength)
        self.v1 = var1
        self.v2 = var2
        self.direction = NONE

    def is_satisfied(self):
        return self.direction != NONE

    def add_to_graph(self):
        self.v1.add_constraint(self)
        self.v2.add_constraint(self)
        self.direction = NONE

    def remove_from_graph(self):
        if self.v1 is not None:
            self.v1.remove_constraint(self)
        if self.v2 is not None:
            self.v2.remove_constraint(self)
        self.direction = NONE

    def choose_method(self, mark):
        if self.v1.mark == mark:
            if self.v2.mark != mark and self.strength.stronger(self.v2.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = NONE
            return
        if self.v2.mark == mark:
            if self.v1.mark != mark and self.strength.stronger(self.v1.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = NONE
            return
        # Neither variable is marked, so there is a choice.
        if self.v1.walk_strength.weaker(self.v2.walk_strength):
            if self.strength.stronger(self.v1.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = NONE
        else:
            if self.strength.stronger(self.v2.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = NONE

    def inputs_do(self, fn):
        if self.direction == FORWARD:
            fn(self.v1)
        else:
            fn(self.v2)

    def inputs_has_one(self, fn):
        if self.direction == FORWARD:
            return fn(self.v1)
        return fn(self.v2)

    def mark_unsatisfied(self):
        self.direction = NONE

    def get_output(self):
        return self.v2 if self.direction == FORWARD else self.v1

    def recalculate(self):
        if self.direction == FORWARD:
            ihn = self.v1
            out = self.v2
        else:
            ihn = self.v2
            out = self.v1
        out.walk_strength = self.strength.weakest(ihn.walk_strength)
        out.stay = ihn.stay
        if out.stay:
            self.execute()


class EqualityConstraint(BinaryConstraint):
    def __init__(self, var1, var2, strength, planner):
        super().__init__(var1, var2, strength)
        self.add_constraint(planner)

    def execute(self):
        if self.direction == FORWARD:
            self.v2.value = self.v1.value
        else:
            self.v1.value = self.v2.value


class ScaleConstraint(BinaryConstraint):
    def __init__(self, src, scale, offset, dest, strength, planner):
        super().__init__(src, dest, strength)
        self.scale = scale
        self.offset = offset
        self.add_constraint(planner)

    def add_to_graph(self):
        self.v1.add_constraint(self)
        self.v2.add_constraint(self)
        self.scale.add_constraint(self)
        self.offset.add_constraint(self)
        self.direction = NONE

    def remove_from_graph(self):
        if self.v1 is not None:
            self.v1.remove_constraint(self)
        if self.v2 is not None:
            self.v2.remove_constraint(self)
        if self.scale is not None:
            self.scale.remove_constraint(self)
        if self.offset is not None:
            self.offset.remove_constraint(self)
        self.direction = NONE

    def execute(self):
        if self.direction == FORWARD:
            self.v2.value = self.v1.value * self.scale.value + self.offset.value
        else:
            # Always an exact integer division in this benchmark (deltablue.js uses /).
            self.v1.value = (self.v2.value - self.offset.value) // self.scale.value

    def inputs_do(self, fn):
        if self.direction == FORWARD:
            fn(self.v1)
            fn(self.scale)
            fn(self.offset)
        else:
            fn(self.v2)
            fn(self.scale)
            fn(self.offset)

    def recalculate(self):
        if self.direction == FORWARD:
            ihn = self.v1
            out = self.v2
        else:
            ihn = self.v2
            out = self.v1
        out.walk_strength = self.strength.weakest(ihn.walk_strength)
        out.stay = ihn.stay and self.scale.stay and self.offset.stay
        if out.stay:
            self.execute()


class Plan:
    def __init__(self):
        self.constraints = []

    def append(self, c):
        self.constraints.append(c)

    def execute(self):
        for c in self.constraints:
            c.execute()


class Planner:
    def __init__(self):
        self.current_mark = 1

    def new_mark(self):
        self.current_mark += 1
        return self.current_mark

    # Satisfies c and, when that overrides a weaker constraint, tries to resatisfy that one.
    def incremental_add(self, c):
        mark = self.new_mark()
        overridden = c.satisfy(mark, self)
        while overridden is not None:
            overridden = overridden.satisfy(mark, self)

    # Retracts c and resatisfies the downstream constraints it kept unsatisfied, strongest first.
    def incremental_remove(self, c):
        out = c.get_output()
        c.mark_unsatisfied()
        c.remove_from_graph()
        unsatisfied = self.remove_propagate_from(out)
        for u in unsatisfied:
            self.incremental_add(u)

    def extract_plan_from_constraints(self, constraints):
        sources = []
        for c in constraints:
            if c.is_input() and c.is_satisfied():
                sources.append(c)
        return self.make_plan(sources)

    def make_plan(self, sources):
        mark = self.new_mark()
        plan = Plan()
        todo = sources
        next_index = 0
        while next_index < len(todo):
            c = todo[next_index]
            next_index += 1
            if c.get_output().mark != mark and c.inputs_known(mark):
                plan.append(c)
                c.get_output().mark = mark
                self.add_constraints_consuming_to(c.get_output(), todo)
        return plan

    def add_constraints_consuming_to(self, v, todo):
        determining = v.determined_by
        for c in v.constraints:
            if c is not determining and c.is_satisfied():
                todo.append(c)

    # Recomputes walkabout strengths and stay flags downstream of c; False when that finds a cycle.
    def add_propagate(self, c, mark):
        todo = [c]
        next_index = 0
        while next_index < len(todo):
            d = todo[next_index]
            next_index += 1
            if d.get_output().mark == mark:
                self.incremental_remove(c)
                return False
            d.recalculate()
            self.add_constraints_consuming_to(d.get_output(), todo)
        return True

    def remove_propagate_from(self, out):
        unsatisfied = []
        out.determined_by = None
        out.walk_strength = ABSOLUTE_WEAKEST_STRENGTH
        out.stay = True
        todo = [out]
        next_index = 0
        while next_index < len(todo):
            v = todo[next_index]
            next_index += 1
            for c in v.constraints:
                if not c.is_satisfied():
                    unsatisfied.append(c)
            determining = v.determined_by
            for c in v.constraints:
                if c is not determining and c.is_satisfied():
                    c.recalculate()
                    todo.append(c.get_output())
        unsatisfied.sort(key=lambda c: c.strength.arithmetic_value)
        return unsatisfied

    def change(self, v, new_value):
        edit_c = EditConstraint(v, PREFERRED, self)
        plan = self.extract_plan_from_constraints([edit_c])
        for i in range(10):
            v.value = new_value
            plan.execute()
        edit_c.destroy_constraint(self)


# A chain of n equality constraints with a stay at one end and an edit at the other; the value
# set at the edited end must come out at the stay end. Returns the planner's final mark.
def chain_test(n):
    planner = Planner()
    variables = []
    for i in range(n + 1):
        variables.append(Variable(0))
    for i in range(n):
        EqualityConstraint(variables[i], variables[i + 1], REQUIRED, planner)
    StayConstraint(variables[n], STRONG_DEFAULT, planner)
    edit_c = EditConstraint(variables[0], PREFERRED, planner)
    plan = planner.extract_plan_from_constraints([edit_c])
    for i in range(100):
        variables[0].value = i
        plan.execute()
        if variables[n].value != i:
            raise Exception("Chain test failed")
    edit_c.destroy_constraint(planner)
    return planner.current_mark


# n pairs dst = src * scale + offset; changes one side, then the scale, then the offset.
# Returns [the planner's final mark, the sum of the destination values].
def projection_test(n):
    planner = Planner()
    dests = []
    scale = Variable(10)
    offset = Variable(1000)
    src = None
    dst = None
    for i in range(1, n + 1):
        src = Variable(i)
        dst = Variable(i)
        dests.append(dst)
        StayConstraint(src, DEFAULT, planner)
        ScaleConstraint(src, scale, offset, dst, REQUIRED, planner)
    planner.change(src, 17)
    if dst.value != 1170:
        raise Exception("Projection test 1 failed")
    planner.change(dst, 1050)
    if src.value != 5:
        raise Exception("Projection test 2 failed")
    planner.change(scale, 5)
    for i in range(n - 1):
        if dests[i].value != (i + 1) * 5 + 1000:
            raise Exception("Projection test 3 failed")
    planner.change(offset, 2000)
    for i in range(n - 1):
        if dests[i].value != (i + 1) * 5 + 2000:
            raise Exception("Projection test 4 failed")
    total = 0
    for d in dests:
        total += d.value
    return [planner.current_mark, total]


def setup(params):
    return {"n": params["n"], "iterations": params["iterations"]}


# Each iteration builds fresh constraint graphs, as are-we-fast-yet's inner benchmark loop does.
def run(state):
    chain_mark = 0
    projection = [0, 0]
    for i in range(state["iterations"]):
        chain_mark = chain_test(state["n"])
        projection = projection_test(state["n"])
    return {"n": state["n"], "iterations": state["iterations"], "chain_mark": chain_mark,
            "projection_mark": projection[0], "projection_sum": projection[1]}


def verify(result, params):
    expected = KNOWN.get(params["n"])
    if expected is None:
        return False
    return (
        result["n"] == params["n"]
        and result["iterations"] == params["iterations"]
        and result["chain_mark"] == expected[0]
        and result["projection_mark"] == expected[1]
        and result["projection_sum"] == expected[2]
    )
