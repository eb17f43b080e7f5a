// TcpCore: the libuv half of duet's asyncio stream transport: TCP on a uv_tcp_t, and Unix stream
// sockets (a database's socket, as asyncpg and psycopg reach PostgreSQL) on a uv_pipe_t. The hot
// path lives here (read -> protocol.data_received, write -> uv_try_write, then uv_write for what
// is left); the rest of asyncio's transport contract is the Python subclass in py/duet_asyncio.py.
// Node's own net module (tcp_wrap over uv_tcp_t) is its JavaScript counterpart.
// Past 500 lines on purpose: one Python type, whose reading, writing and lifecycle share its
// object struct and helpers in an anonymous namespace (uvloop keeps its stream transport in one
// file, stream.pyx, for the same reason).
#include "python/event_loop.h"

#include <structmember.h>
#include <sys/socket.h>

#include <new>
#include <string>

namespace duet::pyloop {
namespace {

// Starts with the layout of asyncio's transports._FlowControlMixin (its slots and
// BaseTransport's), so TcpCore can subclass it: isinstance(transport, asyncio.Transport) holds
// and loop.sendfile() takes its write-based fallback. TcpCore's own members shadow the flow
// control slots; _extra and _loop are used through asyncio's slot descriptors.
struct TcpObject {
  PyObject_HEAD
  PyObject* slots[5];  // _extra, then _loop, _protocol_paused, _high_water, _low_water
  LoopState* state;
  PyObject* protocol;
  // protocol.data_received, looked up once per protocol as uvloop does (null for a
  // BufferedProtocol, or when the protocol has none: then the read reports the AttributeError).
  PyObject* data_received;
  // The socket whose descriptor the handle uses (no dup: one descriptor per connection);
  // detached just before libuv closes it, so it never closes that number a second time.
  PyObject* sock;
  PyObject* empty_waiter;  // set while loop.sendfile() owns the socket: write() must refuse
  PyObject* weakrefs;
  // A TCP socket's uv_tcp_t or an AF_UNIX socket's uv_pipe_t: both a uv_stream_t, all the rest
  // of TcpCore uses.
  union {
    uv_handle_t any;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } handle;
  uv_write_t write_req;
  std::string in_flight;  // what the one uv_write in progress sends
  std::string pending;    // written while it was in progress: the next uv_write
  Py_buffer read_view;    // a BufferedProtocol's buffer between alloc and read callbacks
  bool has_view;
  Py_ssize_t conn_lost;
  Py_ssize_t high_water;
  Py_ssize_t low_water;
  char closing;
  char eof;
  char paused;
  char protocol_paused;
  char buffered;
  char open;
  char reading;
};

struct TcpNames {
  PyObject* detach = PyUnicode_InternFromString("detach");
  PyObject* data_received = PyUnicode_InternFromString("data_received");
  PyObject* get_buffer = PyUnicode_InternFromString("get_buffer");
  PyObject* buffer_updated = PyUnicode_InternFromString("buffer_updated");
  PyObject* fatal_error = PyUnicode_InternFromString("_fatal_error");
  PyObject* read_eof = PyUnicode_InternFromString("_read_eof");
  PyObject* write_drained = PyUnicode_InternFromString("_write_drained");
  PyObject* write_after_lost = PyUnicode_InternFromString("_write_after_lost");
  PyObject* maybe_pause = PyUnicode_InternFromString("_maybe_pause_protocol");
  PyObject* maybe_resume = PyUnicode_InternFromString("_maybe_resume_protocol");
};
TcpNames& T() {
  static TcpNames names;
  return names;
}

PyObject* Self(TcpObject* t) { return reinterpret_cast<PyObject*>(t); }
uv_stream_t* Stream(TcpObject* t) { return reinterpret_cast<uv_stream_t*>(&t->handle); }

Py_ssize_t BufferSize(const TcpObject* t) {
  return static_cast<Py_ssize_t>(t->in_flight.size() + t->pending.size());
}

// Calls self.<method>(*args) from a libuv callback; an exception there is the loop's.
void CallPython(TcpObject* self, PyObject* method, std::initializer_list<PyObject*> args) {
  PyObject* argv[4] = {Self(self)};
  size_t n = 1;
  for (PyObject* a : args) argv[n++] = a;
  PyObject* r = PyObject_VectorcallMethod(method, argv, n | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
  if (r == nullptr) {
    ReportCallbackError(self->state, "Exception in transport callback", nullptr);
  } else {
    Py_DECREF(r);
  }
}

// The pending error goes to self._fatal_error(exc, message), as asyncio's transports do;
// SystemExit and KeyboardInterrupt stop the loop instead.
void FatalFromPending(TcpObject* self, const char* message) {
  if (PyErr_ExceptionMatches(PyExc_SystemExit) || PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
    ReportCallbackError(self->state, message, nullptr);
    return;
  }
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb != nullptr) PyException_SetTraceback(value, tb);
  PyObject* text = PyUnicode_FromString(message);
  CallPython(self, T().fatal_error, {value, text});
  Py_XDECREF(text);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
}

void FatalFromUv(TcpObject* self, int status, const char* message) {
  SetErrorFromUv(status);
  FatalFromPending(self, message);
}

// ---- reading ----

void OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  TcpObject* self = static_cast<TcpObject*>(handle->data);
  if (!self->buffered) {
    *buf = uv_buf_init(self->state->read_buffer.get(), LoopState::kReadBufferSize);
    return;
  }
  RetakeGil(self->state);
  *buf = uv_buf_init(nullptr, 0);  // libuv then reports UV_ENOBUFS to OnRead
  PyObject* minus_one = PyLong_FromLong(-1);
  PyObject* target = minus_one ? PyObject_CallMethodOneArg(self->protocol, T().get_buffer, minus_one) : nullptr;
  Py_XDECREF(minus_one);
  if (target == nullptr) {
    FatalFromPending(self, "Fatal error: protocol.get_buffer() call failed.");
    return;
  }
  int rc = PyObject_GetBuffer(target, &self->read_view, PyBUF_WRITABLE);
  Py_DECREF(target);
  if (rc != 0) {
    FatalFromPending(self, "Fatal error: protocol.get_buffer() call failed.");
    return;
  }
  if (self->read_view.len == 0) {
    PyBuffer_Release(&self->read_view);
    PyErr_SetString(PyExc_RuntimeError, "get_buffer() returned an empty buffer");
    FatalFromPending(self, "Fatal error: protocol.get_buffer() call failed.");
    return;
  }
  self->has_view = true;
  *buf = uv_buf_init(static_cast<char*>(self->read_view.buf), static_cast<unsigned>(self->read_view.len));
}

void StopReading(TcpObject* self) {
  if (self->reading) {
    uv_read_stop(Stream(self));
    self->reading = 0;
  }
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  TcpObject* self = static_cast<TcpObject*>(stream->data);
  if (nread == 0 && !self->has_view) return;  // EAGAIN: nothing to do, not even the GIL
  RetakeGil(self->state);
  Py_INCREF(self);  // the protocol may drop the last reference to the transport
  if (self->has_view) {
    self->has_view = false;
    PyBuffer_Release(&self->read_view);
  }
  if (nread > 0 && self->conn_lost == 0) {
    PyObject* r;
    if (self->buffered) {
      PyObject* n = PyLong_FromSsize_t(nread);
      r = n ? PyObject_CallMethodOneArg(self->protocol, T().buffer_updated, n) : nullptr;
      Py_XDECREF(n);
    } else {
      PyObject* data = PyBytes_FromStringAndSize(buf->base, nread);
      if (data == nullptr) {
        r = nullptr;
      } else if (self->data_received != nullptr && PyMethod_Check(self->data_received)) {
        // The function itself with the protocol as first argument: no bound-method hop per read.
        PyObject* argv[3] = {nullptr, PyMethod_GET_SELF(self->data_received), data};
        r = PyObject_Vectorcall(PyMethod_GET_FUNCTION(self->data_received), argv + 1,
                                2 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
      } else if (self->data_received != nullptr) {
        r = PyObject_CallOneArg(self->data_received, data);
      } else {
        r = PyObject_CallMethodOneArg(self->protocol, T().data_received, data);
      }
      Py_XDECREF(data);
    }
    if (r == nullptr) {
      FatalFromPending(self, self->buffered ? "Fatal error: protocol.buffer_updated() call failed."
                                            : "Fatal error: protocol.data_received() call failed.");
    } else {
      Py_DECREF(r);
    }
  } else if (nread == UV_EOF) {
    StopReading(self);
    CallPython(self, T().read_eof, {});
  } else if (nread < 0 && nread != UV_ENOBUFS) {
    StopReading(self);
    FatalFromUv(self, static_cast<int>(nread), "Fatal read error on socket transport");
  }
  Py_DECREF(self);
}

void StartReading(TcpObject* self) {
  if (!self->open || self->reading || self->paused || self->closing) return;
  int rc = uv_read_start(Stream(self), OnAlloc, OnRead);
  if (rc == 0) {
    self->reading = 1;
  } else {
    FatalFromUv(self, rc, "Fatal read error on socket transport");
  }
}

// ---- writing ----

void OnWriteDone(uv_write_t* req, int status);

void StartWrite(TcpObject* self) {
  if (!self->in_flight.empty() || self->pending.empty()) return;
  self->in_flight.swap(self->pending);
  uv_buf_t buf = uv_buf_init(self->in_flight.data(), static_cast<unsigned>(self->in_flight.size()));
  self->write_req.data = self;
  int rc = uv_write(&self->write_req, Stream(self), &buf, 1, OnWriteDone);
  if (rc != 0) {
    self->in_flight.clear();
    FatalFromUv(self, rc, "Fatal write error on socket transport");
  }
}

void OnWriteDone(uv_write_t* req, int status) {
  TcpObject* self = static_cast<TcpObject*>(req->data);
  if (status == UV_ECANCELED) {  // the handle closed under it: connection_lost says so
    self->in_flight.clear();
    return;
  }
  RetakeGil(self->state);
  Py_INCREF(self);
  self->in_flight.clear();
  if (status < 0) {
    self->pending.clear();
    FatalFromUv(self, status, "Fatal write error on socket transport");
  } else if (!self->pending.empty()) {
    StartWrite(self);
    if (self->protocol_paused && BufferSize(self) <= self->low_water) CallPython(self, T().maybe_resume, {});
  } else {
    CallPython(self, T().write_drained, {});
  }
  Py_DECREF(self);
}

// The bytes of write()'s argument: bytes directly (the common case, no buffer to release),
// anything else through the buffer protocol.
class WriteData {
 public:
  bool Get(PyObject* data) {
    if (PyBytes_CheckExact(data)) {
      bytes_ = PyBytes_AS_STRING(data);
      size_ = static_cast<size_t>(PyBytes_GET_SIZE(data));
      return true;
    }
    if (PyObject_GetBuffer(data, &view_, PyBUF_SIMPLE) != 0) {
      PyErr_Format(PyExc_TypeError, "data argument must be a bytes-like object, not '%.100s'", Py_TYPE(data)->tp_name);
      return false;
    }
    has_view_ = true;
    bytes_ = static_cast<const char*>(view_.buf);
    size_ = static_cast<size_t>(view_.len);
    return true;
  }
  ~WriteData() {
    if (has_view_) PyBuffer_Release(&view_);
  }
  const char* bytes() const { return bytes_; }
  size_t size() const { return size_; }

 private:
  Py_buffer view_;
  bool has_view_ = false;
  const char* bytes_ = nullptr;
  size_t size_ = 0;
};

PyObject* TcpWrite(TcpObject* self, PyObject* data) {
  WriteData view;
  if (!view.Get(data)) return nullptr;
  const char* bytes = view.bytes();
  size_t size = view.size();
  PyObject* result = Py_None;
  if (self->eof) {
    PyErr_SetString(PyExc_RuntimeError, "Cannot call write() after write_eof()");
    result = nullptr;
  } else if (self->empty_waiter != nullptr && self->empty_waiter != Py_None) {
    PyErr_SetString(PyExc_RuntimeError, "unable to write; sendfile is in progress");
    result = nullptr;
  } else if (size == 0) {
    // nothing to send
  } else if (self->conn_lost != 0 || !self->open) {
    PyObject* r = PyObject_CallMethodNoArgs(Self(self), T().write_after_lost);
    if (r == nullptr) result = nullptr;
    Py_XDECREF(r);
  } else {
    size_t written = 0;
    if (self->in_flight.empty() && self->pending.empty()) {
      uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes), static_cast<unsigned>(size));
      int n = uv_try_write(Stream(self), &buf, 1);
      if (n >= 0) {
        written = static_cast<size_t>(n);
      } else if (n != UV_EAGAIN) {
        FatalFromUv(self, n, "Fatal write error on socket transport");
        Py_RETURN_NONE;
      }
    }
    if (written < size) {
      self->pending.append(bytes + written, size - written);
      StartWrite(self);
      if (!self->protocol_paused && BufferSize(self) > self->high_water) {
        PyObject* r = PyObject_CallMethodNoArgs(Self(self), T().maybe_pause);
        if (r == nullptr) result = nullptr;
        Py_XDECREF(r);
      }
    }
  }
  if (result != nullptr) Py_INCREF(result);
  return result;
}

