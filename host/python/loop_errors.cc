// How failures inside `_duet_loop` surface in Python, in one place (uvloop's errors.pyx): a
// libuv status as an OSError, a callback's exception to the loop's exception handler, and
// SystemExit or KeyboardInterrupt kept to stop the loop.
#include "python/event_loop.h"

namespace duet::pyloop {

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
