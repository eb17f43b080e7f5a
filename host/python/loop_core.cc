// LoopCore, the heart of `_duet_loop` (uvloop's loop.pyx): one asyncio loop's libuv state and
// its adopted handles, the ready queue and call_soon, the cross-thread wakeup, and one loop
// iteration on libuv. The Python class in py/duet_asyncio.py inherits LoopCore ahead of
// asyncio's own loop, so these methods replace asyncio's pure-Python ones.
#include "python/event_loop.h"

#include <memory>
#include <utility>
#include <vector>

namespace duet::pyloop {
namespace {

uv_loop_t* g_host_loop = nullptr;
const std::atomic<bool>* g_host_interrupted = nullptr;
LoopState* g_host_user = nullptr;          // the asyncio loop currently on the host loop

void OnWakeup(uv_async_t*) {}  // its work is done: uv_run returns and _run_once drains

void OnStateHandleClosed(uv_handle_t* handle) { HandleClosed(static_cast<LoopState*>(handle->data)); }

// libuv is about to poll, maybe blocking: a callback of this uv_run took the GIL back; give it up.
void OnBeforePoll(uv_prepare_t* prepare) {
  LoopState* state = static_cast<LoopState*>(prepare->data);
  if (state->in_run && state->released == nullptr) state->released = PyEval_SaveThread();
}

// Closes the loop's handles and drops its Python references. The loop then reports itself
// closed; the state itself lives on until the LoopCore lets go (ReleaseState).
void CloseLoopHandles(LoopState* state) {
  if (state->closed) return;
  state->closed = true;
  state->wakeup_open = false;
  for (PyObject* h : state->ready) Py_DECREF(h);
  state->ready.clear();
  DropTimers(state);
  Py_CLEAR(state->pending_type);
  Py_CLEAR(state->pending_value);
  Py_CLEAR(state->pending_traceback);
  if (g_host_user == state) g_host_user = nullptr;
  std::vector<uv_handle_t*> open;
  for (auto& entry : state->handles) open.push_back(entry.first);
  for (uv_handle_t* handle : open) CloseHandle(state, handle);
  // Let the close callbacks run now; a private loop is run dry and closed.
  std::unique_ptr<uv_loop_t> own = std::move(state->own_loop);
  uv_run(state->uv, own ? UV_RUN_DEFAULT : UV_RUN_NOWAIT);  // may free `state` if released
  if (own) uv_loop_close(own.get());
}

void ReleaseState(LoopState* state) {
  state->owner = nullptr;
  state->core_released = true;
  if (!state->closed) {
    CloseLoopHandles(state);  // frees the state from its last close callback
  } else if (state->open_handles == 0) {
    delete state;
  }
}

PyObject* LoopCoreNew(PyTypeObject* type, PyObject*, PyObject*) {
  LoopCoreObject* self = reinterpret_cast<LoopCoreObject*>(type->tp_alloc(type, 0));
  if (self == nullptr) return nullptr;
  auto state = std::make_unique<LoopState>();
  state->owner = reinterpret_cast<PyObject*>(self);
  if (g_host_loop != nullptr && g_host_user == nullptr) {
    state->uv = g_host_loop;
    g_host_user = state.get();
  } else {
    // Another asyncio loop holds the shared one (tests create several): this one gets its own.
    state->own_loop = std::make_unique<uv_loop_t>();
    int rc = uv_loop_init(state->own_loop.get());
    if (rc != 0) {
      Py_DECREF(self);
      SetErrorFromUv(rc);
      return nullptr;
    }
    state->uv = state->own_loop.get();
  }
  uv_timer_init(state->uv, &state->timer);
  uv_async_init(state->uv, &state->wakeup, OnWakeup);
  uv_prepare_init(state->uv, &state->before_poll);
  state->timer.data = state.get();
  state->wakeup.data = state.get();
  state->before_poll.data = state.get();
  AdoptHandle(state.get(), reinterpret_cast<uv_handle_t*>(&state->timer), OnStateHandleClosed);
  AdoptHandle(state.get(), reinterpret_cast<uv_handle_t*>(&state->wakeup), OnStateHandleClosed);
  AdoptHandle(state.get(), reinterpret_cast<uv_handle_t*>(&state->before_poll), OnStateHandleClosed);
  uv_prepare_start(&state->before_poll, OnBeforePoll);
  state->wakeup_open = true;
  state->read_buffer = std::make_unique<char[]>(LoopState::kReadBufferSize);
  self->state = state.release();
  return reinterpret_cast<PyObject*>(self);
}

void LoopCoreDealloc(LoopCoreObject* self) {
  if (self->state != nullptr) {
    ReleaseState(std::exchange(self->state, nullptr));
  }
  Py_TYPE(self)->tp_free(self);
}

// asyncio's debug-mode checks, in asyncio's own Python code: the callback is not a coroutine,
// and (except for call_soon_threadsafe) the caller is the loop's thread.
bool CheckCallback(PyObject* self, PyObject* callback, const char* method) {
  PyObject* r = PyObject_CallMethod(self, "_check_callback", "Os", callback, method);
  Py_XDECREF(r);
  return r != nullptr;
}

}  // namespace

bool CheckOpen(LoopState* state) {
  if (state == nullptr || state->closed) {
    PyErr_SetString(PyExc_RuntimeError, "Event loop is closed");
    return false;
  }
  return true;
}

bool DebugChecks(PyObject* self, PyObject* callback, const char* method) {
  PyObject* r = PyObject_CallMethodNoArgs(self, N().check_thread);
  if (r == nullptr) return false;
  Py_DECREF(r);
  return CheckCallback(self, callback, method);
}

bool ParseCallbackArgs(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, Py_ssize_t first,
                       PyObject** callback, PyObject** cb_args, PyObject** context, const char* name) {
  *context = Py_None;
  if (kwnames != nullptr) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, i);
      if (PyUnicode_Compare(key, N().context) != 0) {
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", name, key);
        return false;
      }
      *context = args[nargs + i];
    }
  }
  if (nargs < first + 1) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument 'callback'", name);
    return false;
  }
  *callback = args[first];
  *cb_args = PyTuple_New(nargs - first - 1);
  if (*cb_args == nullptr) return false;
  for (Py_ssize_t i = first + 1; i < nargs; i++) {
    Py_INCREF(args[i]);
    PyTuple_SET_ITEM(*cb_args, i - first - 1, args[i]);
  }
  return true;
}

