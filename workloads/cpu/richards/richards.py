# richards: Martin Richards' operating-system simulation as in the are-we-fast-yet suite: a
# scheduler round-robins six tasks (an idler, a worker, two handlers, two devices) that pass
# packets through linked queues until the idler has run `idle_count` times (10000 in
# are-we-fast-yet, 1000 in V8's Octane version); `iterations` fresh schedulers per run(). Measures
# method calls, field access, polymorphic callbacks and short linked-list walks on small objects.
# Twin of richards.js, line for line (classes in both, the same fields and the same control flow).

# [packets queued, holds] of one scheduler run for an idle count: 10000 is the are-we-fast-yet
# expectation, 1000 that of V8's Octane richards.js; this program reproduces both in V8 and CPython.
KNOWN = {1000: [2322, 928], 10000: [23246, 9297]}

NO_TASK = None
NO_WORK = None
IDLER = 0
WORKER = 1
HANDLER_A = 2
HANDLER_B = 3
DEVICE_A = 4
DEVICE_B = 5
NUM_TYPES = 6
DEVICE_PACKET_KIND = 0
WORK_PACKET_KIND = 1
DATA_SIZE = 4


class RBObject:
    def append(self, packet, queue_head):
        packet.link = NO_WORK
        if queue_head is NO_WORK:
            return packet
        mouse = queue_head
        link = mouse.link
        while link is not NO_WORK:
            mouse = link
            link = mouse.link
        mouse.link = packet
        return queue_head


class Packet(RBObject):
    def __init__(self, link, identity, kind):
        super().__init__()
        self.link = link
        self.identity = identity
        self.kind = kind
        self.datum = 0
        self.data = [0] * DATA_SIZE


class DeviceTaskDataRecord(RBObject):
    def __init__(self):
        super().__init__()
        self.pending = NO_WORK


class HandlerTaskDataRecord(RBObject):
    def __init__(self):
        super().__init__()
        self.work_in = NO_WORK
        self.device_in = NO_WORK

    def device_in_add(self, packet):
        self.device_in = self.append(packet, self.device_in)

    def work_in_add(self, packet):
        self.work_in = self.append(packet, self.work_in)


class IdleTaskDataRecord(RBObject):
    def __init__(self, count):
        super().__init__()
        self.control = 1
        self.count = count


class WorkerTaskDataRecord(RBObject):
    def __init__(self):
        super().__init__()
        self.destination = HANDLER_A
        self.count = 0


class TaskState(RBObject):
    def __init__(self):
        super().__init__()
        self.packet_pending = False
        self.task_waiting = False
        self.task_holding = False

    def set_packet_pending(self):
        self.packet_pending = True
        self.task_waiting = False
        self.task_holding = False

    def set_running(self):
        self.packet_pending = False
        self.task_waiting = False
        self.task_holding = False

    def set_waiting(self):
        self.packet_pending = False
        self.task_waiting = True
        self.task_holding = False

    def set_waiting_with_packet(self):
        self.packet_pending = True
        self.task_waiting = True
        self.task_holding = False

    def is_task_holding_or_waiting(self):
        return self.task_holding or (not self.packet_pending and self.task_waiting)

    def is_waiting_with_packet(self):
        return self.packet_pending and self.task_waiting and not self.task_holding

    @staticmethod
    def running():
        state = TaskState()
        state.set_running()
        return state

    @staticmethod
    def waiting():
        state = TaskState()
        state.set_waiting()
        return state

    @staticmethod
    def waiting_with_packet():
        state = TaskState()
        state.set_waiting_with_packet()
        return state


class TaskControlBlock(TaskState):
    def __init__(self, link, identity, priority, initial_work_queue, initial_state, private_data, fn):
        super().__init__()
        self.link = link
        self.identity = identity
        self.priority = priority
        self.input = initial_work_queue
        self.packet_pending = initial_state.packet_pending
        self.task_waiting = initial_state.task_waiting
        self.task_holding = initial_state.task_holding
        self.handle = private_data
        self.fn = fn

    def add_input_and_check_priority(self, packet, old_task):
        if self.input is NO_WORK:
            self.input = packet
            self.packet_pending = True
            if self.priority > old_task.priority:
                return self
        else:
            self.input = self.append(packet, self.input)
        return old_task

    def run_task(self):
        if self.is_waiting_with_packet():
            message = self.input
            self.input = message.link
            if self.input is NO_WORK:
                self.set_running()
            else:
                self.set_packet_pending()
        else:
            message = NO_WORK
        return self.fn(message, self.handle)


