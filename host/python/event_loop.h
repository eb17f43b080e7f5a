// The C++ core of duet's asyncio event loop (the `_duet_loop` module): the ready queue, timers,
// the cross-thread wakeup and uv handles for selectors and TCP, on the host's libuv loop.
// asyncio's own Python code (host/python/py/duet_asyncio.py) supplies everything else.
// Node runs its own timers and handles on the same loop (host/node/runtime.cc).
#pragma once

#include <Python.h>
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace duet::pyloop {

// Makes `loop` the libuv loop asyncio loops run on (null detaches: loops still on it close).
// While `*interrupted` holds (the host's watchdog), a loop on it stops with KeyboardInterrupt.
void SetHostLoop(uv_loop_t* loop, const std::atomic<bool>* interrupted);

// One asyncio loop's libuv side. Owned by its LoopCore object; outlives it only while handle
// close callbacks are pending.
struct LoopState {
  uv_loop_t* uv = nullptr;
  std::unique_ptr<uv_loop_t> own_loop;  // set when the host loop is taken by another asyncio loop
  uv_timer_t timer{};
  uv_async_t wakeup{};
  // Every open handle of this loop and its close callback, so closing the loop closes them;
  // the state is freed when the loop is closed and the last close callback ran.
  struct Adopted {
    uv_close_cb on_close;
    void (*before_close)(uv_handle_t*);  // may be null; runs with the GIL held
  };
  std::unordered_map<uv_handle_t*, Adopted> handles;
  int open_handles = 0;

  PyObject* owner = nullptr;  // the LoopCore, borrowed
  std::deque<PyObject*> ready;  // owned references: Handle objects, or asyncio Handles
  struct Timer {
    double when;
    uint64_t seq;
    PyObject* handle;  // owned asyncio.TimerHandle
  };
  std::vector<Timer> timers;  // a min-heap on (when, seq)
  uint64_t timer_seq = 0;
  size_t cancelled_timers = 0;

  // While uv_run blocks, the GIL is released so other Python threads run; the first callback
  // from libuv takes it back with this thread state and keeps it for the rest of the batch
  // (a GIL round trip per callback was ~4% of an echo's user time). `before_poll` gives it up
  // again before libuv next blocks; _run_once retakes it if nothing did.
  PyThreadState* released = nullptr;
  bool in_run = false;   // inside _run_once's uv_run
  uv_prepare_t before_poll{};
  // SystemExit / KeyboardInterrupt raised inside a libuv callback: re-raised by _run_once.
  PyObject* pending_type = nullptr;
  PyObject* pending_value = nullptr;
  PyObject* pending_traceback = nullptr;

  bool closed = false;          // no more callbacks; every handle closed or closing
  bool core_released = false;  // the LoopCore let go: freed when the last handle has closed
  bool debug = false;
  std::atomic<bool> wakeup_open{false};
  std::unique_ptr<char[]> read_buffer;  // shared by every TCP read on this loop
  static constexpr size_t kReadBufferSize = 256 * 1024;
};

// Makes sure a libuv callback holds the GIL, taking it back when uv_run released it. It is not
// given up at the end of the callback: LoopState::before_poll does that before libuv blocks.
inline void RetakeGil(LoopState* state) {
  if (PyThreadState* tstate = std::exchange(state->released, nullptr)) PyEval_RestoreThread(tstate);
}

// Every Python object that owns a libuv handle starts with this: the loop it lives on.
struct LoopCoreObject {
  PyObject_HEAD
  LoopState* state;
};

// Registers an open handle of the loop (unref'd: only a running asyncio loop keeps libuv
// alive), so that closing the loop closes it. `before_close` runs just before uv_close, whoever
// closes it: a TCP transport gives up its Python socket's claim on the descriptor there.
void AdoptHandle(LoopState* state, uv_handle_t* handle, uv_close_cb on_close,
                 void (*before_close)(uv_handle_t*) = nullptr);
// Starts closing an adopted handle; its close callback must end with HandleClosed(state).
void CloseHandle(LoopState* state, uv_handle_t* handle);
void HandleClosed(LoopState* state);

// The pending exception, after a libuv callback into Python failed: SystemExit and
// KeyboardInterrupt stop the loop and surface from _run_once; anything else goes to the
// loop's exception handler as {'message': message, 'exception': exc, **context}.
void ReportCallbackError(LoopState* state, const char* message, PyObject* context_extra);

// An OSError (or its errno subclass) for a negative libuv status, set as the pending error.
void SetErrorFromUv(int status);

// A zeroed static type object with its one reference; PyType_Ready fills in the rest.
inline PyTypeObject BlankType() {
  PyTypeObject t{};
  Py_SET_REFCNT(reinterpret_cast<PyObject*>(&t), 1);
  return t;
}

// Module setup pieces (event_loop.cc owns the module; tcp.cc adds its type).
extern PyTypeObject LoopCoreType;
int AddTcpType(PyObject* module);
LoopState* StateOf(PyObject* loop_core);  // null, with TypeError set, if not a LoopCore

}  // namespace duet::pyloop

extern "C" PyObject* PyInit__duet_loop();