// ---- lifecycle ----

void OnClosed(uv_handle_t* handle) {
  TcpObject* self = static_cast<TcpObject*>(handle->data);
  LoopState* state = self->state;
  RetakeGil(state);
  self->open = 0;
  self->state = nullptr;
  Py_DECREF(self);  // the reference the open handle held
  HandleClosed(state);
}

// libuv closes the descriptor when the handle closes; the socket object must not close it again.
void DetachSocket(uv_handle_t* handle) {
  TcpObject* self = static_cast<TcpObject*>(handle->data);
  if (self->sock == nullptr) return;
  PyObject* r = PyObject_CallMethodNoArgs(self->sock, T().detach);
  if (r == nullptr) PyErr_WriteUnraisable(self->sock);
  Py_XDECREF(r);
  Py_CLEAR(self->sock);
}

PyObject* TcpOpen(TcpObject* self, PyObject* sock) {
  PyObject* fileno = PyObject_CallMethod(sock, "fileno", nullptr);
  if (fileno == nullptr) return nullptr;
  long fd = PyLong_AsLong(fileno);
  Py_DECREF(fileno);
  if (fd == -1 && PyErr_Occurred()) return nullptr;
  PyObject* family = PyObject_GetAttrString(sock, "family");
  if (family == nullptr) return nullptr;
  long family_number = PyLong_AsLong(family);
  Py_DECREF(family);
  if (family_number == -1 && PyErr_Occurred()) return nullptr;
  const bool unix_socket = family_number == AF_UNIX;
  if (self->open || self->state == nullptr || self->state->closed) {
    PyErr_SetString(PyExc_RuntimeError, self->open ? "transport already open" : "Event loop is closed");
    return nullptr;
  }
  int rc = unix_socket ? uv_pipe_init(self->state->uv, &self->handle.pipe, /*ipc=*/0)
                        : uv_tcp_init(self->state->uv, &self->handle.tcp);
  if (rc != 0) {
    SetErrorFromUv(rc);
    return nullptr;
  }
  self->handle.any.data = self;
  AdoptHandle(self->state, &self->handle.any, OnClosed, DetachSocket);
  self->open = 1;
  Py_INCREF(self);  // held by the open handle until its close callback
  rc = unix_socket ? uv_pipe_open(&self->handle.pipe, static_cast<uv_file>(fd))
                   : uv_tcp_open(&self->handle.tcp, static_cast<uv_os_sock_t>(fd));
  if (rc == 0) {
    Py_INCREF(sock);  // from here libuv will close the descriptor: the socket gets detached
    self->sock = sock;
    if (!unix_socket) rc = uv_tcp_nodelay(&self->handle.tcp, 1);
  }
  if (rc != 0) {
    CloseHandle(self->state, &self->handle.any);
    SetErrorFromUv(rc);
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyObject* TcpStartReading(TcpObject* self, PyObject*) {
  StartReading(self);
  Py_RETURN_NONE;
}

PyObject* TcpStopReading(TcpObject* self, PyObject*) {
  StopReading(self);
  Py_RETURN_NONE;
}

PyObject* TcpIsReading(TcpObject* self, PyObject*) { return PyBool_FromLong(!self->closing && !self->paused); }

PyObject* TcpIsClosing(TcpObject* self, PyObject*) { return PyBool_FromLong(self->closing); }

PyObject* TcpPauseReading(TcpObject* self, PyObject*) {
  if (!self->closing && !self->paused) {
    self->paused = 1;
    StopReading(self);
  }
  Py_RETURN_NONE;
}

PyObject* TcpResumeReading(TcpObject* self, PyObject*) {
  if (!self->closing && self->paused) {
    self->paused = 0;
    StartReading(self);
  }
  Py_RETURN_NONE;
}

PyObject* TcpWriteBufferSize(TcpObject* self, PyObject*) { return PyLong_FromSsize_t(BufferSize(self)); }

PyObject* TcpClearBuffer(TcpObject* self, PyObject*) {
  self->pending.clear();  // what is in flight already belongs to the kernel's call
  Py_RETURN_NONE;
}

PyObject* TcpCloseHandle(TcpObject* self, PyObject*) {
  if (self->open && self->state != nullptr) {
    StopReading(self);
    CloseHandle(self->state, &self->handle.any);
  }
  Py_RETURN_NONE;
}

PyObject* TcpNew(PyTypeObject* type, PyObject* args, PyObject*) {
  if (PyTuple_GET_SIZE(args) < 1) {
    PyErr_SetString(PyExc_TypeError, "a transport needs its loop");
    return nullptr;
  }
  LoopState* state = StateOf(PyTuple_GET_ITEM(args, 0));
  if (state == nullptr) return nullptr;
  TcpObject* self = reinterpret_cast<TcpObject*>(type->tp_alloc(type, 0));
  if (self == nullptr) return nullptr;
  new (&self->in_flight) std::string();
  new (&self->pending) std::string();
  self->state = state;
  self->high_water = 64 * 1024;
  self->low_water = 16 * 1024;
  return Self(self);
}

int TcpTraverse(TcpObject* self, visitproc visit, void* arg) {
  Py_VISIT(self->protocol);
  Py_VISIT(self->data_received);
  Py_VISIT(self->sock);
  Py_VISIT(self->empty_waiter);
  for (PyObject* slot : self->slots) Py_VISIT(slot);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

int TcpClear(TcpObject* self) {
  Py_CLEAR(self->protocol);
  Py_CLEAR(self->data_received);
  Py_CLEAR(self->sock);
  Py_CLEAR(self->empty_waiter);
  for (PyObject*& slot : self->slots) Py_CLEAR(slot);
  return 0;
}

void TcpDealloc(TcpObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  if (self->weakrefs != nullptr) PyObject_ClearWeakRefs(Self(self));
  if (self->has_view) PyBuffer_Release(&self->read_view);
  TcpClear(self);
  self->in_flight.~basic_string();
  self->pending.~basic_string();
  type->tp_free(self);
  Py_DECREF(type);  // instances of heap types own a reference to their type
}

PyObject* GetProtocol(TcpObject* self, void*) {
  PyObject* p = self->protocol ? self->protocol : Py_None;
  Py_INCREF(p);
  return p;
}

int SetProtocol(TcpObject* self, PyObject* value, void*) {
  if (value == nullptr) value = Py_None;
  Py_INCREF(value);
  Py_XSETREF(self->protocol, value);
  // A BufferedProtocol reads into its own buffer (get_buffer / buffer_updated).
  static PyObject* buffered_type = [] {
    PyObject* protocols = PyImport_ImportModule("asyncio.protocols");
    PyObject* t = protocols ? PyObject_GetAttrString(protocols, "BufferedProtocol") : nullptr;
    Py_XDECREF(protocols);
    return t;
  }();
  int is = buffered_type && value != Py_None ? PyObject_IsInstance(value, buffered_type) : 0;
  if (is < 0) return -1;
  self->buffered = static_cast<char>(is);
  Py_CLEAR(self->data_received);
  if (!is && value != Py_None) {
    self->data_received = PyObject_GetAttr(value, T().data_received);
    if (self->data_received == nullptr) PyErr_Clear();  // the first read reports it
  }
  return 0;
}

PyGetSetDef kTcpGetSet[] = {
    {"_protocol", reinterpret_cast<getter>(GetProtocol), reinterpret_cast<setter>(SetProtocol), nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyMemberDef kTcpMembers[] = {
    {"_conn_lost", T_PYSSIZET, offsetof(TcpObject, conn_lost), 0, nullptr},
    {"_empty_waiter", T_OBJECT, offsetof(TcpObject, empty_waiter), 0, nullptr},
    {"_high_water", T_PYSSIZET, offsetof(TcpObject, high_water), 0, nullptr},
    {"_low_water", T_PYSSIZET, offsetof(TcpObject, low_water), 0, nullptr},
    {"_closing", T_BOOL, offsetof(TcpObject, closing), 0, nullptr},
    {"_eof", T_BOOL, offsetof(TcpObject, eof), 0, nullptr},
    {"_paused", T_BOOL, offsetof(TcpObject, paused), 0, nullptr},
    {"_protocol_paused", T_BOOL, offsetof(TcpObject, protocol_paused), 0, nullptr},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(TcpObject, weakrefs), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyMethodDef kTcpMethods[] = {
    {"write", reinterpret_cast<PyCFunction>(TcpWrite), METH_O, "Write bytes; what the socket won't take now is buffered."},
    {"get_write_buffer_size", reinterpret_cast<PyCFunction>(TcpWriteBufferSize), METH_NOARGS, "Bytes not yet sent."},
    {"is_reading", reinterpret_cast<PyCFunction>(TcpIsReading), METH_NOARGS, "Whether data_received is being fed."},
    {"is_closing", reinterpret_cast<PyCFunction>(TcpIsClosing), METH_NOARGS, "Whether close() or abort() was called."},
    {"pause_reading", reinterpret_cast<PyCFunction>(TcpPauseReading), METH_NOARGS, "Stop reading until resume_reading()."},
    {"resume_reading", reinterpret_cast<PyCFunction>(TcpResumeReading), METH_NOARGS, "Read again after pause_reading()."},
    {"_open", reinterpret_cast<PyCFunction>(TcpOpen), METH_O, "Serve a connected TCP socket's descriptor (detached when closed)."},
    {"_start_reading", reinterpret_cast<PyCFunction>(TcpStartReading), METH_NOARGS, nullptr},
    {"_stop_reading", reinterpret_cast<PyCFunction>(TcpStopReading), METH_NOARGS, nullptr},
    {"_clear_buffer", reinterpret_cast<PyCFunction>(TcpClearBuffer), METH_NOARGS, nullptr},
    {"_close_handle", reinterpret_cast<PyCFunction>(TcpCloseHandle), METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

PyType_Slot kTcpSlots[] = {
    {Py_tp_doc, const_cast<char*>("TcpCore(loop, ...): a uv_tcp_t (or, for an AF_UNIX socket, uv_pipe_t) stream for an asyncio transport; subclass it.")},
    {Py_tp_new, reinterpret_cast<void*>(TcpNew)},
    {Py_tp_dealloc, reinterpret_cast<void*>(TcpDealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(TcpTraverse)},
    {Py_tp_clear, reinterpret_cast<void*>(TcpClear)},
    {Py_tp_methods, kTcpMethods},
    {Py_tp_members, kTcpMembers},
    {Py_tp_getset, kTcpGetSet},
    {0, nullptr}};

PyType_Spec kTcpSpec = {"_duet_loop.TcpCore", sizeof(TcpObject), 0,
                        Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, kTcpSlots};

}  // namespace

int AddTcpType(PyObject* module) {
  PyObject* transports = PyImport_ImportModule("asyncio.transports");
  PyObject* transport = transports ? PyObject_GetAttrString(transports, "_FlowControlMixin") : nullptr;
  Py_XDECREF(transports);
  if (transport == nullptr) return -1;
  PyObject* type = PyType_FromSpecWithBases(&kTcpSpec, transport);
  Py_DECREF(transport);
  if (type == nullptr) return -1;
  int rc = PyModule_AddObjectRef(module, "TcpCore", type);
  Py_DECREF(type);
  return rc;
}

}  // namespace duet::pyloop
