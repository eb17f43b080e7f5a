// The `duet` module and its binding submodules for CPython, from the bindings registry
// (host/bindings) plus the per-runtime names: params, blackhole, runtime. Mirrors
// host/node/duet_module.cc.
#include "python/binding_glue.h"  // Python.h first

#include <cstdlib>
#include <deque>
#include <memory>

#include "bindings/builtin_modules.h"
#include "bindings/plugin_call.h"
#include "python/errors.h"
#include "python/json_value.h"
#include "python/runtime.h"

namespace duet {
namespace {

PyObject* g_blackhole_sink = nullptr;  // the last value handed to duet.blackhole

// Plugin functions (bindings/plugin_call.h) with CPython's casters.
struct PyPluginGlue {
  PyObject* self;
  PyObject* const* args;
  size_t nargs;
  template <typename T> using Arg = pyglue::Arg<T>;
  template <typename T> bool Read(uint32_t index, Arg<T>* arg) const {
    return pyglue::ReadArg(self, args, nargs, index, arg);
  }
  PyObject* Raise(duet_error_kind kind, const std::string& message) const { return pyglue::Raise(kind, message); }
  PyObject* Pending() const { return nullptr; }
  PyObject* Return() const { Py_RETURN_NONE; }
  template <typename T> PyObject* Return(const T& value) const { return pyglue::Ret<T>::To(value); }
};

PyObject* PluginCall(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const size_t n = static_cast<size_t>(nargs);
  return CallPlugin(PyPluginGlue{self, args, n}, pyglue::FunctionOf(self), n);
}

PyObject* Blackhole(PyObject*, PyObject* value) {
  Py_INCREF(value);
  Py_XSETREF(g_blackhole_sink, value);
  Py_RETURN_NONE;
}

PyMethodDef g_blackhole_def = {"blackhole", Blackhole, METH_O,
                               "Keeps a value alive so the work that made it cannot be skipped."};

// A function's CPython entry point. The registry declares the built-ins without glue, so their
// entry points are generated here from the same table; plugin functions all go through
// PluginCall; modules declared with CPython's glue (tests, embedders) carry their own. As Node's
// adapter does (node/duet_module.cc).
PyEntry EntryOf(const BindingModule& module, size_t index) {
  const BindingFunction& fn = module.functions[index];
  if (fn.plugin != nullptr) return &PluginCall;
  if (fn.python != nullptr) return fn.python;
  static const std::vector<BindingModule> builtins = DeclareBuiltinModules<Declare<pyglue::Entries>>();
  const BindingFunction* declared = DeclaredBuiltin(builtins, module, index);
  return declared != nullptr ? declared->python : nullptr;
}

// PyMethodDefs (and their doc strings) must outlive every function object made from them: one
// per registered function, forever.
PyMethodDef* MethodDefFor(const BindingFunction& fn, PyEntry entry) {
  static std::deque<PyMethodDef> defs;
  static std::deque<std::string> docs;
  docs.push_back(SignatureText(fn) + "\n\n" + fn.doc);
  defs.push_back({fn.name.c_str(), reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(entry)),
                  METH_FASTCALL, docs.back().c_str()});
  return &defs.back();
}

int AddFunctions(PyObject* target, const BindingModule& module, PyObject* module_name) {
  for (size_t i = 0; i < module.functions.size(); ++i) {
    const BindingFunction& fn = module.functions[i];
    PyEntry entry = EntryOf(module, i);
    if (entry == nullptr) continue;  // declared with V8's glue only: not for Python
    // The entry point finds its declaration (names for error messages) in this capsule.
    PyRef capsule(PyCapsule_New(const_cast<BindingFunction*>(&fn), nullptr, nullptr));
    if (!capsule) return -1;
    PyRef function(PyCFunction_NewEx(MethodDefFor(fn, entry), capsule.get(), module_name));
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
