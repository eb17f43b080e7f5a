// Timers of `_duet_loop`: asyncio TimerHandles on a min-heap, one uv_timer_t armed for the
// earliest (uvloop's handles/timer.pyx), and LoopCore's call_at and call_later that fill it.
#include "python/event_loop.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace duet::pyloop {
namespace {

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

}  // namespace

void DropTimers(LoopState* state) {
  for (auto& t : state->timers) Py_DECREF(t.handle);
  state->timers.clear();
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

}  // namespace duet::pyloop
