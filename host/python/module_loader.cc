// Module loading for PythonRuntime, and the host's Python-side helpers (py/duet_host.py,
// embedded at build time): import a file as a fresh module, run a coroutine, serialise a
// result, describe an exception.
#include "python/duet_asyncio.h"
#include "python/duet_host.h"
#include "python/errors.h"
#include "python/runtime.h"

namespace duet {
namespace {

std::string ModuleNameFor(const std::filesystem::path& file) {
  std::string name = "duet_workload_" + file.stem().string();
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace

PyObject* PythonRuntime::HostHelpers() {
  static PyObject* helpers = [] {  // immortal for the process, like a built-in module
    PyRef code(Py_CompileString(kDuetHostSource, "<duet-host>", Py_file_input));
    PyObject* module = code ? PyImport_ExecCodeModule("_duet_host", code.get()) : nullptr;
    PyRef source(PyUnicode_FromString(kDuetAsyncioSource));
    if (module != nullptr && (!source || PyObject_SetAttrString(module, "_DUET_ASYNCIO_SOURCE", source.get()) != 0)) {
      Py_CLEAR(module);
    }
    return module;
  }();
  return helpers;
}

PyRef PythonRuntime::CallHostHelper(const char* name, std::initializer_list<PyObject*> args) {
  for (PyObject* arg : args) {
    if (arg == nullptr) return PyRef();  // its constructor failed and set the error
  }
  PyObject* helpers = HostHelpers();
  PyRef function(helpers ? PyObject_GetAttrString(helpers, name) : nullptr);
  if (!function) return PyRef();
  return PyRef(PyObject_Vectorcall(function.get(), std::data(args), args.size(), nullptr));
}

Status PythonRuntime::LoadModule(const std::filesystem::path& file, PyRef* out) {
  PyRef path(PyUnicode_FromString(file.c_str()));
  PyRef name(PyUnicode_FromString(ModuleNameFor(file).c_str()));
  *out = CallHostHelper("load", {path.get(), name.get()});
  if (!*out) return pyrt::StatusFromPyErr("error while importing", file.string());
  return Status::Ok();
}

}  // namespace duet
