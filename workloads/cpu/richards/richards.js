// richards: Martin Richards' operating-system simulation as in the are-we-fast-yet suite: a
// scheduler round-robins six tasks (an idler, a worker, two handlers, two devices) that pass
// packets through linked queues until the idler has run `idle_count` times (10000 in
// are-we-fast-yet, 1000 in V8's Octane version); `iterations` fresh schedulers per run(). Measures
// method calls, field access, polymorphic callbacks and short linked-list walks on small objects.
// Twin of richards.py, line for line (classes in both, the same fields and the same control flow).

// [packets queued, holds] of one scheduler run for an idle count: 10000 is the are-we-fast-yet
// expectation, 1000 that of V8's Octane richards.js; this program reproduces both in V8 and CPython.
const KNOWN = { 1000: [2322, 928], 10000: [23246, 9297] };

const NO_TASK = null;
const NO_WORK = null;
const IDLER = 0;
const WORKER = 1;
const HANDLER_A = 2;
const HANDLER_B = 3;
const DEVICE_A = 4;
const DEVICE_B = 5;
const NUM_TYPES = 6;
const DEVICE_PACKET_KIND = 0;
const WORK_PACKET_KIND = 1;
const DATA_SIZE = 4;

class RBObject {
  append(packet, queueHead) {
    packet.link = NO_WORK;
    if (queueHead === NO_WORK) {
      return packet;
    }
    let mouse = queueHead;
    let link = mouse.link;
    while (link !== NO_WORK) {
      mouse = link;
      link = mouse.link;
    }
    mouse.link = packet;
    return queueHead;
  }
}

class Packet extends RBObject {
  constructor(link, identity, kind) {
    super();
    this.link = link;
    this.identity = identity;
    this.kind = kind;
    this.datum = 0;
    this.data = new Array(DATA_SIZE).fill(0);
  }
}

class DeviceTaskDataRecord extends RBObject {
  constructor() {
    super();
    this.pending = NO_WORK;
  }
}

class HandlerTaskDataRecord extends RBObject {
  constructor() {
    super();
    this.workIn = NO_WORK;
    this.deviceIn = NO_WORK;
  }

  deviceInAdd(packet) {
    this.deviceIn = this.append(packet, this.deviceIn);
  }

  workInAdd(packet) {
    this.workIn = this.append(packet, this.workIn);
  }
}

class IdleTaskDataRecord extends RBObject {
  constructor(count) {
    super();
    this.control = 1;
    this.count = count;
  }
}

class WorkerTaskDataRecord extends RBObject {
  constructor() {
    super();
    this.destination = HANDLER_A;
    this.count = 0;
  }
}

class TaskState extends RBObject {
  constructor() {
    super();
    this.packetPending = false;
    this.taskWaiting = false;
    this.taskHolding = false;
  }

  setPacketPending() {
    this.packetPending = true;
    this.taskWaiting = false;
    this.taskHolding = false;
  }

  setRunning() {
    this.packetPending = false;
    this.taskWaiting = false;
    this.taskHolding = false;
  }

  setWaiting() {
    this.packetPending = false;
    this.taskWaiting = true;
    this.taskHolding = false;
  }

  setWaitingWithPacket() {
    this.packetPending = true;
    this.taskWaiting = true;
    this.taskHolding = false;
  }

  isTaskHoldingOrWaiting() {
    return this.taskHolding || (!this.packetPending && this.taskWaiting);
  }

  isWaitingWithPacket() {
    return this.packetPending && this.taskWaiting && !this.taskHolding;
  }

  static running() {
    const state = new TaskState();
    state.setRunning();
    return state;
  }

  static waiting() {
    const state = new TaskState();
    state.setWaiting();
    return state;
  }

  static waitingWithPacket() {
    const state = new TaskState();
    state.setWaitingWithPacket();
    return state;
  }
}

