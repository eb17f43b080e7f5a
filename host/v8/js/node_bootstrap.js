// The Node-compatible layer of duet's JavaScript side: timers, immediates, nextTick, the
// microtask/tick ordering of node, TextEncoder/TextDecoder, performance, process, and the
// builtin modules node:events, node:timers, node:timers/promises and node:fs/promises.
// Evaluated once per context as a function of (host, global); `host` holds the C++ primitives
// (host/v8/node_host.cc) and the return value maps builtin module names to their exports.
(function (host, global) {
  'use strict';

  // ---- nextTick and microtasks: node drains ticks, then microtasks, until both are empty,
  // after every callback that enters JS from the loop.
  // A FIFO that never shifts (Array#shift is linear): a read index, reset when drained.
  let tickQueue = [];
  let tickHead = 0;
  function processTicksAndRejections() {
    do {
      while (tickHead < tickQueue.length) {
        const tick = tickQueue[tickHead++];
        tick.callback(...tick.args);
      }
      tickQueue = [];
      tickHead = 0;
      host.runMicrotasks();
    } while (tickHead < tickQueue.length);
  }
  function nextTick(callback, ...args) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'function', callback);
    tickQueue.push({ callback, args });
  }

  function invalidArgType(name, expected, actual) {
    const error = new TypeError(`The "${name}" argument must be of type ${expected}. Received ${typeof actual}`);
    error.code = 'ERR_INVALID_ARG_TYPE';
    return error;
  }

  // ---- timers: one libuv timer armed for the earliest expiry, a binary heap ordered by
  // (expiry, id), expiries in loop time as node computes them. Cleared and refreshed timers
  // leave stale heap entries behind, skipped when they surface (each entry records the
  // scheduling it belongs to).
  const TIMEOUT_MAX = 2 ** 31 - 1;
  const heap = [];
  let nextTimerId = 1;
  let refedTimers = 0;
  let liveTimers = 0;

  const before = (a, b) => a.expiry < b.expiry || (a.expiry === b.expiry && a.seq < b.seq);
  function heapPush(entry) {
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }
  function heapPop() {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
  const stale = (entry) => entry.timer._destroyed || entry.timer._seq !== entry.seq;
  let nextSeq = 1;

  class Timeout {
    constructor(callback, after, args, repeat) {
      after = Number(after);
      if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1;  // node clamps, including NaN
      this._idleTimeout = after;
      this._onTimeout = callback;
      this._timerArgs = args;
      this._repeat = repeat ? after : null;
      this._destroyed = false;
      this._refed = true;
      this._id = nextTimerId++;
      refedTimers++;
      liveTimers++;
      this._schedule(host.now());
    }
    _schedule(start) {
      this._expiry = start + this._idleTimeout;
      this._seq = nextSeq++;
      heapPush({ expiry: this._expiry, seq: this._seq, timer: this });
      if (heap[0].timer === this) armTimer();
    }
    ref() {
      if (!this._refed && !this._destroyed) { this._refed = true; refedTimers++; host.refTimer(true); }
      return this;
    }
    unref() {
      if (this._refed && !this._destroyed) { this._refed = false; refedTimers--; host.refTimer(refedTimers > 0); }
      return this;
    }
    hasRef() { return this._refed; }
    refresh() {
      if (!this._destroyed) this._schedule(host.now());
      return this;
    }
    close() { clearTimeout(this); return this; }
    [Symbol.toPrimitive]() { return this._id; }
  }

  const timersById = new Map();  // for clearTimeout(id), as node allows
  function armTimer() {
    while (heap.length > 0 && stale(heap[0])) heapPop();
    if (heap.length === 0) { host.stopTimer(); host.refTimer(false); return; }
    host.startTimer(Math.max(0, heap[0].expiry - host.now()));
    host.refTimer(refedTimers > 0);
  }
  function destroyTimer(timer) {
    if (timer._destroyed) return;
    timer._destroyed = true;
    liveTimers--;
    timersById.delete(timer._id);
    if (timer._refed) refedTimers--;
    host.refTimer(refedTimers > 0);
    if (liveTimers === 0) { heap.length = 0; host.stopTimer(); }
  }

  // Called by the host when the libuv timer fires: runs every expired timer in order, with
  // ticks and microtasks drained after each, as node does since v11.
  function processTimers(now) {
    while (heap.length > 0) {
      const entry = heap[0];
      if (stale(entry)) { heapPop(); continue; }
      if (entry.expiry > now) break;
      heapPop();
      const timer = entry.timer;
      if (timer._repeat === null) destroyTimer(timer);
      try {
        timer._onTimeout(...timer._timerArgs);
      } finally {
        if (timer._repeat !== null && !timer._destroyed) timer._schedule(host.now());
        processTicksAndRejections();
      }
      now = host.now();
    }
    armTimer();
  }

  function setTimeout(callback, after, ...args) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'function', callback);
    const timer = new Timeout(callback, after, args, false);
    timersById.set(timer._id, timer);
    return timer;
  }
  function setInterval(callback, repeat, ...args) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'function', callback);
    const timer = new Timeout(callback, repeat, args, true);
    timersById.set(timer._id, timer);
    return timer;
  }
  function clearTimeout(timer) {
    if (timer instanceof Timeout) destroyTimer(timer);
    else if (typeof timer === 'number' || typeof timer === 'string') {
      const found = timersById.get(Number(timer));
      if (found) destroyTimer(found);
    }
  }

  // ---- immediates: run in the check phase, each followed by ticks and microtasks; those
  // queued while running wait for the next loop iteration, as in node.
  let immediateQueue = [];
  let refedImmediates = 0;
  class Immediate {
    constructor(callback, args) {
      this._onImmediate = callback;
      this._argv = args;
      this._destroyed = false;
      this._refed = true;
      refedImmediates++;
      immediateQueue.push(this);
      host.refImmediate(true);
    }
    ref() { if (!this._refed && !this._destroyed) { this._refed = true; refedImmediates++; host.refImmediate(true); } return this; }
    unref() { if (this._refed && !this._destroyed) { this._refed = false; refedImmediates--; host.refImmediate(refedImmediates > 0); } return this; }
    hasRef() { return this._refed; }
  }
  function processImmediates() {
    const queue = immediateQueue;
    immediateQueue = [];
    for (const immediate of queue) {
      if (immediate._destroyed) continue;
      immediate._destroyed = true;
      if (immediate._refed) refedImmediates--;
      try {
        immediate._onImmediate(...immediate._argv);
      } finally {
        processTicksAndRejections();
      }
    }
    host.refImmediate(refedImmediates > 0);
  }
  function setImmediate(callback, ...args) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'function', callback);
    return new Immediate(callback, args);
  }
  function clearImmediate(immediate) {
    if (!(immediate instanceof Immediate) || immediate._destroyed) return;
    immediate._destroyed = true;
    if (immediate._refed) refedImmediates--;
    host.refImmediate(refedImmediates > 0);
  }

  function queueMicrotask(callback) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'function', callback);
    Promise.resolve().then(() => callback());
  }

  // ---- TextEncoder / TextDecoder (UTF-8, as in node without full ICU options)
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return host.encodeUtf8(String(input)); }
    encodeInto(source, destination) {
      const bytes = host.encodeUtf8(String(source));
      const written = Math.min(bytes.length, destination.length);
      destination.set(bytes.subarray(0, written));
      return { read: source.length, written };
    }
  }
  class TextDecoder {
    constructor(encoding = 'utf-8', options = {}) {
      const label = String(encoding).toLowerCase();
      if (label !== 'utf-8' && label !== 'utf8') {
        const error = new RangeError(`The "${encoding}" encoding is not supported`);
        error.code = 'ERR_ENCODING_NOT_SUPPORTED';
        throw error;
      }
      this.fatal = Boolean(options.fatal);
      this.ignoreBOM = Boolean(options.ignoreBOM);
    }
    get encoding() { return 'utf-8'; }
    decode(input = new Uint8Array(0)) {
      let view;
      if (input instanceof ArrayBuffer) view = new Uint8Array(input);
      else if (ArrayBuffer.isView(input)) view = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      else throw invalidArgType('input', 'an instance of ArrayBuffer or ArrayBufferView', input);
      if (!this.ignoreBOM && view.length >= 3 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf) view = view.subarray(3);
      return host.decodeUtf8(view, this.fatal);
    }
  }

  // ---- performance
  const timeOrigin = host.hrtimeMs();
  const performance = {
    timeOrigin: Date.now(),
    now: () => host.hrtimeMs() - timeOrigin,
    toJSON() { return { timeOrigin: this.timeOrigin }; },
  };

  // ---- process (extends the object the host installed with argv, env, exit)
  const process = global.process;
  function hrtime(previous) {
    const now = host.hrtime();
    let seconds = Number(now / 1000000000n);
    let nanos = Number(now % 1000000000n);
    if (previous !== undefined) {
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) { seconds -= 1; nanos += 1e9; }
    }
    return [seconds, nanos];
  }
  hrtime.bigint = () => host.hrtime();
  process.hrtime = hrtime;
  process.nextTick = nextTick;
  process.memoryUsage = () => host.memoryUsage();
  process.cpuUsage = (previous) => {
    const usage = host.cpuUsage();
    return previous ? { user: usage.user - previous.user, system: usage.system - previous.system } : usage;
  };
  process.memoryUsage.rss = () => host.memoryUsage().rss;
  process.stdout = { write(chunk) { host.writeStdout(String(chunk)); return true; }, isTTY: false };
  process.stderr = { write(chunk) { host.writeStderr(String(chunk)); return true; }, isTTY: false };
  process.version = 'v18.20.4';
  process.versions = { duet: host.versions.duet, v8: host.versions.v8, uv: host.versions.uv };
  process.cwd = () => host.cwd();
  process.pid = host.pid;
  process.exitCode = undefined;

  // ---- node:events
  class EventEmitter {
    constructor() { this._events = new Map(); this._maxListeners = EventEmitter.defaultMaxListeners; }
    _listeners(name) {
      if (!this._events) this._events = new Map();
      let list = this._events.get(name);
      if (!list) { list = []; this._events.set(name, list); }
      return list;
    }
    _add(name, listener, prepend, once) {
      if (typeof listener !== 'function') throw invalidArgType('listener', 'function', listener);
      if (this._events && this._events.has('newListener')) this.emit('newListener', name, listener);
      const entry = { listener, once };
      const list = this._listeners(name);
      if (prepend) list.unshift(entry); else list.push(entry);
      return this;
    }
    on(name, listener) { return this._add(name, listener, false, false); }
    addListener(name, listener) { return this.on(name, listener); }
    prependListener(name, listener) { return this._add(name, listener, true, false); }
    once(name, listener) { return this._add(name, listener, false, true); }
    prependOnceListener(name, listener) { return this._add(name, listener, true, true); }
    off(name, listener) { return this.removeListener(name, listener); }
    removeListener(name, listener) {
      const list = this._events && this._events.get(name);
      if (!list) return this;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].listener === listener) {
          list.splice(i, 1);
          if (list.length === 0) this._events.delete(name);
          if (this._events.has('removeListener')) this.emit('removeListener', name, listener);
          break;
        }
      }
      return this;
    }
    removeAllListeners(name) {
      if (!this._events) return this;
      if (name === undefined) this._events.clear(); else this._events.delete(name);
      return this;
    }
    emit(name, ...args) {
      const list = this._events && this._events.get(name);
      if (!list || list.length === 0) {
        if (name === 'error') {
          const error = args[0];
          if (error instanceof Error) throw error;
          const wrapped = new Error(`Unhandled error. (${String(error)})`);
          wrapped.code = 'ERR_UNHANDLED_ERROR';
          wrapped.context = error;
          throw wrapped;
        }
        return false;
      }
      for (const entry of [...list]) {
        if (entry.once) this.removeListener(name, entry.listener);
        entry.listener.apply(this, args);
      }
      return true;
    }
    listenerCount(name) { const list = this._events && this._events.get(name); return list ? list.length : 0; }
    listeners(name) { const list = this._events && this._events.get(name); return list ? list.map((e) => e.listener) : []; }
    rawListeners(name) { return this.listeners(name); }
    eventNames() { return this._events ? [...this._events.keys()] : []; }
    setMaxListeners(n) { this._maxListeners = n; return this; }
    getMaxListeners() { return this._maxListeners; }
  }
  EventEmitter.defaultMaxListeners = 10;
  EventEmitter.EventEmitter = EventEmitter;
  function once(emitter, name) {
    return new Promise((resolve, reject) => {
      const onError = (error) => { emitter.removeListener(name, onEvent); reject(error); };
      const onEvent = (...args) => { if (name !== 'error') emitter.removeListener('error', onError); resolve(args); };
      emitter.once(name, onEvent);
      if (name !== 'error') emitter.once('error', onError);
    });
  }
  EventEmitter.once = once;
  Object.setPrototypeOf(process, EventEmitter.prototype);
  process._events = new Map();
  process._maxListeners = EventEmitter.defaultMaxListeners;

  // ---- node:timers/promises
  const timersPromises = {
    setTimeout: (after, value) => new Promise((resolve) => setTimeout(resolve, after, value)),
    setImmediate: (value) => new Promise((resolve) => setImmediate(resolve, value)),
    async *setInterval(after, value) {
      let pending = 0;
      let wake = null;
      const timer = setInterval(() => { pending++; if (wake) { wake(); wake = null; } }, after);
      try {
        while (true) {
          if (pending === 0) await new Promise((resolve) => { wake = resolve; });
          pending--;
          yield value;
        }
      } finally {
        clearInterval(timer);
      }
    },
    scheduler: { wait: (delay) => new Promise((resolve) => setTimeout(resolve, delay)), yield: () => new Promise((resolve) => setImmediate(resolve)) },
  };

  // ---- node:fs/promises: each call runs on libuv's threadpool and settles a promise.
  function fsCall(op, ...args) {
    return new Promise((resolve, reject) => {
      host.fs(op, args, (error, result) => {
        if (error) {
          const e = new Error(error.message);
          e.errno = error.errno;
          e.code = error.code;
          e.syscall = error.syscall;
          if (error.path !== undefined) e.path = error.path;
          reject(e);
        } else {
          resolve(result);
        }
      });
    });
  }
  function encodingOf(options) {
    if (typeof options === 'string') return options;
    return options && options.encoding ? options.encoding : null;
  }
  function decode(bytes, encoding) {
    if (encoding === null) return asBuffer(bytes);
    if (encoding === 'utf8' || encoding === 'utf-8') return host.decodeUtf8(bytes, false);
    throw new TypeError(`duet: encoding '${encoding}' is not supported (utf8 or none)`);
  }
  function toBytes(data) {
    if (typeof data === 'string') return host.encodeUtf8(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    throw invalidArgType('data', 'string or an instance of TypedArray', data);
  }
  function pathOf(path) {
    return typeof URL !== 'undefined' && path instanceof URL ? decodeURIComponent(path.pathname) : String(path);
  }
  class Stats {
    constructor(raw) { Object.assign(this, raw); this.mtime = new Date(raw.mtimeMs); this.atime = new Date(raw.atimeMs); this.ctime = new Date(raw.ctimeMs); this.birthtime = new Date(raw.birthtimeMs); }
    isFile() { return this._type === 'file'; }
    isDirectory() { return this._type === 'directory'; }
    isSymbolicLink() { return this._type === 'symlink'; }
  }
  class FileHandle {
    constructor(fd) { this.fd = fd; }
    // Reads straight into the caller's memory on the threadpool, as node does.
    async read(buffer, offset = 0, length, position = null) {
      if (buffer === undefined) buffer = Buffer.alloc(16384);
      if (length === undefined) length = buffer.byteLength - offset;
      const view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
      const bytesRead = await fsCall('readInto', this.fd, view, length, position === null ? -1 : position);
      return { bytesRead, buffer };
    }
    async write(data, offset = 0, length, position = null) {
      let bytes = toBytes(data);
      if (typeof data !== 'string') bytes = bytes.subarray(offset, length === undefined ? undefined : offset + length);
      const bytesWritten = await fsCall('write', this.fd, bytes, position === null ? -1 : position);
      return { bytesWritten, buffer: data };
    }
    async readFile(options) { return decode(await fsCall('readFd', this.fd), encodingOf(options)); }
    async writeFile(data) { await fsCall('write', this.fd, toBytes(data), -1); }
    async stat() { return new Stats(await fsCall('fstat', this.fd)); }
    async close() { if (this.fd >= 0) { const fd = this.fd; this.fd = -1; await fsCall('close', fd); } }
  }
  const flagsOf = (flags) => (flags === undefined ? 'r' : String(flags));
  const fsPromises = {
    readFile: async (path, options) => decode(await fsCall('readFile', pathOf(path)), encodingOf(options)),
    writeFile: async (path, data, options) => { await fsCall('writeFile', pathOf(path), toBytes(data), flagsOf(options && options.flag ? options.flag : 'w')); },
    appendFile: async (path, data) => { await fsCall('writeFile', pathOf(path), toBytes(data), 'a'); },
    open: async (path, flags, mode) => new FileHandle(await fsCall('open', pathOf(path), flagsOf(flags), mode === undefined ? 0o666 : mode)),
    stat: async (path) => new Stats(await fsCall('stat', pathOf(path))),
    unlink: (path) => fsCall('unlink', pathOf(path)),
    rm: (path, options = {}) => fsCall('rm', pathOf(path), Boolean(options.recursive), Boolean(options.force)),
    mkdir: async (path, options = {}) => fsCall('mkdir', pathOf(path), Boolean(options && options.recursive), options && options.mode !== undefined ? options.mode : 0o777),
    readdir: (path) => fsCall('readdir', pathOf(path)),
    rmdir: (path) => fsCall('rmdir', pathOf(path)),
    rename: (from, to) => fsCall('rename', pathOf(from), pathOf(to)),
    access: (path, mode = 0) => fsCall('access', pathOf(path), mode),
  };


  // ---- Buffer: the part of node's Buffer that sockets and scripts most use.
  class Buffer extends Uint8Array {
    static from(value, encoding) {
      if (typeof value === 'string') {
        const bytes = encoding === 'hex' ? Uint8Array.from(value.match(/../g) || [], (h) => parseInt(h, 16)) : host.encodeUtf8(value);
        return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      if (value instanceof ArrayBuffer) return new Buffer(value);
      const copy = new Buffer(value.length);
      copy.set(value);
      return copy;
    }
    static alloc(size, fill = 0) { const b = new Buffer(size); if (fill) b.fill(typeof fill === 'string' ? fill.charCodeAt(0) : fill); return b; }
    static allocUnsafe(size) { return new Buffer(size); }
    static byteLength(value) { return typeof value === 'string' ? host.encodeUtf8(value).length : value.byteLength; }
    static isBuffer(value) { return value instanceof Buffer; }
    static concat(list, total) {
      if (total === undefined) total = list.reduce((n, b) => n + b.length, 0);
      const out = new Buffer(total);
      let offset = 0;
      for (const b of list) { if (offset >= total) break; out.set(b.subarray(0, total - offset), offset); offset += b.length; }
      return out;
    }
    toString(encoding = 'utf8', start = 0, end = this.length) {
      const view = this.subarray(start, end);
      switch (encoding) {
        case 'utf8': case 'utf-8': return host.decodeUtf8(view, false);
        case 'hex': return Array.from(view, (b) => b.toString(16).padStart(2, '0')).join('');
        case 'latin1': case 'binary': case 'ascii': return String.fromCharCode(...view);
        default: throw new TypeError(`duet: Buffer encoding '${encoding}' is not supported`);
      }
    }
    equals(other) { return Buffer.compare(this, other) === 0; }
    static compare(a, b) {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
    }
    compare(other) { return Buffer.compare(this, other); }
    // node's slice shares memory with the original, unlike TypedArray#slice.
    slice(start, end) { return this.subarray(start, end); }
    copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
      const count = Math.max(0, Math.min(sourceEnd - sourceStart, target.length - targetStart));
      target.set(this.subarray(sourceStart, sourceStart + count), targetStart);
      return count;
    }
    write(text, offset = 0) {
      const bytes = host.encodeUtf8(String(text)).subarray(0, Math.max(0, this.length - offset));
      this.set(bytes, offset);
      return bytes.length;
    }
    readUInt8(offset = 0) { return this[offset]; }
    readUInt32LE(offset = 0) { return new DataView(this.buffer, this.byteOffset).getUint32(offset, true); }
    readUInt32BE(offset = 0) { return new DataView(this.buffer, this.byteOffset).getUint32(offset, false); }
    writeUInt32LE(value, offset = 0) { new DataView(this.buffer, this.byteOffset).setUint32(offset, value, true); return offset + 4; }
    writeUInt32BE(value, offset = 0) { new DataView(this.buffer, this.byteOffset).setUint32(offset, value, false); return offset + 4; }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
  }
  const asBuffer = (bytes) => new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // ---- node:net: sockets and servers on libuv TCP handles (host/v8/tcp.cc), with node's
  // event order (connect, data, end, finish, close), write backpressure and error codes.
  const kHighWaterMark = 16384;
  // Errors as node words them: "connect ECONNREFUSED 127.0.0.1:9".
  function netError(status, syscall, address, port) {
    const code = host.errName(status);
    const details = address !== undefined ? ` ${address}:${port}` : '';
    const error = new Error(`${syscall} ${code}${details}`);
    error.errno = status;
    error.code = code;
    error.syscall = syscall;
    if (address !== undefined) { error.address = address; error.port = port; }
    return error;
  }
  function listenError(status, address, port) {
    const error = netError(status, 'listen', address, port);
    error.message = `listen ${error.code}: ${host.errMessage(status)} ${address}:${port}`;
    return error;
  }

  class Socket extends EventEmitter {
    constructor(options = {}) {
      super();
      this._id = null;
      this.connecting = false;
      this.destroyed = false;
      this.pending = true;
      this.readable = false;
      this.writable = false;
      this.allowHalfOpen = Boolean(options && options.allowHalfOpen);
      this.bytesRead = 0;
      this.bytesWritten = 0;
      this.writableLength = 0;
      this._encoding = null;
      this._flowing = false;   // like a stream: data waits until someone listens or resumes
      this._paused = false;
      this._reading = false;
      this._buffered = [];
      this._pendingEnd = false;
      this._queued = [];       // writes issued before the connection was made
      this._writeCallbacks = [];
      this._needDrain = false;
      this._endRequested = false;
      this._shutdownSent = false;
      this._finished = false;
      this._readEnded = false;
      this._error = null;
      this._noDelay = false;
    }
    _add(name, listener, prepend, once) {
      super._add(name, listener, prepend, once);
      if (name === 'data' && !this._paused) this.resume();  // any 'data' listener starts the flow
      return this;
    }
    _attach(id) {
      this._id = id;
      this.pending = false;
      this.readable = this.writable = true;
      host.tcpSetOwner(id, this);
      if (this._noDelay) host.tcpNoDelay(id, true);
      this._startReading();
    }
    connect(...args) {
      let options = args[0];
      let callback = args[args.length - 1];
      if (typeof callback !== 'function') callback = undefined;
      if (typeof options !== 'object' || options === null) options = { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
      const address = options.host === undefined || options.host === 'localhost' ? '127.0.0.1' : options.host;
      const port = Number(options.port);
      if (callback) this.once('connect', callback);
      this.connecting = true;
      this._address = address;
      this._port = port;
      this._id = host.tcpNew(this);
      const rc = host.tcpConnect(this._id, address, port);
      if (rc < 0) process.nextTick(() => this.destroy(netError(rc, 'connect', address, port)));
      return this;
    }
    onconnect(status) {
      this.connecting = false;
      if (status < 0) { this.destroy(netError(status, 'connect', this._address, this._port)); return; }
      this.pending = false;
      this.readable = this.writable = true;
      if (this._noDelay) host.tcpNoDelay(this._id, true);
      this._startReading();
      const queued = this._queued;
      this._queued = [];
      for (const [bytes, callback] of queued) this._writeNow(bytes, callback);
      this.emit('connect');
      this.emit('ready');
      if (this._endRequested && this.writableLength === 0) this._shutdown();
    }
    _startReading() {
      if (this._id !== null && !this._reading && !this.destroyed && !this._readEnded) {
        host.tcpReadStart(this._id);
        this._reading = true;
      }
    }
    pause() {
      this._paused = true;
      this._flowing = false;
      if (this._reading && this._id !== null) { host.tcpReadStop(this._id); this._reading = false; }
      return this;
    }
    resume() {
      this._paused = false;
      if (!this._flowing) {
        this._flowing = true;
        process.nextTick(() => this._flush());
      }
      this._startReading();
      return this;
    }
    _flush() {
      while (this._flowing && this._buffered.length > 0) this._deliver(this._buffered.shift());
      if (this._flowing && this._pendingEnd) { this._pendingEnd = false; this._onEnd(); }
    }
    _deliver(chunk) { this.emit('data', this._encoding ? chunk.toString(this._encoding) : chunk); }
    setEncoding(encoding) { this._encoding = encoding; return this; }
    onread(status, bytes) {
      if (status === 0) {
        this.bytesRead += bytes.length;
        const chunk = asBuffer(bytes);
        if (this._flowing && this._buffered.length === 0) this._deliver(chunk); else this._buffered.push(chunk);
        return;
      }
      this._reading = false;
      if (host.errName(status) === 'EOF') {
        this._readEnded = true;
        if (this._flowing && this._buffered.length === 0) this._onEnd(); else this._pendingEnd = true;
        return;
      }
      this.destroy(netError(status, 'read'));
    }
    _onEnd() {
      this.readable = false;
      this.emit('end');
      if (!this.allowHalfOpen) this.end(); else this._maybeClose();
    }
    write(data, encoding, callback) {
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      if (this._endRequested || this.destroyed) {
        const error = new Error(this.destroyed ? 'Cannot call write after a stream was destroyed' : 'write after end');
        error.code = this.destroyed ? 'ERR_STREAM_DESTROYED' : 'ERR_STREAM_WRITE_AFTER_END';
        // As in node's streams, the error destroys the socket: 'error', then 'close'.
        if (callback) process.nextTick(() => callback(error));
        if (this.destroyed) process.nextTick(() => this.emit('error', error)); else this.destroy(error);
        return false;
      }
      const bytes = typeof data === 'string' ? host.encodeUtf8(data) : toBytes(data);
      this.writableLength += bytes.length;
      if (this.connecting || this._id === null) this._queued.push([bytes, callback]); else this._writeNow(bytes, callback);
      const ok = this.writableLength < kHighWaterMark;
      if (!ok) this._needDrain = true;
      return ok;
    }
    _writeNow(bytes, callback) {
      const queued = host.tcpWrite(this._id, bytes);
      if (queued < 0) { this.destroy(netError(queued, 'write')); return; }
      this.bytesWritten += bytes.length;
      if (queued === 0) process.nextTick(() => this._afterWrite(bytes.length, callback));
      else this._writeCallbacks.push([bytes.length, callback]);
    }
    onwritten(status) {
      const [length, callback] = this._writeCallbacks.shift();
      if (status < 0) {
        const error = netError(status, 'write');
        if (callback) callback(error);
        this.destroy(error);
        return;
      }
      this._afterWrite(length, callback);
    }
    _afterWrite(length, callback) {
      this.writableLength -= length;
      if (callback) callback(null);
      if (this.writableLength === 0 && !this.destroyed) {
        if (this._needDrain) { this._needDrain = false; this.emit('drain'); }
        if (this._endRequested) this._shutdown();
      }
    }
    end(data, encoding, callback) {
      if (typeof data === 'function') { callback = data; data = undefined; }
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      if (data !== undefined && data !== null) this.write(data, encoding);
      if (callback) this.once('finish', callback);
      if (this._endRequested) return this;
      this._endRequested = true;
      this.writable = false;
      if (!this.connecting && this._id !== null && this.writableLength === 0) this._shutdown();
      return this;
    }
    _shutdown() {
      if (this._shutdownSent || this.destroyed || this._id === null) return;
      this._shutdownSent = true;
      const rc = host.tcpShutdown(this._id);
      if (rc < 0) this.onshutdown(rc);
    }
    onshutdown() {
      this._finished = true;
      this.emit('finish');
      this._maybeClose();
    }
    _maybeClose() { if (this._readEnded && (this._finished || this.allowHalfOpen)) this.destroy(); }
    destroy(error) {
      if (this.destroyed) return this;
      this.destroyed = true;
      this.readable = this.writable = this.connecting = false;
      this._error = error || null;
      if (error) process.nextTick(() => this.emit('error', error));
      if (this._id !== null) host.tcpClose(this._id);
      else process.nextTick(() => this._emitClose());
      return this;
    }
    destroySoon() { return this.end(); }
    resetAndDestroy() { return this.destroy(); }
    onclose() { this._reading = false; this._emitClose(); }
    _emitClose() {
      this.emit('close', this._error !== null);
      if (this.server) this.server._connectionClosed();
    }
    setNoDelay(noDelay = true) { this._noDelay = noDelay; if (this._id !== null) host.tcpNoDelay(this._id, noDelay); return this; }
    setKeepAlive() { return this; }
    setTimeout(ms, callback) { if (callback) this.once('timeout', callback); return this; }
    address() { return (this._id !== null && host.tcpAddress(this._id, false)) || {}; }
    _peer() { return this._id !== null ? host.tcpAddress(this._id, true) : undefined; }
    get remoteAddress() { const a = this._peer(); return a && a.address; }
    get remotePort() { const a = this._peer(); return a && a.port; }
    get remoteFamily() { const a = this._peer(); return a && a.family; }
    get localAddress() { return this.address().address; }
    get localPort() { return this.address().port; }
    ref() { if (this._id !== null) host.tcpRef(this._id, true); return this; }
    unref() { if (this._id !== null) host.tcpRef(this._id, false); return this; }
  }

  class Server extends EventEmitter {
    constructor(options, listener) {
      super();
      if (typeof options === 'function') { listener = options; options = {}; }
      this._options = options || {};
      if (listener) this.on('connection', listener);
      this._id = null;
      this.listening = false;
      this._connections = 0;
      this._handleClosed = false;
      this._closeEmitted = false;
    }
    listen(...args) {
      let callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
      let port, address, backlog;
      if (typeof args[0] === 'object' && args[0] !== null) ({ port, host: address, backlog } = args[0]);
      else [port, address, backlog] = [args[0], typeof args[1] === 'string' ? args[1] : undefined, typeof args[1] === 'number' ? args[1] : args[2]];
      // duet binds loopback unless told otherwise (design §8); node would bind every interface.
      address = address === undefined || address === 'localhost' ? '127.0.0.1' : address;
      port = port === undefined ? 0 : Number(port);
      if (callback) this.once('listening', callback);
      this._id = host.tcpNew(this);
      let rc = host.tcpBind(this._id, address, port);
      if (rc === 0) rc = host.tcpListen(this._id, backlog === undefined ? 511 : backlog);
      if (rc < 0) {
        const error = listenError(rc, address, port);
        host.tcpClose(this._id);
        this._id = null;
        process.nextTick(() => this.emit('error', error));
        return this;
      }
      this.listening = true;
      process.nextTick(() => this.emit('listening'));
      return this;
    }
    onconnection(status, id) {
      if (status < 0) { this.emit('error', netError(status, 'accept')); return; }
      const socket = new Socket({ allowHalfOpen: this._options.allowHalfOpen });
      socket.server = this;
      this._connections++;
      socket._attach(id);
      this.emit('connection', socket);
    }
    close(callback) {
      if (!this.listening) {
        const error = new Error('Server is not running.');
        error.code = 'ERR_SERVER_NOT_RUNNING';
        if (callback) process.nextTick(() => callback(error));
        return this;
      }
      if (callback) this.once('close', callback);
      this.listening = false;
      host.tcpClose(this._id);
      return this;
    }
    onclose() { this._id = null; this._handleClosed = true; this._emitCloseIfDone(); }
    _connectionClosed() { this._connections--; this._emitCloseIfDone(); }
    _emitCloseIfDone() {
      if (this._handleClosed && this._connections === 0 && !this._closeEmitted) {
        this._closeEmitted = true;
        this.emit('close');
      }
    }
    address() { return this._id !== null ? host.tcpAddress(this._id, false) || null : null; }
    getConnections(callback) { process.nextTick(() => callback(null, this._connections)); return this; }
    ref() { if (this._id !== null) host.tcpRef(this._id, true); return this; }
    unref() { if (this._id !== null) host.tcpRef(this._id, false); return this; }
  }
  const isIPv4 = (s) => /^(\d{1,3})(\.\d{1,3}){3}$/.test(s) && s.split('.').every((p) => Number(p) <= 255);
  const isIPv6 = (s) => typeof s === 'string' && s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
  const net = {
    createServer: (options, listener) => new Server(options, listener),
    connect: (...args) => new Socket(typeof args[0] === 'object' ? args[0] : {}).connect(...args),
    Server,
    Socket,
    isIP: (s) => (isIPv4(s) ? 4 : isIPv6(s) ? 6 : 0),
    isIPv4,
    isIPv6,
  };
  net.createConnection = net.connect;

  // ---- globals, as node defines them
  const globals = { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval: clearTimeout, clearImmediate,
                    queueMicrotask, TextEncoder, TextDecoder, performance, Buffer };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(global, 'global', { value: global, writable: true, configurable: true });

  host.setCallbacks(processTimers, processImmediates, processTicksAndRejections);

  const timers = { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval: clearTimeout, clearImmediate, promises: timersPromises };
  const builtins = {
    events: { default: EventEmitter, EventEmitter, once },
    timers: Object.assign({ default: timers }, timers),
    'timers/promises': Object.assign({ default: timersPromises }, timersPromises),
    'fs/promises': Object.assign({ default: fsPromises }, fsPromises),
    process: { default: process },
    net: Object.assign({ default: net }, net),
    buffer: { default: { Buffer }, Buffer },
  };

  // ---- CommonJS, as node loads it: wrapper function, module cache, require resolution.
  const moduleCache = Object.create(null);
  function moduleNotFound(id, from) {
    const error = new Error(`Cannot find module '${id}'\nRequire stack:\n- ${from}`);
    error.code = 'MODULE_NOT_FOUND';
    return error;
  }
  function tryFile(path) { return host.isFile(path) ? path : null; }
  function tryExtensions(base) {
    return tryFile(base) || tryFile(base + '.js') || tryFile(base + '.json') || tryFile(base + '.cjs');
  }
  function tryDirectory(dir) {
    if (!host.isDirectory(dir)) return null;
    const manifest = tryFile(dir + '/package.json');
    if (manifest) {
      const main = JSON.parse(host.readFileUtf8(manifest)).main;
      if (main) {
        const found = tryExtensions(host.joinPath(dir, main)) || tryFile(host.joinPath(dir, main) + '/index.js');
        if (found) return found;
      }
    }
    return tryFile(dir + '/index.js') || tryFile(dir + '/index.json');
  }
  function resolveFilename(id, parentFile) {
    const name = id.startsWith('node:') ? id.slice(5) : id;
    if (Object.prototype.hasOwnProperty.call(builtins, name)) return 'node:' + name;
    const parentDir = host.dirname(parentFile);
    if (id.startsWith('./') || id.startsWith('../') || id.startsWith('/') || id === '.' || id === '..') {
      const base = id.startsWith('/') ? id : host.joinPath(parentDir, id);
      const found = tryExtensions(base) || tryDirectory(base);
      if (found) return host.realpath(found);
      throw moduleNotFound(id, parentFile);
    }
    for (let dir = parentDir; ; dir = host.dirname(dir)) {
      const base = host.joinPath(dir, 'node_modules/' + id);
      const found = tryExtensions(base) || tryDirectory(base);
      if (found) return host.realpath(found);
      if (dir === '/' || dir === '') break;
    }
    throw moduleNotFound(id, parentFile);
  }
  class Module {
    constructor(filename, parent) {
      this.id = filename;
      this.filename = filename;
      this.path = host.dirname(filename);
      this.exports = {};
      this.parent = parent;
      this.loaded = false;
      this.children = [];
    }
  }
  let mainModule;
  function makeRequire(module) {
    const require = (id) => {
      if (typeof id !== 'string') throw invalidArgType('id', 'string', id);
      const filename = resolveFilename(id, module.filename);
      if (filename.startsWith('node:')) {
        const exports = builtins[filename.slice(5)];
        return exports.default;
      }
      return loadCommonJs(filename, false, module).exports;
    };
    require.resolve = (id) => resolveFilename(id, module.filename);
    require.cache = moduleCache;
    require.main = mainModule;
    return require;
  }
  function loadCommonJs(filename, isMain, parent) {
    const cached = moduleCache[filename];
    if (cached) return cached;
    const module = new Module(filename, parent);
    if (isMain) { mainModule = module; module.id = '.'; }
    moduleCache[filename] = module;
    if (parent) parent.children.push(module);
    try {
      if (filename.endsWith('.json')) {
        module.exports = JSON.parse(host.readFileUtf8(filename));
      } else {
        if (host.moduleType(filename) === 'module') {
          const error = new Error(`require() of ES Module ${filename} not supported.`);
          error.code = 'ERR_REQUIRE_ESM';
          throw error;
        }
        const wrapper = host.compileCommonJs(host.readFileUtf8(filename), filename);
        wrapper.call(module.exports, module.exports, makeRequire(module), module, filename, module.path);
      }
    } catch (error) {
      delete moduleCache[filename];
      throw error;
    }
    module.loaded = true;
    return module;
  }
  // The host's entry point: loads a CommonJS file and returns its module.exports.
  const requireFromHost = (filename, isMain) => loadCommonJs(filename, isMain, null).exports;

  return { builtins, requireFromHost };
});
