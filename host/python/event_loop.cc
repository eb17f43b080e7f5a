// The `_duet_loop` module itself: its definition, the asyncio classes configure() hands it, and
// the names its files share. LoopCore (loop_core.cc), Handle (loop_handle.cc), timers
// (loop_timers.cc), Poll (loop_poll.cc) and TcpCore (tcp.cc) each add their own part.
#include "python/event_loop.h"

namespace duet::pyloop {

PyObject* g_timer_handle_type = nullptr;
PyObject* g_handle_type = nullptr;
PyObject* g_future_type = nullptr;
PyObject* g_format_callback = nullptr;

namespace {

PyObject* Interned(const char* s) {
  PyObject* o = PyUnicode_InternFromString(s);
  return o;  // immortal for the process: interned strings used as attribute names
}

}  // namespace

Names::Names()
    : cancelled(Interned("_cancelled")),
      scheduled(Interned("_scheduled")),
      run(Interned("_run")),
      stopping(Interned("_stopping")),
      call_exception_handler(Interned("call_exception_handler")),
      check_thread(Interned("_check_thread")),
      context(Interned("context")),
      message(Interned("message")),
      exception(Interned("exception")),
      handle(Interned("handle")),
      loop(Interned("loop")) {}

const Names& N() {
  static Names names;
  return names;
}

namespace {

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
}  // namespace duet::pyloop

extern "C" PyObject* PyInit__duet_loop() {
  using namespace duet::pyloop;
  if (PyType_Ready(&LoopCoreType) < 0) return nullptr;
  PyObject* module = PyModule_Create(&kModule);
  if (module == nullptr) return nullptr;
  if (AddHandleType(module) < 0 ||
      PyModule_AddObjectRef(module, "LoopCore", reinterpret_cast<PyObject*>(&LoopCoreType)) < 0 ||
      AddPollType(module) < 0 || AddTcpType(module) < 0) {
    Py_DECREF(module);
    return nullptr;
  }
  return module;
}
