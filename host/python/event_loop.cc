// The `_duet_loop` module: LoopCore (ready queue, timers, cross-thread wakeup, one loop
// iteration on libuv), its Handle, and Poll (uv_poll_t for selectors' add_reader/add_writer).
// The Python class in py/duet_asyncio.py inherits LoopCore ahead of asyncio's own loop, so these
// methods replace asyncio's pure-Python ones and everything else stays CPython's code.
#include "python/event_loop.h"

#include <structmember.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace duet::pyloop {
namespace {

uv_loop_t* g_host_loop = nullptr;
const std::atomic<bool>* g_host_interrupted = nullptr;
LoopState* g_host_user = nullptr;          // the asyncio loop currently on the host loop
PyObject* g_timer_handle_type = nullptr;   // asyncio.TimerHandle
PyObject* g_handle_type = nullptr;         // asyncio.Handle: debug mode records where calls came from
PyObject* g_future_type = nullptr;         // asyncio.Future (the C one from _asyncio)
PyObject* g_format_callback = nullptr;     // asyncio.format_helpers._format_callback_source

PyObject* Interned(const char* s) {
  PyObject* o = PyUnicode_InternFromString(s);
  return o;  // immortal for the process: interned strings used as attribute names
}

struct Names {
  PyObject* cancelled = Interned("_cancelled");
  PyObject* scheduled = Interned("_scheduled");
  PyObject* run = Interned("_run");
  PyObject* stopping = Interned("_stopping");
  PyObject* call_exception_handler = Interned("call_exception_handler");
  PyObject* check_thread = Interned("_check_thread");
  PyObject* context = Interned("context");
  PyObject* message = Interned("message");
  PyObject* exception = Interned("exception");
  PyObject* handle = Interned("handle");
  PyObject* loop = Interned("loop");
};
Names& N() {
  static Names names;
  return names;
}

double MonotonicSeconds() {  // the clock time.monotonic() reads, so loop.time() agrees with it
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// ---- Handle: call_soon's callback, with its context; what asyncio.Handle is, in C. ----

struct HandleObject {
  PyObject_HEAD
  PyObject* callback;
  PyObject* args;  // a tuple
  PyObject* context;
  PyObject* loop;
  char cancelled;
  PyObject* weakrefs;
};

int HandleTraverse(HandleObject* self, visitproc visit, void* arg) {
  Py_VISIT(self->callback);
  Py_VISIT(self->args);
  Py_VISIT(self->context);
  Py_VISIT(self->loop);
  return 0;
}

int HandleClear(HandleObject* self) {
  Py_CLEAR(self->callback);
  Py_CLEAR(self->args);
  Py_CLEAR(self->context);
  Py_CLEAR(self->loop);
  return 0;
}

void HandleDealloc(HandleObject* self) {
  PyObject_GC_UnTrack(self);
  if (self->weakrefs != nullptr) PyObject_ClearWeakRefs(reinterpret_cast<PyObject*>(self));
  HandleClear(self);
  Py_TYPE(self)->tp_free(self);
}

PyObject* HandleCancel(HandleObject* self, PyObject*) {
  if (!self->cancelled) {
    self->cancelled = 1;
    // As asyncio does: drop the callback so its references go now, not when the loop gets to it.
    Py_CLEAR(self->callback);
    Py_CLEAR(self->args);
  }
  Py_RETURN_NONE;
}

PyObject* HandleCancelled(HandleObject* self, PyObject*) { return PyBool_FromLong(self->cancelled); }

PyObject* HandleRepr(HandleObject* self) {
  if (self->cancelled || self->callback == nullptr || g_format_callback == nullptr) {
    return PyUnicode_FromFormat("<Handle%s>", self->cancelled ? " cancelled" : "");
  }
  PyObject* args[] = {self->callback, self->args};
  PyObject* text = PyObject_Vectorcall(g_format_callback, args, 2, nullptr);
  if (text == nullptr) return nullptr;
  PyObject* repr = PyUnicode_FromFormat("<Handle %U>", text);
  Py_DECREF(text);
  return repr;
}

PyObject* RunHandleCallback(HandleObject* h);

PyObject* HandleRun(HandleObject* self, PyObject*) {
  if (self->cancelled) Py_RETURN_NONE;
  return RunHandleCallback(self);
}

PyMethodDef kHandleMethods[] = {
    {"cancel", reinterpret_cast<PyCFunction>(HandleCancel), METH_NOARGS, "Cancel the call."},
    {"cancelled", reinterpret_cast<PyCFunction>(HandleCancelled), METH_NOARGS, "Whether cancel() was called."},
    {"_run", reinterpret_cast<PyCFunction>(HandleRun), METH_NOARGS, "Run the callback now."},
    {nullptr, nullptr, 0, nullptr}};

PyMemberDef kHandleMembers[] = {
    {"_callback", T_OBJECT, offsetof(HandleObject, callback), READONLY, nullptr},
    {"_args", T_OBJECT, offsetof(HandleObject, args), READONLY, nullptr},
    {"_context", T_OBJECT, offsetof(HandleObject, context), READONLY, nullptr},
    {"_cancelled", T_BOOL, offsetof(HandleObject, cancelled), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyTypeObject HandleType = [] {
  PyTypeObject t = BlankType();
  t.tp_name = "_duet_loop.Handle";
  t.tp_basicsize = sizeof(HandleObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  t.tp_doc = "A callback scheduled by call_soon.";
  t.tp_traverse = reinterpret_cast<traverseproc>(HandleTraverse);
  t.tp_clear = reinterpret_cast<inquiry>(HandleClear);
  t.tp_dealloc = reinterpret_cast<destructor>(HandleDealloc);
  t.tp_repr = reinterpret_cast<reprfunc>(HandleRepr);
  t.tp_methods = kHandleMethods;
  t.tp_members = kHandleMembers;
  t.tp_weaklistoffset = offsetof(HandleObject, weakrefs);
  return t;
}();

// A new Handle for callback(*args) in `context` (None: a copy of the current one).
HandleObject* NewHandle(PyObject* loop, PyObject* callback, PyObject* args, PyObject* context) {
  HandleObject* h = PyObject_GC_New(HandleObject, &HandleType);
  if (h == nullptr) return nullptr;
  h->weakrefs = nullptr;
  h->cancelled = 0;
  Py_INCREF(callback);
  h->callback = callback;
  Py_INCREF(args);
  h->args = args;
  Py_INCREF(loop);
  h->loop = loop;
  if (context == nullptr || context == Py_None) {
    h->context = PyContext_CopyCurrent();
  } else {
    Py_INCREF(context);
    h->context = context;
  }
  if (h->context == nullptr) {
    Py_DECREF(h);
    return nullptr;
  }
  PyObject_GC_Track(h);
  return h;
}

// The loop's exception handler gets {'message', 'exception', **extra}; SystemExit and
// KeyboardInterrupt are not handled here (the caller lets them propagate).
void CallExceptionHandler(PyObject* loop, const char* message, PyObject* extra) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (value != nullptr && tb != nullptr) PyException_SetTraceback(value, tb);
  PyObject* context = PyDict_New();
  PyObject* text = PyUnicode_FromString(message);
  bool ok = context != nullptr && text != nullptr && PyDict_SetItem(context, N().message, text) == 0 &&
            PyDict_SetItem(context, N().exception, value ? value : Py_None) == 0 &&
            (extra == nullptr || PyDict_Update(context, extra) == 0);
  if (ok) {
    PyObject* r = PyObject_CallMethodOneArg(loop, N().call_exception_handler, context);
    ok = r != nullptr;
    Py_XDECREF(r);
  }
  if (!ok) PyErr_WriteUnraisable(loop);  // the handler itself failed: asyncio logs and goes on
  Py_XDECREF(text);
  Py_XDECREF(context);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
}

bool IsExitException() {
  return PyErr_ExceptionMatches(PyExc_SystemExit) || PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
}

PyObject* RunHandleCallback(HandleObject* h) {
  // Hold the callback: it may cancel its own handle, which drops these references.
  PyObject* callback = h->callback;
  PyObject* args = h->args;
  PyObject* context = h->context;
  Py_INCREF(callback);
  Py_INCREF(args);
  Py_INCREF(context);
  PyObject* result = nullptr;
  if (PyContext_Enter(context) == 0) {
    result = PyObject_Vectorcall(callback, &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), nullptr);
    if (PyContext_Exit(context) != 0) Py_CLEAR(result);
  }
  bool failed = result == nullptr;
  Py_XDECREF(result);
  PyObject* out = Py_None;
  if (failed) {
    if (IsExitException()) {
      out = nullptr;
    } else {
      PyObject* source = nullptr;
      if (g_format_callback != nullptr) {
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        PyObject* fargs[] = {callback, args};
        source = PyObject_Vectorcall(g_format_callback, fargs, 2, nullptr);
        if (source == nullptr) PyErr_Clear();
        PyErr_Restore(t, v, tb);
      }
      std::string message = "Exception in callback ";
      if (source != nullptr) {
        const char* s = PyUnicode_AsUTF8(source);
        message += s ? s : "?";
      }
      PyObject* extra = PyDict_New();
      if (extra != nullptr) PyDict_SetItem(extra, N().handle, reinterpret_cast<PyObject*>(h));
      CallExceptionHandler(h->loop, message.c_str(), extra);
      Py_XDECREF(extra);
      Py_XDECREF(source);
    }
  }
  Py_DECREF(callback);
  Py_DECREF(args);
  Py_DECREF(context);
  if (out != nullptr) Py_INCREF(out);
  return out;
}

// Runs one ready entry: our Handle directly, an asyncio Handle through its _run.
// Returns false when SystemExit/KeyboardInterrupt must propagate (error set).
bool RunReady(PyObject* entry) {
  if (Py_IS_TYPE(entry, &HandleType)) {
    HandleObject* h = reinterpret_cast<HandleObject*>(entry);
    if (h->cancelled) return true;
    PyObject* r = RunHandleCallback(h);
    if (r == nullptr) return false;
    Py_DECREF(r);
    return true;
  }
  PyObject* cancelled = PyObject_GetAttr(entry, N().cancelled);
  if (cancelled == nullptr) return false;
  int is_cancelled = PyObject_IsTrue(cancelled);
  Py_DECREF(cancelled);
  if (is_cancelled != 0) return is_cancelled > 0;
  PyObject* r = PyObject_CallMethodNoArgs(entry, N().run);  // asyncio's Handle reports its own errors
  if (r == nullptr) return false;
  Py_DECREF(r);
  return true;
}

// ---- Timers: asyncio TimerHandles on a heap, one uv_timer_t armed for the earliest. ----

bool TimerLater(const LoopState::Timer& a, const LoopState::Timer& b) {
  return a.when > b.when || (a.when == b.when && a.seq > b.seq);
}

void OnTimer(uv_timer_t* timer);

void ArmTimer(LoopState* state) {
  if (state->timers.empty()) {
    uv_timer_stop(&state->timer);
    return;
  }
  double delay = state->timers.front().when - MonotonicSeconds();
  uint64_t ms = delay <= 0 ? 0 : static_cast<uint64_t>(std::ceil(delay * 1000.0));
  uv_update_time(state->uv);
  uv_timer_start(&state->timer, OnTimer, ms, 0);
}

void OnTimer(uv_timer_t* timer) {
  LoopState* state = static_cast<LoopState*>(timer->data);
  RetakeGil(state);
  // asyncio's rule: everything due within the clock's resolution runs now.
  double end = MonotonicSeconds() + 1e-9;
  // Timers can fire before libuv polls; stopping makes that poll non-blocking, because the
  // callbacks just queued are work libuv does not know about.
  if (!state->timers.empty() && state->timers.front().when < end) uv_stop(state->uv);
  while (!state->timers.empty() && state->timers.front().when < end) {
    std::pop_heap(state->timers.begin(), state->timers.end(), TimerLater);
    PyObject* handle = state->timers.back().handle;
    state->timers.pop_back();
    if (PyObject_SetAttr(handle, N().scheduled, Py_False) != 0) PyErr_Clear();
    state->ready.push_back(handle);  // a cancelled one is skipped when run
  }
  ArmTimer(state);
}

void DropTimers(LoopState* state) {
  for (auto& t : state->timers) Py_DECREF(t.handle);
  state->timers.clear();
}

// Removes cancelled timers when they are most of the heap, as asyncio does.
void MaybeCompactTimers(LoopState* state) {
  if (state->cancelled_timers < 100 || state->cancelled_timers * 2 < state->timers.size()) return;
  std::vector<LoopState::Timer> kept;
  kept.reserve(state->timers.size());
  for (auto& t : state->timers) {
    PyObject* c = PyObject_GetAttr(t.handle, N().cancelled);
    int cancelled = c ? PyObject_IsTrue(c) : 0;
    Py_XDECREF(c);
    PyErr_Clear();
    if (cancelled > 0) {
      if (PyObject_SetAttr(t.handle, N().scheduled, Py_False) != 0) PyErr_Clear();
      Py_DECREF(t.handle);
    } else {
      kept.push_back(t);
    }
  }
  state->timers = std::move(kept);
  std::make_heap(state->timers.begin(), state->timers.end(), TimerLater);
  state->cancelled_timers = 0;
  ArmTimer(state);
}

// ---- LoopCore ----

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

bool CheckOpen(LoopState* state) {
  if (state == nullptr || state->closed) {
    PyErr_SetString(PyExc_RuntimeError, "Event loop is closed");
    return false;
  }
  return true;
}

// asyncio's debug-mode checks, in asyncio's own Python code: the callback is not a coroutine,
// and (except for call_soon_threadsafe) the caller is the loop's thread.
bool CheckCallback(PyObject* self, PyObject* callback, const char* method) {
  PyObject* r = PyObject_CallMethod(self, "_check_callback", "Os", callback, method);
  Py_XDECREF(r);
  return r != nullptr;
}

bool DebugChecks(PyObject* self, PyObject* callback, const char* method) {
  PyObject* r = PyObject_CallMethodNoArgs(self, N().check_thread);
  if (r == nullptr) return false;
  Py_DECREF(r);
  return CheckCallback(self, callback, method);
}

// Parses (callback, *args, context=None) from a vectorcall.
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

// Our Handle; in debug mode asyncio's own, which records the caller's stack (no Python frame
// of ours sits between, so its stack ends at the caller, as asyncio's trimmed one does).
PyObject* NewReadyEntry(LoopCoreObject* self, PyObject* callback, PyObject* cb_args, PyObject* context) {
  if (self->state->debug && g_handle_type != nullptr) {
    PyObject* args[] = {callback, cb_args, reinterpret_cast<PyObject*>(self), context};
    return PyObject_Vectorcall(g_handle_type, args, 4, nullptr);
  }
  return reinterpret_cast<PyObject*>(NewHandle(reinterpret_cast<PyObject*>(self), callback, cb_args, context));
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
  HandleObject* h = NewHandle(reinterpret_cast<PyObject*>(self), callback, cb_args, context);
  if (h == nullptr) return nullptr;
  Py_INCREF(h);
  self->state->ready.push_back(reinterpret_cast<PyObject*>(h));
  return reinterpret_cast<PyObject*>(h);
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

PyObject* ScheduleAt(LoopCoreObject* self, double when, PyObject* callback, PyObject* cb_args, PyObject* context,
                     const char* method) {
  LoopState* state = self->state;
  if (!CheckOpen(state)) return nullptr;
  if (state->debug && !DebugChecks(reinterpret_cast<PyObject*>(self), callback, method)) return nullptr;
  if (g_timer_handle_type == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "_duet_loop.configure() has not run");
    return nullptr;
  }
  PyObject* when_obj = PyFloat_FromDouble(when);
  if (when_obj == nullptr) return nullptr;
  PyObject* targs[] = {when_obj, callback, cb_args, reinterpret_cast<PyObject*>(self), context};
  PyObject* timer = PyObject_Vectorcall(g_timer_handle_type, targs, 5, nullptr);
  Py_DECREF(when_obj);
  if (timer == nullptr) return nullptr;
  if (PyObject_SetAttr(timer, N().scheduled, Py_True) != 0) {
    Py_DECREF(timer);
    return nullptr;
  }
  Py_INCREF(timer);
  bool earliest = state->timers.empty() || when < state->timers.front().when;
  state->timers.push_back({when, state->timer_seq++, timer});
  std::push_heap(state->timers.begin(), state->timers.end(), TimerLater);
  if (earliest) ArmTimer(state);
  return timer;
}

double AsSeconds(PyObject* value, const char* what, bool* ok) {
  double d = PyFloat_AsDouble(value);
  *ok = !(d == -1.0 && PyErr_Occurred());
  if (!*ok && value == Py_None) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "%s must not be None", what);
  }
  return d;
}

// call_at(when, callback, *args, context=None) and call_later(delay, ...): `relative` says
// whether the first argument counts from now.
PyObject* ScheduleTimer(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                        bool relative) {
  const char* method = relative ? "call_later" : "call_at";
  const char* first = relative ? "delay" : "when";
  if (nargs < 1) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", method, first);
    return nullptr;
  }
  bool ok;
  double seconds = AsSeconds(args[0], first, &ok);
  if (!ok) return nullptr;
  PyObject *callback, *cb_args, *context;
  if (!ParseCallbackArgs(args, nargs, kwnames, 1, &callback, &cb_args, &context, method)) return nullptr;
  double when = relative ? MonotonicSeconds() + seconds : seconds;
  PyObject* timer = ScheduleAt(self, when, callback, cb_args, context, method);
  Py_DECREF(cb_args);
  return timer;
}

