// deltablue: the DeltaBlue incremental constraint solver (Maloney, Freeman-Benson, Borning) as in
// the are-we-fast-yet suite: a chain of n equality constraints driven from one end, then n scale
// constraints (dst = src * scale + offset) whose scale and offset change. Measures polymorphic
// method calls through a class hierarchy, closures, short arrays of objects and a stable sort.
// Twin of deltablue.py, line for line (classes in both, the same fields and the same control flow;
// work lists are arrays read front to back with an index, as the original's OrderedCollection).

// [chain planner mark, projection planner mark, sum of the projection's destinations] for n,
// computed by this program and equal in V8 and CPython; both tests also check their own values.
const KNOWN = {
  100: [105, 211, 224775],
  1000: [1005, 2011, 4497525],
  10000: [10005, 20011, 269975025],
};

const NONE = 0;
const FORWARD = 1;
const BACKWARD = 2;

const ABSOLUTE_STRONGEST = 0;
const REQUIRED = 1;
const STRONG_PREFERRED = 2;
const PREFERRED = 3;
const STRONG_DEFAULT = 4;
const DEFAULT = 5;
const WEAK_DEFAULT = 6;
const ABSOLUTE_WEAKEST = 7;
const STRENGTH_VALUES = [-10000, -800, -600, -400, -200, 0, 500, 10000];

class Strength {
  constructor(symbolicValue) {
    this.symbolicValue = symbolicValue;
    this.arithmeticValue = STRENGTH_VALUES[symbolicValue];
  }

  sameAs(s) {
    return this.arithmeticValue === s.arithmeticValue;
  }

  stronger(s) {
    return this.arithmeticValue < s.arithmeticValue;
  }

  weaker(s) {
    return this.arithmeticValue > s.arithmeticValue;
  }

  strongest(s) {
    return s.stronger(this) ? s : this;
  }

  weakest(s) {
    return s.weaker(this) ? s : this;
  }

  static of(symbolicValue) {
    return STRENGTHS[symbolicValue];
  }
}

const STRENGTHS = [];
for (let i = ABSOLUTE_STRONGEST; i <= ABSOLUTE_WEAKEST; i++) {
  STRENGTHS.push(new Strength(i));
}
const ABSOLUTE_WEAKEST_STRENGTH = Strength.of(ABSOLUTE_WEAKEST);
const REQUIRED_STRENGTH = Strength.of(REQUIRED);

class Variable {
  constructor(value) {
    this.value = value;
    this.constraints = [];
    this.determinedBy = null;
    this.walkStrength = ABSOLUTE_WEAKEST_STRENGTH;
    this.stay = true;
    this.mark = 0;
  }

  addConstraint(c) {
    this.constraints.push(c);
  }

  removeConstraint(c) {
    const index = this.constraints.indexOf(c);
    if (index !== -1) {
      this.constraints.splice(index, 1);
    }
    if (this.determinedBy === c) {
      this.determinedBy = null;
    }
  }
}

class AbstractConstraint {
  constructor(strength) {
    this.strength = Strength.of(strength);
  }

  isInput() {
    return false;
  }

  addConstraint(planner) {
    this.addToGraph();
    planner.incrementalAdd(this);
  }

  destroyConstraint(planner) {
    if (this.isSatisfied()) {
      planner.incrementalRemove(this);
    }
    this.removeFromGraph();
  }

  inputsKnown(mark) {
    return !this.inputsHasOne((v) => !(v.mark === mark || v.stay || v.determinedBy === null));
  }

  satisfy(mark, planner) {
    this.chooseMethod(mark);
    if (this.isSatisfied()) {
      // Mark the inputs so that addPropagate can detect cycles.
      this.inputsDo((v) => {
        v.mark = mark;
      });
      const out = this.getOutput();
      const overridden = out.determinedBy;
      if (overridden !== null) {
        overridden.markUnsatisfied();
      }
      out.determinedBy = this;
      if (!planner.addPropagate(this, mark)) {
        throw new Error("Cycle encountered");
      }
      out.mark = mark;
      return overridden;
    }
    if (this.strength.sameAs(REQUIRED_STRENGTH)) {
      throw new Error("Could not satisfy a required constraint");
    }
    return null;
  }
}