namespace {

// Our Handle; in debug mode asyncio's own, which records the caller's stack (no Python frame
// of ours sits between, so its stack ends at the caller, as asyncio's trimmed one does).
PyObject* NewReadyEntry(LoopCoreObject* self, PyObject* callback, PyObject* cb_args, PyObject* context) {
  if (self->state->debug && g_handle_type != nullptr) {
    PyObject* args[] = {callback, cb_args, reinterpret_cast<PyObject*>(self), context};
    return PyObject_Vectorcall(g_handle_type, args, 4, nullptr);
  }
  return NewHandle(reinterpret_cast<PyObject*>(self), callback, cb_args, context);
}

PyObject* ScheduleSoon(LoopCoreObject* self, PyObject* callback, PyObject* cb_args, PyObject* context,
                       const char* method) {
  LoopState* state = self->state;
  if (!CheckOpen(state)) return nullptr;
  if (state->debug && !DebugChecks(reinterpret_cast<PyObject*>(self), callback, method)) return nullptr;
  PyObject* h = NewReadyEntry(self, callback, cb_args, context);
  if (h == nullptr) return nullptr;
  Py_INCREF(h);
  state->ready.push_back(h);
  return h;
}

PyObject* LoopCallSoon(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject *callback, *cb_args, *context;
  if (!ParseCallbackArgs(args, nargs, kwnames, 0, &callback, &cb_args, &context, "call_soon")) return nullptr;
  PyObject* h = ScheduleSoon(self, callback, cb_args, context, "call_soon");
  Py_DECREF(cb_args);
  return h;
}

// asyncio's internal _call_soon(callback, args, context): no checks.
PyObject* LoopCallSoonInternal(LoopCoreObject* self, PyObject* args) {
  PyObject *callback, *cb_args, *context = Py_None;
  if (!PyArg_ParseTuple(args, "OO!|O:_call_soon", &callback, &PyTuple_Type, &cb_args, &context)) return nullptr;
  if (!CheckOpen(self->state)) return nullptr;
  PyObject* h = NewHandle(reinterpret_cast<PyObject*>(self), callback, cb_args, context);
  if (h == nullptr) return nullptr;
  Py_INCREF(h);
  self->state->ready.push_back(h);
  return h;
}

void Wake(LoopState* state) {
  if (state != nullptr && state->wakeup_open) uv_async_send(&state->wakeup);
}

// From any thread that holds the GIL: the queue is only touched under the GIL, and the
// uv_async wakes a loop blocked in uv_run (which released the GIL).
PyObject* LoopCallSoonThreadsafe(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs,
                                 PyObject* kwnames) {
  PyObject *callback, *cb_args, *context;
  if (!ParseCallbackArgs(args, nargs, kwnames, 0, &callback, &cb_args, &context, "call_soon_threadsafe")) {
    return nullptr;
  }
  LoopState* state = self->state;
  PyObject* h = nullptr;
  if (CheckOpen(state) &&
      (!state->debug || CheckCallback(reinterpret_cast<PyObject*>(self), callback, "call_soon_threadsafe"))) {
    h = NewReadyEntry(self, callback, cb_args, context);
    if (h != nullptr) {
      Py_INCREF(h);
      state->ready.push_back(h);
      Wake(state);
    }
  }
  Py_DECREF(cb_args);
  return h;
}

PyObject* LoopWriteToSelf(LoopCoreObject* self, PyObject*) {
  Wake(self->state);
  Py_RETURN_NONE;
}

PyObject* LoopTime(LoopCoreObject*, PyObject*) { return PyFloat_FromDouble(MonotonicSeconds()); }

PyObject* LoopAddCallback(LoopCoreObject* self, PyObject* handle) {
  PyObject* cancelled = PyObject_GetAttr(handle, N().cancelled);
  if (cancelled == nullptr) return nullptr;
  int is = PyObject_IsTrue(cancelled);
  Py_DECREF(cancelled);
  if (is == 0 && self->state != nullptr) {
    Py_INCREF(handle);
    self->state->ready.push_back(handle);
  }
  Py_RETURN_NONE;
}

// asyncio's stop() sets loop._stopping; -1 with an error set if it cannot be read.
int Stopping(LoopCoreObject* self) {
  PyObject* stopping = PyObject_GetAttr(reinterpret_cast<PyObject*>(self), N().stopping);
  if (stopping == nullptr) return -1;
  int is = PyObject_IsTrue(stopping);
  Py_DECREF(stopping);
  return is;
}

// One iteration: poll libuv (blocking only when nothing is ready), then run the callbacks
// that were ready when it returned; the ones they schedule wait for the next iteration.
PyObject* LoopRunOnce(LoopCoreObject* self, PyObject*) {
  LoopState* state = self->state;
  if (!CheckOpen(state)) return nullptr;
  int stopping = Stopping(self);
  if (stopping < 0) return nullptr;
  uv_run_mode mode = state->ready.empty() && !stopping ? UV_RUN_ONCE : UV_RUN_NOWAIT;

  uv_ref(reinterpret_cast<uv_handle_t*>(&state->wakeup));
  Py_INCREF(self);  // a callback may drop the last reference to the loop
  state->released = PyEval_SaveThread();
  state->in_run = true;
  uv_run(state->uv, mode);
  state->in_run = false;
  RetakeGil(state);  // unless a callback already took it back
  if (!state->closed) uv_unref(reinterpret_cast<uv_handle_t*>(&state->wakeup));

  PyObject* result = Py_None;
  if (state->pending_type != nullptr) {
    PyErr_Restore(state->pending_type, state->pending_value, state->pending_traceback);
    state->pending_type = state->pending_value = state->pending_traceback = nullptr;
    result = nullptr;
  }
  if (result != nullptr && state->uv == g_host_loop && g_host_interrupted != nullptr && *g_host_interrupted) {
    // Raised here as well as by the pending call: a callback's Handle would swallow that one.
    PyErr_SetString(PyExc_KeyboardInterrupt, "interrupted by duet's watchdog");
    result = nullptr;
  }
  for (size_t todo = state->ready.size(); result != nullptr && todo > 0 && !state->ready.empty(); todo--) {
    PyObject* entry = state->ready.front();
    state->ready.pop_front();
    if (!RunReady(entry)) result = nullptr;
    Py_DECREF(entry);
  }
  Py_DECREF(self);
  if (result == nullptr) return nullptr;
  Py_RETURN_NONE;
}

// Futures and tasks ask get_debug() each time one is made: answered here without Python code.
PyObject* LoopGetDebug(LoopCoreObject* self, PyObject*) {
  return PyBool_FromLong(self->state != nullptr && self->state->debug);
}

// Future(loop=self), without a Python frame: streams make one per read that waits.
PyObject* LoopCreateFuture(LoopCoreObject* self, PyObject*) {
  if (g_future_type == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "_duet_loop.configure() has not run");
    return nullptr;
  }
  PyObject* kwnames = PyTuple_Pack(1, N().loop);
  if (kwnames == nullptr) return nullptr;
  PyObject* args[] = {reinterpret_cast<PyObject*>(self)};
  PyObject* future = PyObject_Vectorcall(g_future_type, args, 0, kwnames);
  Py_DECREF(kwnames);
  return future;
}