PyObject* LoopCallAt(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return ScheduleTimer(self, args, nargs, kwnames, /*relative=*/false);
}

PyObject* LoopCallLater(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return ScheduleTimer(self, args, nargs, kwnames, /*relative=*/true);
}

PyObject* LoopTimerHandleCancelled(LoopCoreObject* self, PyObject* handle) {
  PyObject* scheduled = PyObject_GetAttr(handle, N().scheduled);
  if (scheduled == nullptr) return nullptr;
  int is = PyObject_IsTrue(scheduled);
  Py_DECREF(scheduled);
  if (is > 0 && self->state != nullptr) {
    self->state->cancelled_timers++;
    MaybeCompactTimers(self->state);
  }
  Py_RETURN_NONE;
}

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

// ---- Poll: one uv_poll_t per file descriptor a selector watches. ----

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

// ---- module ----

PyObject* Configure(PyObject*, PyObject* args) {
  PyObject *handle, *timer_handle, *format_callback, *future;
  if (!PyArg_ParseTuple(args, "OOOO:configure", &handle, &timer_handle, &format_callback, &future)) return nullptr;
  Py_INCREF(future);
  Py_XSETREF(g_future_type, future);
  Py_INCREF(handle);
  Py_XSETREF(g_handle_type, handle);
  Py_INCREF(timer_handle);
  Py_XSETREF(g_timer_handle_type, timer_handle);
  Py_INCREF(format_callback);
  Py_XSETREF(g_format_callback, format_callback);
  Py_RETURN_NONE;
}

