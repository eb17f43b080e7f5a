// The `duet` module and its binding submodules for CPython, from the bindings registry
// (host/bindings) plus the per-runtime names: params, blackhole, runtime. Mirrors
// host/node/duet_module.cc.
#include "python/binding_glue.h"  // Python.h first

#include <cstdlib>
#include <deque>
#include <memory>

#include "python/errors.h"
#include "python/json_value.h"
#include "python/runtime.h"

namespace duet {
namespace {

PyObject* g_blackhole_sink = nullptr;  // the last value handed to duet.blackhole

// Plugin functions: types known only at run time, converted by the same casters the templates use.
PyObject* PluginCall(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const BindingFunction& fn = pyglue::FunctionOf(self);
  const duet_function& c = *fn.plugin;
  const size_t n = static_cast<size_t>(nargs);
  if (n != c.param_count) {
    PyErr_SetString(PyExc_TypeError, ArgumentCountError(fn, n).c_str());
    return nullptr;
  }
  std::vector<duet_value> values(c.param_count);
  std::vector<pyglue::Arg<BytesView>> bytes(c.param_count);
  for (uint32_t i = 0; i < c.param_count; ++i) {
    duet_value& v = values[i];
    switch (c.param_types[i]) {
      case DUET_INT64: {
        pyglue::Arg<int64_t> a;
        if (!pyglue::ReadArg(self, args, n, i, &a)) return nullptr;
        v.as.i64 = a.get();
        break;
      }
      case DUET_DOUBLE: {
        pyglue::Arg<double> a;
        if (!pyglue::ReadArg(self, args, n, i, &a)) return nullptr;
        v.as.f64 = a.get();
        break;
      }
      case DUET_BOOL: {
        pyglue::Arg<bool> a;
        if (!pyglue::ReadArg(self, args, n, i, &a)) return nullptr;
        v.as.boolean = a.get();
        break;
      }
      case DUET_STRING: {
        pyglue::Arg<std::string_view> a;
        if (!pyglue::ReadArg(self, args, n, i, &a)) return nullptr;
        v.as.buf = {a.get().data(), a.get().size()};
        break;
      }
      case DUET_BYTES:
        if (!pyglue::ReadArg(self, args, n, i, &bytes[i])) return nullptr;
        v.as.buf = {reinterpret_cast<const char*>(bytes[i].get().data), bytes[i].get().size};
        break;
    }
  }
  duet_value result{};
  duet_error error{};
  if (c.call(values.data(), &result, &error) != 0) {
    return pyglue::Raise(static_cast<duet_error_kind>(error.kind), fn.name + "(): " + error.message);
  }
  switch (c.result_type) {
    case DUET_VOID: Py_RETURN_NONE;
    case DUET_INT64: return pyglue::Ret<int64_t>::To(result.as.i64);
    case DUET_DOUBLE: return pyglue::Ret<double>::To(result.as.f64);
    case DUET_BOOL: return pyglue::Ret<bool>::To(result.as.boolean != 0);
  }
  // Strings and bytes were malloc()ed by the plugin; the host frees them.
  std::unique_ptr<char, decltype(&std::free)> owned(const_cast<char*>(result.as.buf.data), &std::free);
  if (c.result_type == DUET_STRING) return PyUnicode_FromStringAndSize(owned.get(), result.as.buf.size);
  return PyBytes_FromStringAndSize(owned.get(), result.as.buf.size);
}

PyObject* Blackhole(PyObject*, PyObject* value) {
  Py_INCREF(value);
  Py_XSETREF(g_blackhole_sink, value);
  Py_RETURN_NONE;
}

PyMethodDef g_blackhole_def = {"blackhole", Blackhole, METH_O,
                               "Keeps a value alive so the work that made it cannot be skipped."};

// PyMethodDefs (and their doc strings) must outlive every function object made from them: one
// per registered function, forever.
PyMethodDef* MethodDefFor(const BindingFunction& fn) {
  static std::deque<PyMethodDef> defs;
  static std::deque<std::string> docs;
  docs.push_back(SignatureText(fn) + "\n\n" + fn.doc);
  defs.push_back({fn.name.c_str(), reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn.python)),
                  METH_FASTCALL, docs.back().c_str()});
  return &defs.back();
}

int AddFunctions(PyObject* target, const BindingModule& module, PyObject* module_name) {
  for (const BindingFunction& fn : module.functions) {
    // The entry point finds its declaration (names for error messages) in this capsule.
    PyRef capsule(PyCapsule_New(const_cast<BindingFunction*>(&fn), nullptr, nullptr));
    if (!capsule) return -1;
    PyRef function(PyCFunction_NewEx(MethodDefFor(fn), capsule.get(), module_name));
    if (!function || PyModule_AddObjectRef(target, fn.name.c_str(), function.get()) != 0) return -1;
  }
  return 0;
}

int ExecDuetModule(PyObject* duet) {
  PyRef duet_name(PyUnicode_FromString("duet"));
  for (const BindingModule& module : Modules()) {
    if (module.name == "duet") {
      if (AddFunctions(duet, module, duet_name.get()) != 0) return -1;
      continue;
    }
    std::string qualified = std::string("duet.") + module.name;
    PyRef sub(PyModule_New(qualified.c_str()));
    PyRef sub_name(PyUnicode_FromString(qualified.c_str()));
    if (!sub || !sub_name || PyModule_SetDocString(sub.get(), module.doc.c_str()) != 0 ||
        AddFunctions(sub.get(), module, sub_name.get()) != 0 ||
        PyModule_AddObjectRef(duet, module.name.c_str(), sub.get()) != 0 ||
        // so that `from duet.hash import crc32` works too
        PyDict_SetItemString(PyImport_GetModuleDict(), qualified.c_str(), sub.get()) != 0) {
      return -1;
    }
  }
  PyRef blackhole(PyCFunction_NewEx(&g_blackhole_def, nullptr, duet_name.get()));
  if (!blackhole || PyModule_AddObjectRef(duet, "blackhole", blackhole.get()) != 0) return -1;
  if (PyModule_AddStringConstant(duet, "runtime", "cpython") != 0) return -1;
  return PyModule_AddObjectRef(duet, "params", Py_None);
}

PyModuleDef_Slot g_duet_slots[] = {{Py_mod_exec, reinterpret_cast<void*>(ExecDuetModule)}, {0, nullptr}};
PyModuleDef g_duet_def = {PyModuleDef_HEAD_INIT, "duet", "The duet host (see design.md §3).", 0,
                          nullptr, g_duet_slots, nullptr, nullptr, nullptr};

}  // namespace

PyEntry PluginPyEntry() { return &PluginCall; }

Status PythonRuntime::SetParams(const nlohmann::json& params) {
  PyRef value;
  DUET_RETURN_IF_ERROR(pyrt::FromJson(params, &value));
  PyRef duet(PyImport_ImportModule("duet"));
  if (!duet || PyObject_SetAttrString(duet.get(), "params", value.get()) != 0) {
    return pyrt::StatusFromPyErr("duet.params");
  }
  params_ = std::move(value);
  Py_CLEAR(g_blackhole_sink);
  return Status::Ok();
}

}  // namespace duet

extern "C" PyObject* PyInit_duet() { return PyModuleDef_Init(&duet::g_duet_def); }