class TaskControlBlock extends TaskState {
  constructor(link, identity, priority, initialWorkQueue, initialState, privateData, fn) {
    super();
    this.link = link;
    this.identity = identity;
    this.priority = priority;
    this.input = initialWorkQueue;
    this.packetPending = initialState.packetPending;
    this.taskWaiting = initialState.taskWaiting;
    this.taskHolding = initialState.taskHolding;
    this.handle = privateData;
    this.fn = fn;
  }

  addInputAndCheckPriority(packet, oldTask) {
    if (this.input === NO_WORK) {
      this.input = packet;
      this.packetPending = true;
      if (this.priority > oldTask.priority) {
        return this;
      }
    } else {
      this.input = this.append(packet, this.input);
    }
    return oldTask;
  }

  runTask() {
    let message;
    if (this.isWaitingWithPacket()) {
      message = this.input;
      this.input = message.link;
      if (this.input === NO_WORK) {
        this.setRunning();
      } else {
        this.setPacketPending();
      }
    } else {
      message = NO_WORK;
    }
    return this.fn(message, this.handle);
  }
}

class Scheduler extends RBObject {
  constructor() {
    super();
    this.queuePacketCount = 0;
    this.holdCount = 0;
    this.taskTable = new Array(NUM_TYPES).fill(NO_TASK);
    this.taskList = NO_TASK;
    this.currentTask = NO_TASK;
    this.currentTaskIdentity = 0;
  }

  createDevice(identity, priority, workPacket, state) {
    const data = new DeviceTaskDataRecord();
    this.createTask(identity, priority, workPacket, state, data, (work, word) => {
      const dataRecord = word;
      let functionWork = work;
      if (functionWork === NO_WORK) {
        functionWork = dataRecord.pending;
        if (functionWork === NO_WORK) {
          return this.markWaiting();
        }
        dataRecord.pending = NO_WORK;
        return this.queuePacket(functionWork);
      }
      dataRecord.pending = functionWork;
      return this.holdSelf();
    });
  }

  createHandler(identity, priority, workPacket, state) {
    const data = new HandlerTaskDataRecord();
    this.createTask(identity, priority, workPacket, state, data, (work, word) => {
      const dataRecord = word;
      if (work !== NO_WORK) {
        if (work.kind === WORK_PACKET_KIND) {
          dataRecord.workInAdd(work);
        } else {
          dataRecord.deviceInAdd(work);
        }
      }
      const workPacket = dataRecord.workIn;
      if (workPacket === NO_WORK) {
        return this.markWaiting();
      }
      const count = workPacket.datum;
      if (count >= DATA_SIZE) {
        dataRecord.workIn = workPacket.link;
        return this.queuePacket(workPacket);
      }
      const devicePacket = dataRecord.deviceIn;
      if (devicePacket === NO_WORK) {
        return this.markWaiting();
      }
      dataRecord.deviceIn = devicePacket.link;
      devicePacket.datum = workPacket.data[count];
      workPacket.datum = count + 1;
      return this.queuePacket(devicePacket);
    });
  }

  createIdler(identity, priority, workPacket, state, count) {
    const data = new IdleTaskDataRecord(count);
    this.createTask(identity, priority, workPacket, state, data, (work, word) => {
      const dataRecord = word;
      dataRecord.count -= 1;
      if (dataRecord.count === 0) {
        return this.holdSelf();
      }
      if ((dataRecord.control & 1) === 0) {
        dataRecord.control = dataRecord.control >> 1;
        return this.release(DEVICE_A);
      }
      dataRecord.control = (dataRecord.control >> 1) ^ 53256;
      return this.release(DEVICE_B);
    });
  }

  createWorker(identity, priority, workPacket, state) {
    const data = new WorkerTaskDataRecord();
    this.createTask(identity, priority, workPacket, state, data, (work, word) => {
      const dataRecord = word;
      if (work === NO_WORK) {
        return this.markWaiting();
      }
      dataRecord.destination = dataRecord.destination === HANDLER_A ? HANDLER_B : HANDLER_A;
      work.identity = dataRecord.destination;
      work.datum = 0;
      for (let i = 0; i < DATA_SIZE; i++) {
        dataRecord.count += 1;
        if (dataRecord.count > 26) {
          dataRecord.count = 1;
        }
        work.data[i] = 65 + dataRecord.count - 1;
      }
      return this.queuePacket(work);
    });
  }