PyMethodDef kModuleMethods[] = {
    {"configure", Configure, METH_VARARGS, "configure(Handle, TimerHandle, format_callback_source, Future): asyncio's pieces."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "_duet_loop",
                       "The C++ core of duet's asyncio event loop, on libuv.", -1, kModuleMethods,
                       nullptr, nullptr, nullptr, nullptr};

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

void ReportCallbackError(LoopState* state, const char* message, PyObject* context_extra) {
  if (IsExitException()) {
    if (state->pending_type == nullptr) {
      PyErr_Fetch(&state->pending_type, &state->pending_value, &state->pending_traceback);
    } else {
      PyErr_Clear();
    }
    uv_stop(state->uv);
    return;
  }
  if (state->owner == nullptr) {
    PyErr_Clear();
    return;
  }
  CallExceptionHandler(state->owner, message, context_extra);
}

void SetErrorFromUv(int status) {
  // OSError's constructor picks the errno subclass (ConnectionResetError, ...).
  PyObject* exc = PyObject_CallFunction(PyExc_OSError, "is", -status, uv_strerror(status));
  if (exc != nullptr) {
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc)), exc);
    Py_DECREF(exc);
  }
}

}  // namespace duet::pyloop

extern "C" PyObject* PyInit__duet_loop() {
  using namespace duet::pyloop;
  if (PyType_Ready(&HandleType) < 0 || PyType_Ready(&LoopCoreType) < 0 || PyType_Ready(&PollType) < 0) {
    return nullptr;
  }
  PyObject* module = PyModule_Create(&kModule);
  if (module == nullptr) return nullptr;
  if (PyModule_AddObjectRef(module, "Handle", reinterpret_cast<PyObject*>(&HandleType)) < 0 ||
      PyModule_AddObjectRef(module, "LoopCore", reinterpret_cast<PyObject*>(&LoopCoreType)) < 0 ||
      PyModule_AddObjectRef(module, "Poll", reinterpret_cast<PyObject*>(&PollType)) < 0 ||
      AddTcpType(module) < 0) {
    Py_DECREF(module);
    return nullptr;
  }
  return module;
}
