// Python error formatting; see errors.h. Frames are picked by the host helper's describe(),
// which knows tracebacks better than C does.
#include "python/errors.h"

#include "python/ref.h"
#include "python/runtime.h"

namespace duet::pyrt {
namespace {

// The pending exception as one normalised object carrying its traceback (3.11 has no
// PyErr_GetRaisedException yet).
PyRef FetchException() {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (value != nullptr && traceback != nullptr) PyException_SetTraceback(value, traceback);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
  return PyRef(value);
}

}  // namespace

Status StatusFromPyErr(const char* what, const std::string& script) {
  PyRef exc = FetchException();
  PyRef script_text(PyUnicode_FromString(script.c_str()));
  PyRef info = PythonRuntime::CallHostHelper("describe", {exc.get(), script_text.get()});
  if (!info || !PyTuple_Check(info.get()) || PyTuple_GET_SIZE(info.get()) != 4) {
    PyErr_Clear();
    return Status::ScriptError(std::string(what) + ": an exception that could not be described");
  }
  auto text = [&](int i) {
    const char* utf8 = PyUnicode_AsUTF8(PyTuple_GET_ITEM(info.get(), i));
    return std::string(utf8 ? utf8 : "?");
  };
  long line = PyLong_AsLong(PyTuple_GET_ITEM(info.get(), 2));
  return Status::ScriptError(std::string(what) + ": " + text(0), text(1), static_cast<int>(line), text(3));
}

}  // namespace duet::pyrt
