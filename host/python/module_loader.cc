// Module loading for PythonRuntime, and the host's Python-side helpers (py/duet_host.py, embedded
// as marshalled bytecode at build time): import a file as a fresh module, run a coroutine,
// serialise a result, describe an exception.
#include <Python.h>
#include <marshal.h>  // not part of Python.h

#include <cstring>

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

// compile(source, path, "exec") for py/duet_host.py's exec_main, without builtins.compile: its
// test for an AST argument builds the whole `ast` module state (~120 types, ~50 page faults) on
// first use, which python3 FILE, compiling in C, never pays.
PyObject* CompileSource(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  char* text = nullptr;
  Py_ssize_t size = 0;
  if (nargs != 2 || !PyBytes_Check(args[0]) || !PyUnicode_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "compile_source(source: bytes, path: str)");
    return nullptr;
  }
  if (PyBytes_AsStringAndSize(args[0], &text, &size) != 0) return nullptr;
  if (static_cast<Py_ssize_t>(strlen(text)) != size) {
    PyErr_SetString(PyExc_ValueError, "source code string cannot contain null bytes");  // as compile() says
    return nullptr;
  }
  return Py_CompileStringObject(text, args[1], Py_file_input, nullptr, -1);
}

PyMethodDef g_host_functions[] = {
    {"compile_source", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(CompileSource)), METH_FASTCALL,
     "compile(source, path, 'exec'), in C"},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyObject* PythonRuntime::HostHelpers() {
  static PyObject* helpers = [] {  // immortal for the process, like a built-in module
    static_assert(kDuetHostCodeMagic == kDuetAsyncioCodeMagic);
    if (PyImport_GetMagicNumber() != kDuetHostCodeMagic) {
      PyErr_Format(PyExc_ImportError,
                   "duet's Python layer was compiled by a CPython with bytecode magic %ld, this one has %ld: rebuild duet",
                   kDuetHostCodeMagic, PyImport_GetMagicNumber());
      return static_cast<PyObject*>(nullptr);
    }
    PyRef code(PyMarshal_ReadObjectFromString(reinterpret_cast<const char*>(kDuetHostCode), sizeof kDuetHostCode));
    PyObject* module = code ? PyImport_ExecCodeModule("_duet_host", code.get()) : nullptr;
    // Compiled only when a script imports asyncio (py/duet_host.py's AsyncioHook).
    PyRef asyncio_code(PyBytes_FromStringAndSize(reinterpret_cast<const char*>(kDuetAsyncioCode), sizeof kDuetAsyncioCode));
    if (module != nullptr &&
        (!asyncio_code || PyObject_SetAttrString(module, "_DUET_ASYNCIO_CODE", asyncio_code.get()) != 0 ||
         PyModule_AddFunctions(module, g_host_functions) != 0)) {
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