class UnaryConstraint extends AbstractConstraint {
  constructor(v, strength, planner) {
    super(strength);
    this.output = v;
    this.satisfied = false;
    this.addConstraint(planner);
  }

  isSatisfied() {
    return this.satisfied;
  }

  addToGraph() {
    this.output.addConstraint(this);
    this.satisfied = false;
  }

  removeFromGraph() {
    if (this.output !== null) {
      this.output.removeConstraint(this);
    }
    this.satisfied = false;
  }

  chooseMethod(mark) {
    this.satisfied = this.output.mark !== mark && this.strength.stronger(this.output.walkStrength);
  }

  inputsDo(fn) {
    // no input variables
  }

  inputsHasOne(fn) {
    return false;
  }

  markUnsatisfied() {
    this.satisfied = false;
  }

  getOutput() {
    return this.output;
  }

  recalculate() {
    this.output.walkStrength = this.strength;
    this.output.stay = !this.isInput();
    if (this.output.stay) {
      this.execute();
    }
  }
}

class EditConstraint extends UnaryConstraint {
  isInput() {
    return true;
  }

  execute() {
    // edit constraints do no computation
  }
}

class StayConstraint extends UnaryConstraint {
  execute() {
    // stay constraints do no computation
  }
}

class BinaryConstraint extends AbstractConstraint {
  constructor(var1, var2, strength) {
    super(strength);
    this.v1 = var1;
    this.v2 = var2;
    this.direction = NONE;
  }

  isSatisfied() {
    return this.direction !== NONE;
  }

  addToGraph() {
    this.v1.addConstraint(this);
    this.v2.addConstraint(this);
    this.direction = NONE;
  }

  removeFromGraph() {
    if (this.v1 !== null) {
      this.v1.removeConstraint(this);
    }
    if (this.v2 !== null) {
      this.v2.removeConstraint(this);
    }
    this.direction = NONE;
  }

  chooseMethod(mark) {
    if (this.v1.mark === mark) {
      if (this.v2.mark !== mark && this.strength.stronger(this.v2.walkStrength)) {
        this.direction = FORWARD;
      } else {
        this.direction = NONE;
      }
      return;
    }
    if (this.v2.mark === mark) {
      if (this.v1.mark !== mark && this.strength.stronger(this.v1.walkStrength)) {
        this.direction = BACKWARD;
      } else {
        this.direction = NONE;
      }
      return;
    }
    // Neither variable is marked, so there is a choice.
    if (this.v1.walkStrength.weaker(this.v2.walkStrength)) {
      if (this.strength.stronger(this.v1.walkStrength)) {
        this.direction = BACKWARD;
      } else {
        this.direction = NONE;
      }
    } else {
      if (this.strength.stronger(this.v2.walkStrength)) {
        this.direction = FORWARD;
      } else {
        this.direction = NONE;
      }
    }
  }

  inputsDo(fn) {
    if (this.direction === FORWARD) {
      fn(this.v1);
    } else {
      fn(this.v2);
    }
  }

  inputsHasOne(fn) {
    if (this.direction === FORWARD) {
      return fn(this.v1);
    }
    return fn(this.v2);
  }

  markUnsatisfied() {
    this.direction = NONE;
  }

  getOutput() {
    return this.direction === FORWARD ? this.v2 : this.v1;
  }

  recalculate() {
    let ihn;
    let out;
    if (this.direction === FORWARD) {
      ihn = this.v1;
      out = this.v2;
    } else {
      ihn = this.v2;
      out = this.v1;
    }
    out.walkStrength = this.strength.weakest(ihn.walkStrength);
    out.stay = ihn.stay;
    if (out.stay) {
      this.execute();
    }
  }
}

class EqualityConstraint extends BinaryConstraint {
  constructor(var1, var2, strength, planner) {
    super(var1, var2, strength);
    this.addConstraint(planner);
  }

  execute() {
    if (this.direction === FORWARD) {
      this.v2.value = this.v1.value;
    } else {
      this.v1.value = this.v2.value;
    }
  }
}