  createTask(identity, priority, work, state, data, fn) {
    const task = new TaskControlBlock(this.taskList, identity, priority, work, state, data, fn);
    this.taskList = task;
    this.taskTable[identity] = task;
  }

  start(idleCount) {
    this.createIdler(IDLER, 0, NO_WORK, TaskState.running(), idleCount);
    let workQ = new Packet(NO_WORK, WORKER, WORK_PACKET_KIND);
    workQ = new Packet(workQ, WORKER, WORK_PACKET_KIND);
    this.createWorker(WORKER, 1000, workQ, TaskState.waitingWithPacket());

    workQ = new Packet(NO_WORK, DEVICE_A, DEVICE_PACKET_KIND);
    workQ = new Packet(workQ, DEVICE_A, DEVICE_PACKET_KIND);
    workQ = new Packet(workQ, DEVICE_A, DEVICE_PACKET_KIND);
    this.createHandler(HANDLER_A, 2000, workQ, TaskState.waitingWithPacket());

    workQ = new Packet(NO_WORK, DEVICE_B, DEVICE_PACKET_KIND);
    workQ = new Packet(workQ, DEVICE_B, DEVICE_PACKET_KIND);
    workQ = new Packet(workQ, DEVICE_B, DEVICE_PACKET_KIND);
    this.createHandler(HANDLER_B, 3000, workQ, TaskState.waitingWithPacket());

    this.createDevice(DEVICE_A, 4000, NO_WORK, TaskState.waiting());
    this.createDevice(DEVICE_B, 5000, NO_WORK, TaskState.waiting());

    this.schedule();
    return [this.queuePacketCount, this.holdCount];
  }

  findTask(identity) {
    const task = this.taskTable[identity];
    if (task === NO_TASK) {
      throw new Error("findTask failed");
    }
    return task;
  }

  holdSelf() {
    this.holdCount += 1;
    this.currentTask.taskHolding = true;
    return this.currentTask.link;
  }

  queuePacket(packet) {
    const task = this.findTask(packet.identity);
    this.queuePacketCount += 1;
    packet.link = NO_WORK;
    packet.identity = this.currentTaskIdentity;
    return task.addInputAndCheckPriority(packet, this.currentTask);
  }

  release(identity) {
    const task = this.findTask(identity);
    task.taskHolding = false;
    if (task.priority > this.currentTask.priority) {
      return task;
    }
    return this.currentTask;
  }

  markWaiting() {
    this.currentTask.taskWaiting = true;
    return this.currentTask;
  }

  schedule() {
    this.currentTask = this.taskList;
    while (this.currentTask !== NO_TASK) {
      if (this.currentTask.isTaskHoldingOrWaiting()) {
        this.currentTask = this.currentTask.link;
      } else {
        this.currentTaskIdentity = this.currentTask.identity;
        this.currentTask = this.currentTask.runTask();
      }
    }
  }
}

export function setup(params) {
  return { iterations: params.iterations, idleCount: params.idle_count };
}

// Each iteration runs a fresh scheduler to completion.
export function run(state) {
  let queuePacketCount = 0;
  let holdCount = 0;
  for (let i = 0; i < state.iterations; i++) {
    const [queued, held] = new Scheduler().start(state.idleCount);
    queuePacketCount += queued;
    holdCount += held;
  }
  return { iterations: state.iterations, queue_packet_count: queuePacketCount, hold_count: holdCount };
}

export function verify(result, params) {
  const expected = KNOWN[params.idle_count];
  if (expected === undefined) {
    return false;
  }
  return (
    result.iterations === params.iterations &&
    result.queue_packet_count === params.iterations * expected[0] &&
    result.hold_count === params.iterations * expected[1]
  );
}
