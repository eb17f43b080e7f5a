// The C++ core of duet's asyncio event loop (the `_duet_loop` module): the ready queue, timers,
// the cross-thread wakeup and uv handles for selectors and TCP, on the host's libuv loop.
// asyncio's own Python code (host/python/py/duet_asyncio.py) supplies everything else.
// Node runs its own timers and handles on the same loop (host/node/runtime.cc).
// One file per part, as uvloop splits its handles: event_loop.cc (the module), loop_core.cc,
// loop_handle.cc, loop_timers.cc, loop_poll.cc, tcp.cc, loop_errors.cc; this header is what
// they share. The host itself needs only SetHostLoop and PyInit__duet_loop.
#pragma once

#include <Python.h>
#include <time.h>
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

// ---- The adopted-handle contract (loop_core.cc) ----

// Registers an open handle of the loop (unref'd: only a running asyncio loop keeps libuv
// alive), so that closing the loop closes it. `before_close` runs just before uv_close, whoever
// closes it: a TCP transport gives up its Python socket's claim on the descriptor there.
void AdoptHandle(LoopState* state, uv_handle_t* handle, uv_close_cb on_close,
                 void (*before_close)(uv_handle_t*) = nullptr);
// Starts closing an adopted handle; its close callback must end with HandleClosed(state).
void CloseHandle(LoopState* state, uv_handle_t* handle);
void HandleClosed(LoopState* state);

// ---- The loop core's checks, for the methods other files give LoopCore (loop_core.cc) ----

LoopState* StateOf(PyObject* loop_core);  // null, with TypeError set, if not a LoopCore
// False, with RuntimeError set, once the loop is closed.
bool CheckOpen(LoopState* state);
// asyncio's debug-mode checks (its own Python code): the caller is the loop's thread and the
// callback is not a coroutine. False with the error set.
bool DebugChecks(PyObject* self, PyObject* callback, const char* method);
// Parses (callback, *args, context=None) from a vectorcall whose callback is args[first];
// *cb_args is a new tuple. False with the error set.
bool ParseCallbackArgs(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, Py_ssize_t first,
                       PyObject** callback, PyObject** cb_args, PyObject** context, const char* name);

// The clock time.monotonic() reads, so loop.time() agrees with it.
inline double MonotonicSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// ---- Handle (loop_handle.cc) ----

// A new Handle for callback(*args) in `context` (None: a copy of the current one).
PyObject* NewHandle(PyObject* loop, PyObject* callback, PyObject* args, PyObject* context);
// Runs one ready entry: our Handle directly, an asyncio Handle through its _run.
// Returns false when SystemExit/KeyboardInterrupt must propagate (error set).
bool RunReady(PyObject* entry);

// ---- Timers (loop_timers.cc): LoopCore's methods and the heap's end with the loop ----

PyObject* LoopCallAt(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames);
PyObject* LoopCallLater(LoopCoreObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames);
PyObject* LoopTimerHandleCancelled(LoopCoreObject* self, PyObject* handle);
void DropTimers(LoopState* state);  // drops every timer's reference, without running it

// ---- Errors (loop_errors.cc) ----

// The pending exception, after a libuv callback into Python failed: SystemExit and
// KeyboardInterrupt stop the loop and surface from _run_once; anything else goes to the
// loop's exception handler as {'message': message, 'exception': exc, **context}.
void ReportCallbackError(LoopState* state, const char* message, PyObject* context_extra);
// The loop's exception handler gets {'message', 'exception', **extra} for the pending
// exception; SystemExit and KeyboardInterrupt are not handled here (the caller lets them propagate).
void CallExceptionHandler(PyObject* loop, const char* message, PyObject* extra);
bool IsExitException();  // the pending exception is SystemExit or KeyboardInterrupt

// An OSError (or its errno subclass) for a negative libuv status, set as the pending error.
void SetErrorFromUv(int status);

// ---- The module's shared pieces (event_loop.cc) ----

// asyncio's own classes and formatter, given by _duet_loop.configure(); null before it runs.
extern PyObject* g_timer_handle_type;  // asyncio.TimerHandle
extern PyObject* g_handle_type;        // asyncio.Handle: debug mode records where calls came from
extern PyObject* g_future_type;        // asyncio.Future (the C one from _asyncio)
extern PyObject* g_format_callback;    // asyncio.format_helpers._format_callback_source

// Attribute names the module's files look up, interned once and immortal for the process.
struct Names {
  Names();
  PyObject* cancelled;
  PyObject* scheduled;
  PyObject* run;
  PyObject* stopping;
  PyObject* call_exception_handler;
  PyObject* check_thread;
  PyObject* context;
  PyObject* message;
  PyObject* exception;
  PyObject* handle;
  PyObject* loop;
};
const Names& N();

// A zeroed static type object with its one reference; PyType_Ready fills in the rest.
inline PyTypeObject BlankType() {
  PyTypeObject t{};
  Py_SET_REFCNT(reinterpret_cast<PyObject*>(&t), 1);
  return t;
}

// Each part readies its type and adds it to the module; -1 with the error set.
extern PyTypeObject LoopCoreType;
int AddHandleType(PyObject* module);
int AddPollType(PyObject* module);
int AddTcpType(PyObject* module);

}  // namespace duet::pyloop

extern "C" PyObject* PyInit__duet_loop();