class ScaleConstraint extends BinaryConstraint {
  constructor(src, scale, offset, dest, strength, planner) {
    super(src, dest, strength);
    this.scale = scale;
    this.offset = offset;
    this.addConstraint(planner);
  }

  addToGraph() {
    this.v1.addConstraint(this);
    this.v2.addConstraint(this);
    this.scale.addConstraint(this);
    this.offset.addConstraint(this);
    this.direction = NONE;
  }

  removeFromGraph() {
    if (this.v1 !== null) {
      this.v1.removeConstraint(this);
    }
    if (this.v2 !== null) {
      this.v2.removeConstraint(this);
    }
    if (this.scale !== null) {
      this.scale.removeConstraint(this);
    }
    if (this.offset !== null) {
      this.offset.removeConstraint(this);
    }
    this.direction = NONE;
  }

  execute() {
    if (this.direction === FORWARD) {
      this.v2.value = this.v1.value * this.scale.value + this.offset.value;
    } else {
      // Always an exact integer division in this benchmark (deltablue.py uses //).
      this.v1.value = (this.v2.value - this.offset.value) / this.scale.value;
    }
  }

  inputsDo(fn) {
    if (this.direction === FORWARD) {
      fn(this.v1);
      fn(this.scale);
      fn(this.offset);
    } else {
      fn(this.v2);
      fn(this.scale);
      fn(this.offset);
    }
  }

  recalculate() {
    let ihn;
    let out;
    if (this.direction === FORWARD) {
      ihn = this.v1;
      out = this.v2;
    } else {
      ihn = this.v2;
      out = this.v1;
    }
    out.walkStrength = this.strength.weakest(ihn.walkStrength);
    out.stay = ihn.stay && this.scale.stay && this.offset.stay;
    if (out.stay) {
      this.execute();
    }
  }
}

class Plan {
  constructor() {
    this.constraints = [];
  }

  append(c) {
    this.constraints.push(c);
  }

  execute() {
    for (const c of this.constraints) {
      c.execute();
    }
  }
}

class Planner {
  constructor() {
    this.currentMark = 1;
  }

  newMark() {
    this.currentMark += 1;
    return this.currentMark;
  }

  // Satisfies c and, when that overrides a weaker constraint, tries to resatisfy that one.
  incrementalAdd(c) {
    const mark = this.newMark();
    let overridden = c.satisfy(mark, this);
    while (overridden !== null) {
      overridden = overridden.satisfy(mark, this);
    }
  }

  // Retracts c and resatisfies the downstream constraints it kept unsatisfied, strongest first.
  incrementalRemove(c) {
    const out = c.getOutput();
    c.markUnsatisfied();
    c.removeFromGraph();
    const unsatisfied = this.removePropagateFrom(out);
    for (const u of unsatisfied) {
      this.incrementalAdd(u);
    }
  }

  extractPlanFromConstraints(constraints) {
    const sources = [];
    for (const c of constraints) {
      if (c.isInput() && c.isSatisfied()) {
        sources.push(c);
      }
    }
    return this.makePlan(sources);
  }

  makePlan(sources) {
    const mark = this.newMark();
    const plan = new Plan();
    const todo = sources;
    let next = 0;
    while (next < todo.length) {
      const c = todo[next];
      next += 1;
      if (c.getOutput().mark !== mark && c.inputsKnown(mark)) {
        plan.append(c);
        c.getOutput().mark = mark;
        this.addConstraintsConsumingTo(c.getOutput(), todo);
      }
    }
    return plan;
  }

  addConstraintsConsumingTo(v, todo) {
    const determining = v.determinedBy;
    for (const c of v.constraints) {
      if (c !== determining && c.isSatisfied()) {
        todo.push(c);
      }
    }
  }

  // Recomputes walkabout strengths and stay flags downstream of c; false when that finds a cycle.
  addPropagate(c, mark) {
    const todo = [c];
    let next = 0;
    while (next < todo.length) {
      const d = todo[next];
      next += 1;
      if (d.getOutput().mark === mark) {
        this.incrementalRemove(c);
        return false;
      }
      d.recalculate();
      this.addConstraintsConsumingTo(d.getOutput(), todo);
    }
    return true;
  }