// run_forever's loop: iterations until stop(), without a Python frame per iteration.
PyObject* LoopRunUntilStopped(LoopCoreObject* self, PyObject*) {
  while (true) {
    PyObject* r = LoopRunOnce(self, nullptr);
    if (r == nullptr) return nullptr;
    Py_DECREF(r);
    int stopping = Stopping(self);
    if (stopping < 0) return nullptr;
    if (stopping) Py_RETURN_NONE;
  }
}

PyObject* LoopSetCoreDebug(LoopCoreObject* self, PyObject* enabled) {
  if (self->state != nullptr) self->state->debug = PyObject_IsTrue(enabled) > 0;
  Py_RETURN_NONE;
}

PyObject* LoopCoreClose(LoopCoreObject* self, PyObject*) {
  if (self->state != nullptr) {
    // The state frees itself after its close callbacks; the LoopCore forgets it now.
    ReleaseState(std::exchange(self->state, nullptr));
  }
  Py_RETURN_NONE;
}

PyObject* LoopOnSharedLoop(LoopCoreObject* self, PyObject*) {
  return PyBool_FromLong(self->state != nullptr && self->state->uv == g_host_loop && g_host_loop != nullptr);
}

PyMethodDef kLoopCoreMethods[] = {
    {"time", reinterpret_cast<PyCFunction>(LoopTime), METH_NOARGS, "The loop's monotonic clock, in seconds."},
    {"call_soon", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(LoopCallSoon)),
     METH_FASTCALL | METH_KEYWORDS, "Schedule callback(*args) for the next iteration."},
    {"_call_soon", reinterpret_cast<PyCFunction>(LoopCallSoonInternal), METH_VARARGS, nullptr},
    {"call_soon_threadsafe", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(LoopCallSoonThreadsafe)),
     METH_FASTCALL | METH_KEYWORDS, "call_soon from any thread; wakes the loop."},
    {"call_at", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(LoopCallAt)),
     METH_FASTCALL | METH_KEYWORDS, "Schedule callback(*args) at loop time `when`."},
    {"call_later", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(LoopCallLater)),
     METH_FASTCALL | METH_KEYWORDS, "Schedule callback(*args) after `delay` seconds."},
    {"_timer_handle_cancelled", reinterpret_cast<PyCFunction>(LoopTimerHandleCancelled), METH_O, nullptr},
    {"_add_callback", reinterpret_cast<PyCFunction>(LoopAddCallback), METH_O, nullptr},
    {"_write_to_self", reinterpret_cast<PyCFunction>(LoopWriteToSelf), METH_NOARGS, nullptr},
    {"_run_once", reinterpret_cast<PyCFunction>(LoopRunOnce), METH_NOARGS, nullptr},
    {"_run_until_stopped", reinterpret_cast<PyCFunction>(LoopRunUntilStopped), METH_NOARGS, nullptr},
    {"_set_core_debug", reinterpret_cast<PyCFunction>(LoopSetCoreDebug), METH_O, nullptr},
    {"get_debug", reinterpret_cast<PyCFunction>(LoopGetDebug), METH_NOARGS, "Whether debug mode is on."},
    {"create_future", reinterpret_cast<PyCFunction>(LoopCreateFuture), METH_NOARGS, "A new Future on this loop."},
    {"_close_core", reinterpret_cast<PyCFunction>(LoopCoreClose), METH_NOARGS, nullptr},
    {"_on_shared_loop", reinterpret_cast<PyCFunction>(LoopOnSharedLoop), METH_NOARGS,
     "Whether this loop runs on the host's libuv loop (the one JavaScript uses)."},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyTypeObject LoopCoreType = [] {
  PyTypeObject t = BlankType();
  t.tp_name = "_duet_loop.LoopCore";
  t.tp_basicsize = sizeof(LoopCoreObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE;
  t.tp_doc = "The libuv half of an asyncio event loop; subclass it together with asyncio's loop.";
  t.tp_new = LoopCoreNew;
  t.tp_dealloc = reinterpret_cast<destructor>(LoopCoreDealloc);
  t.tp_methods = kLoopCoreMethods;
  return t;
}();

LoopState* StateOf(PyObject* loop_core) {
  if (!PyObject_TypeCheck(loop_core, &LoopCoreType)) {
    PyErr_SetString(PyExc_TypeError, "expected a duet event loop");
    return nullptr;
  }
  LoopState* state = reinterpret_cast<LoopCoreObject*>(loop_core)->state;
  if (state == nullptr) PyErr_SetString(PyExc_RuntimeError, "Event loop is closed");
  return state;
}

void SetHostLoop(uv_loop_t* loop, const std::atomic<bool>* interrupted) {
  // The host loop is going away: an asyncio loop still on it closes with it.
  if (loop == nullptr && g_host_user != nullptr) CloseLoopHandles(g_host_user);
  g_host_loop = loop;
  g_host_interrupted = interrupted;
}

void AdoptHandle(LoopState* state, uv_handle_t* handle, uv_close_cb on_close, void (*before_close)(uv_handle_t*)) {
  state->handles.emplace(handle, LoopState::Adopted{on_close, before_close});
  state->open_handles++;
  uv_unref(handle);
}

void CloseHandle(LoopState* state, uv_handle_t* handle) {
  auto it = state->handles.find(handle);
  if (it == state->handles.end() || uv_is_closing(handle)) return;
  LoopState::Adopted adopted = it->second;
  state->handles.erase(it);
  if (adopted.before_close != nullptr) adopted.before_close(handle);
  uv_close(handle, adopted.on_close);
}

void HandleClosed(LoopState* state) {
  if (--state->open_handles == 0 && state->core_released) delete state;
}

}  // namespace duet::pyloop
