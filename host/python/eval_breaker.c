/* Wakes CPython's eval loop for a pending call queued from another thread. In 3.11,
 * Py_AddPendingCall computes the eval breaker on the calling thread, where pending calls
 * "cannot be handled", so the main thread only notices the call at its next GIL switch or
 * signal (fixed in 3.12). Setting the breaker makes it run at the next safe point; the eval
 * loop recomputes the breaker once the call ran. Needs CPython's internal headers: C only. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_interp.h>

void duet_wake_eval_loop(void) {
  _Py_atomic_store_relaxed(&PyInterpreterState_Main()->ceval.eval_breaker, 1);
}