  removePropagateFrom(out) {
    const unsatisfied = [];
    out.determinedBy = null;
    out.walkStrength = ABSOLUTE_WEAKEST_STRENGTH;
    out.stay = true;
    const todo = [out];
    let next = 0;
    while (next < todo.length) {
      const v = todo[next];
      next += 1;
      for (const c of v.constraints) {
        if (!c.isSatisfied()) {
          unsatisfied.push(c);
        }
      }
      const determining = v.determinedBy;
      for (const c of v.constraints) {
        if (c !== determining && c.isSatisfied()) {
          c.recalculate();
          todo.push(c.getOutput());
        }
      }
    }
    unsatisfied.sort((a, b) => a.strength.arithmeticValue - b.strength.arithmeticValue);
    return unsatisfied;
  }

  change(v, newValue) {
    const editC = new EditConstraint(v, PREFERRED, this);
    const plan = this.extractPlanFromConstraints([editC]);
    for (let i = 0; i < 10; i++) {
      v.value = newValue;
      plan.execute();
    }
    editC.destroyConstraint(this);
  }
}

// A chain of n equality constraints with a stay at one end and an edit at the other; the value
// set at the edited end must come out at the stay end. Returns the planner's final mark.
function chainTest(n) {
  const planner = new Planner();
  const vars = [];
  for (let i = 0; i < n + 1; i++) {
    vars.push(new Variable(0));
  }
  for (let i = 0; i < n; i++) {
    new EqualityConstraint(vars[i], vars[i + 1], REQUIRED, planner);
  }
  new StayConstraint(vars[n], STRONG_DEFAULT, planner);
  const editC = new EditConstraint(vars[0], PREFERRED, planner);
  const plan = planner.extractPlanFromConstraints([editC]);
  for (let i = 0; i < 100; i++) {
    vars[0].value = i;
    plan.execute();
    if (vars[n].value !== i) {
      throw new Error("Chain test failed");
    }
  }
  editC.destroyConstraint(planner);
  return planner.currentMark;
}

// n pairs dst = src * scale + offset; changes one side, then the scale, then the offset.
// Returns [the planner's final mark, the sum of the destination values].
function projectionTest(n) {
  const planner = new Planner();
  const dests = [];
  const scale = new Variable(10);
  const offset = new Variable(1000);
  let src = null;
  let dst = null;
  for (let i = 1; i <= n; i++) {
    src = new Variable(i);
    dst = new Variable(i);
    dests.push(dst);
    new StayConstraint(src, DEFAULT, planner);
    new ScaleConstraint(src, scale, offset, dst, REQUIRED, planner);
  }
  planner.change(src, 17);
  if (dst.value !== 1170) {
    throw new Error("Projection test 1 failed");
  }
  planner.change(dst, 1050);
  if (src.value !== 5) {
    throw new Error("Projection test 2 failed");
  }
  planner.change(scale, 5);
  for (let i = 0; i < n - 1; i++) {
    if (dests[i].value !== (i + 1) * 5 + 1000) {
      throw new Error("Projection test 3 failed");
    }
  }
  planner.change(offset, 2000);
  for (let i = 0; i < n - 1; i++) {
    if (dests[i].value !== (i + 1) * 5 + 2000) {
      throw new Error("Projection test 4 failed");
    }
  }
  let sum = 0;
  for (const d of dests) {
    sum += d.value;
  }
  return [planner.currentMark, sum];
}

export function setup(params) {
  return { n: params.n, iterations: params.iterations };
}

// Each iteration builds fresh constraint graphs, as are-we-fast-yet's inner benchmark loop does.
export function run(state) {
  let chainMark = 0;
  let projection = [0, 0];
  for (let i = 0; i < state.iterations; i++) {
    chainMark = chainTest(state.n);
    projection = projectionTest(state.n);
  }
  return { n: state.n, iterations: state.iterations, chain_mark: chainMark, projection_mark: projection[0], projection_sum: projection[1] };
}

export function verify(result, params) {
  const expected = KNOWN[params.n];
  if (expected === undefined) {
    return false;
  }
  return (
    result.n === params.n &&
    result.iterations === params.iterations &&
    result.chain_mark === expected[0] &&
    result.projection_mark === expected[1] &&
    result.projection_sum === expected[2]
  );
}
