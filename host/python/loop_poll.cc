// Poll, the selector half of `_duet_loop`: one uv_poll_t per file descriptor that add_reader and
// add_writer watch (uvloop's handles/poll.pyx), on the loop's adopted-handle contract.
#include "python/event_loop.h"

namespace duet::pyloop {
namespace {

struct PollObject {
  PyObject_HEAD
  LoopState* state;
  PyObject* callback;  // callback(fd, events)
  uv_poll_t poll;
  int fd;
  bool open;
};

void OnPollClosed(uv_handle_t* handle) {
  PollObject* self = static_cast<PollObject*>(handle->data);
  LoopState* state = self->state;
  RetakeGil(state);
  self->open = false;
  self->state = nullptr;
  Py_CLEAR(self->callback);
  Py_DECREF(self);  // the reference the open handle held
  HandleClosed(state);
}

void OnPoll(uv_poll_t* handle, int status, int events) {
  PollObject* self = static_cast<PollObject*>(handle->data);
  RetakeGil(self->state);
  // An error is reported as readiness both ways: the reader's or writer's own call then
  // meets the error, as with select().
  int mask = status < 0 ? 3 : ((events & UV_READABLE) ? 1 : 0) | ((events & UV_WRITABLE) ? 2 : 0) |
                                  ((events & UV_DISCONNECT) ? 1 : 0);
  PyObject* r = PyObject_CallFunction(self->callback, "ii", self->fd, mask);
  if (r == nullptr) {
    ReportCallbackError(self->state, "Exception in selector callback", nullptr);
  } else {
    Py_DECREF(r);
  }
}

PyObject* PollNew(PyTypeObject* type, PyObject* args, PyObject*) {
  PyObject *loop, *callback;
  int fd;
  if (!PyArg_ParseTuple(args, "OiO:Poll", &loop, &fd, &callback)) return nullptr;
  LoopState* state = StateOf(loop);
  if (state == nullptr || !CheckOpen(state)) return nullptr;
  PollObject* self = reinterpret_cast<PollObject*>(type->tp_alloc(type, 0));
  if (self == nullptr) return nullptr;
  int rc = uv_poll_init(state->uv, &self->poll, fd);
  if (rc != 0) {
    Py_DECREF(self);
    SetErrorFromUv(rc);
    return nullptr;
  }
  self->state = state;
  self->fd = fd;
  self->open = true;
  self->poll.data = self;
  Py_INCREF(callback);
  self->callback = callback;
  AdoptHandle(state, reinterpret_cast<uv_handle_t*>(&self->poll), OnPollClosed);
  Py_INCREF(self);  // held by the open handle until its close callback
  return reinterpret_cast<PyObject*>(self);
}

PyObject* PollStart(PollObject* self, PyObject* arg) {
  long events = PyLong_AsLong(arg);
  if (events == -1 && PyErr_Occurred()) return nullptr;
  if (!self->open) {
    PyErr_SetString(PyExc_ValueError, "poll handle is closed");
    return nullptr;
  }
  int uv_events = ((events & 1) ? UV_READABLE : 0) | ((events & 2) ? UV_WRITABLE : 0);
  int rc = uv_poll_start(&self->poll, uv_events, OnPoll);
  if (rc != 0) {
    SetErrorFromUv(rc);
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyObject* PollClose(PollObject* self, PyObject*) {
  if (self->open && self->state != nullptr) {
    uv_poll_stop(&self->poll);
    CloseHandle(self->state, reinterpret_cast<uv_handle_t*>(&self->poll));
  }
  Py_RETURN_NONE;
}

void PollDealloc(PollObject* self) {
  Py_XDECREF(self->callback);
  Py_TYPE(self)->tp_free(self);
}

PyMethodDef kPollMethods[] = {
    {"start", reinterpret_cast<PyCFunction>(PollStart), METH_O, "Watch for events (1 read, 2 write)."},
    {"close", reinterpret_cast<PyCFunction>(PollClose), METH_NOARGS, "Stop watching and release the handle."},
    {nullptr, nullptr, 0, nullptr}};

PyTypeObject PollType = [] {
  PyTypeObject t = BlankType();
  t.tp_name = "_duet_loop.Poll";
  t.tp_basicsize = sizeof(PollObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_doc = "Poll(loop, fd, callback): readiness of one file descriptor on the loop.";
  t.tp_new = PollNew;
  t.tp_dealloc = reinterpret_cast<destructor>(PollDealloc);
  t.tp_methods = kPollMethods;
  return t;
}();

}  // namespace

int AddPollType(PyObject* module) {
  if (PyType_Ready(&PollType) < 0) return -1;
  return PyModule_AddObjectRef(module, "Poll", reinterpret_cast<PyObject*>(&PollType));
}

}  // namespace duet::pyloop