class Scheduler(RBObject):
    def __init__(self):
        super().__init__()
        self.queue_packet_count = 0
        self.hold_count = 0
        self.task_table = [NO_TASK] * NUM_TYPES
        self.task_list = NO_TASK
        self.current_task = NO_TASK
        self.current_task_identity = 0

    def create_device(self, identity, priority, work_packet, state):
        data = DeviceTaskDataRecord()

        def fn(work, word):
            data_record = word
            function_work = work
            if function_work is NO_WORK:
                function_work = data_record.pending
                if function_work is NO_WORK:
                    return self.mark_waiting()
                data_record.pending = NO_WORK
                return self.queue_packet(function_work)
            data_record.pending = function_work
            return self.hold_self()

        self.create_task(identity, priority, work_packet, state, data, fn)

    def create_handler(self, identity, priority, work_packet, state):
        data = HandlerTaskDataRecord()

        def fn(work, word):
            data_record = word
            if work is not NO_WORK:
                if work.kind == WORK_PACKET_KIND:
                    data_record.work_in_add(work)
                else:
                    data_record.device_in_add(work)
            work_packet = data_record.work_in
            if work_packet is NO_WORK:
                return self.mark_waiting()
            count = work_packet.datum
            if count >= DATA_SIZE:
                data_record.work_in = work_packet.link
                return self.queue_packet(work_packet)
            device_packet = data_record.device_in
            if device_packet is NO_WORK:
                return self.mark_waiting()
            data_record.device_in = device_packet.link
            device_packet.datum = work_packet.data[count]
            work_packet.datum = count + 1
            return self.queue_packet(device_packet)

        self.create_task(identity, priority, work_packet, state, data, fn)

    def create_idler(self, identity, priority, work_packet, state, count):
        data = IdleTaskDataRecord(count)

        def fn(work, word):
            data_record = word
            data_record.count -= 1
            if data_record.count == 0:
                return self.hold_self()
            if (data_record.control & 1) == 0:
                data_record.control = data_record.control >> 1
                return self.release(DEVICE_A)
            data_record.control = (data_record.control >> 1) ^ 53256
            return self.release(DEVICE_B)

        self.create_task(identity, priority, work_packet, state, data, fn)

    def create_worker(self, identity, priority, work_packet, state):
        data = WorkerTaskDataRecord()

        def fn(work, word):
            data_record = word
            if work is NO_WORK:
                return self.mark_waiting()
            data_record.destination = HANDLER_B if data_record.destination == HANDLER_A else HANDLER_A
            work.identity = data_record.destination
            work.datum = 0
            for i in range(DATA_SIZE):
                data_record.count += 1
                if data_record.count > 26:
                    data_record.count = 1
                work.data[i] = 65 + data_record.count - 1
            return self.queue_packet(work)

        self.create_task(identity, priority, work_packet, state, data, fn)

    def create_task(self, identity, priority, work, state, data, fn):
        task = TaskControlBlock(self.task_list, identity, priority, work, state, data, fn)
        self.task_list = task
        self.task_table[identity] = task

    def start(self, idle_count):
        self.create_idler(IDLER, 0, NO_WORK, TaskState.running(), idle_count)
        work_q = Packet(NO_WORK, WORKER, WORK_PACKET_KIND)
        work_q = Packet(work_q, WORKER, WORK_PACKET_KIND)
        self.create_worker(WORKER, 1000, work_q, TaskState.waiting_with_packet())

        work_q = Packet(NO_WORK, DEVICE_A, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_A, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_A, DEVICE_PACKET_KIND)
        self.create_handler(HANDLER_A, 2000, work_q, TaskState.waiting_with_packet())

        work_q = Packet(NO_WORK, DEVICE_B, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_B, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_B, DEVICE_PACKET_KIND)
        self.create_handler(HANDLER_B, 3000, work_q, TaskState.waiting_with_packet())

        self.create_device(DEVICE_A, 4000, NO_WORK, TaskState.waiting())
        self.create_device(DEVICE_B, 5000, NO_WORK, TaskState.waiting())

        self.schedule()
        return [self.queue_packet_count, self.hold_count]

    def find_task(self, identity):
        task = self.task_table[identity]
        if task is NO_TASK:
            raise Exception("find_task failed")
        return task

    def hold_self(self):
        self.hold_count += 1
        self.current_task.task_holding = True
        return self.current_task.link

    def queue_packet(self, packet):
        task = self.find_task(packet.identity)
        self.queue_packet_count += 1
        packet.link = NO_WORK
        packet.identity = self.current_task_identity
        return task.add_input_and_check_priority(packet, self.current_task)

    def release(self, identity):
        task = self.find_task(identity)
        task.task_holding = False
        if task.priority > self.current_task.priority:
            return task
        return self.current_task

    def mark_waiting(self):
        self.current_task.task_waiting = True
        return self.current_task

    def schedule(self):
        self.current_task = self.task_list
        while self.current_task is not NO_TASK:
            if self.current_task.is_task_holding_or_waiting():
                self.current_task = self.current_task.link
            else:
                self.current_task_identity = self.current_task.identity
                self.current_task = self.current_task.run_task()


def setup(params):
    return {"iterations": params["iterations"], "idle_count": params["idle_count"]}


# Each iteration runs a fresh scheduler to completion.
def run(state):
    queue_packet_count = 0
    hold_count = 0
    for i in range(state["iterations"]):
        queued, held = Scheduler().start(state["idle_count"])
        queue_packet_count += queued
        hold_count += held
    return {"iterations": state["iterations"], "queue_packet_count": queue_packet_count, "hold_count": hold_count}


def verify(result, params):
    expected = KNOWN.get(params["idle_count"])
    if expected is None:
        return False
    return (
        result["iterations"] == params["iterations"]
        and result["queue_packet_count"] == params["iterations"] * expected[0]
        and result["hold_count"] == params["iterations"] * expected[1]
    )
