// What a Python script sees of the host process: sys.argv for `duet exec`, and stdio flushed
// after every call so Python's buffered output and V8's console stay in order.
#include "python/errors.h"
#include "python/runtime.h"

namespace duet {

Status PythonRuntime::SetArgv(const std::vector<std::string>& argv) {
  PyRef list(PyList_New(0));
  if (!list) return pyrt::StatusFromPyErr("sys.argv");
  for (const std::string& arg : argv) {
    PyRef item(PyUnicode_DecodeFSDefault(arg.c_str()));
    if (!item || PyList_Append(list.get(), item.get()) != 0) return pyrt::StatusFromPyErr("sys.argv");
  }
  if (PySys_SetObject("argv", list.get()) != 0) return pyrt::StatusFromPyErr("sys.argv");
  return Status::Ok();
}

void PythonRuntime::FlushStdio() {
  for (const char* name : {"stdout", "stderr"}) {
    PyObject* stream = PySys_GetObject(name);  // borrowed
    if (stream == nullptr || stream == Py_None) continue;
    PyRef flushed(PyObject_CallMethod(stream, "flush", nullptr));
    if (!flushed) PyErr_Clear();  // a closed stream is the script's business
  }
}

}  // namespace duet
