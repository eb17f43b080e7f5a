// The `duet` module and its binding submodules for CPython, generated from the bindings table
// (host/bindings) plus the per-runtime names: params, blackhole, runtime. Mirrors
// host/v8/duet_module.cc.
#include <deque>
#include <exception>

#include "bindings/registry.h"
#include "python/errors.h"
#include "python/runtime.h"

namespace duet {
namespace {

constexpr const char* kCapsuleName = "duet.BindingFunction";
PyObject* g_blackhole_sink = nullptr;  // the last value handed to duet.blackhole

// Python value -> C++ by the declared type; false (with a TypeError set) on mismatch.
bool FromPy(const BindingFunction& fn, size_t index, PyObject* value, BindingValue* out) {
  auto fail = [&] {
    PyErr_SetString(PyExc_TypeError, ArgumentTypeError(fn, index).c_str());
    return false;
  };
  switch (fn.params[index]) {
    case BindingType::kVoid: *out = std::monostate{}; return true;
    case BindingType::kInt64: {
      if (!PyLong_Check(value) || PyBool_Check(value)) return fail();
      long long v = PyLong_AsLongLong(value);
      if (v == -1 && PyErr_Occurred()) return false;  // OverflowError names the problem
      *out = static_cast<int64_t>(v);
      return true;
    }
    case BindingType::kDouble:
      if (!PyFloat_Check(value) && !PyLong_Check(value)) return fail();
      *out = PyFloat_AsDouble(value);
      return !PyErr_Occurred();
    case BindingType::kBool:
      if (!PyBool_Check(value)) return fail();
      *out = value == Py_True;
      return true;
    case BindingType::kString: {
      if (!PyUnicode_Check(value)) return fail();
      Py_ssize_t size = 0;
      const char* utf8 = PyUnicode_AsUTF8AndSize(value, &size);
      if (utf8 == nullptr) return false;
      *out = std::string(utf8, size);
      return true;
    }
    case BindingType::kBytes: {
      if (PyUnicode_Check(value)) {  // text is accepted as its UTF-8 bytes, as in JS
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(value, &size);
        if (utf8 == nullptr) return false;
        *out = Bytes{std::string(utf8, size)};
        return true;
      }
      if (!PyObject_CheckBuffer(value)) return fail();
      Py_buffer view;
      if (PyObject_GetBuffer(value, &view, PyBUF_SIMPLE) != 0) return false;
      *out = Bytes{std::string(static_cast<const char*>(view.buf), view.len)};
      PyBuffer_Release(&view);
      return true;
    }
  }
  return fail();
}

PyObject* ToPy(const BindingValue& value) {
  struct Visitor {
    PyObject* operator()(std::monostate) { Py_RETURN_NONE; }
    PyObject* operator()(int64_t v) { return PyLong_FromLongLong(v); }
    PyObject* operator()(double v) { return PyFloat_FromDouble(v); }
    PyObject* operator()(bool v) { return PyBool_FromLong(v); }
    PyObject* operator()(const std::string& v) { return PyUnicode_FromStringAndSize(v.data(), v.size()); }
    PyObject* operator()(const Bytes& v) { return PyBytes_FromStringAndSize(v.data.data(), v.data.size()); }
  };
  return std::visit(Visitor{}, value);
}

// The one CPython entry point for every bound function; self is a capsule holding it.
PyObject* InvokeBinding(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  const auto* fn = static_cast<const BindingFunction*>(PyCapsule_GetPointer(self, kCapsuleName));
  if (fn == nullptr) return nullptr;
  if (static_cast<size_t>(nargs) != fn->params.size()) {
    PyErr_SetString(PyExc_TypeError, ArgumentCountError(*fn, nargs).c_str());
    return nullptr;
  }
  std::vector<BindingValue> values(fn->params.size());
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    if (!FromPy(*fn, i, args[i], &values[i])) return nullptr;
  }
  try {
    return ToPy(fn->invoke(values));
  } catch (const std::exception& e) {
    // C++ exceptions stop here: CPython frames must never unwind through them.
    PyErr_Format(PyExc_RuntimeError, "%s(): %s", fn->name, e.what());
    return nullptr;
  }
}

PyObject* Blackhole(PyObject*, PyObject* value) {
  Py_INCREF(value);
  Py_XSETREF(g_blackhole_sink, value);
  Py_RETURN_NONE;
}

PyMethodDef g_blackhole_def = {"blackhole", Blackhole, METH_O,
                               "Keeps a value alive so the work that made it cannot be skipped."};

// PyMethodDefs must outlive every function object made from them: one per table entry, forever.
PyMethodDef* MethodDefFor(const BindingFunction& fn) {
  static std::deque<PyMethodDef> defs;
  defs.push_back({fn.name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(InvokeBinding)),
                  METH_FASTCALL, fn.doc});
  return &defs.back();
}

int AddFunctions(PyObject* target, const BindingModule& module, PyObject* module_name) {
  for (const BindingFunction& fn : module.functions) {
    PyRef capsule(PyCapsule_New(const_cast<BindingFunction*>(&fn), kCapsuleName, nullptr));
    if (!capsule) return -1;
    PyRef function(PyCFunction_NewEx(MethodDefFor(fn), capsule.get(), module_name));
    if (!function || PyModule_AddObjectRef(target, fn.name, function.get()) != 0) return -1;
  }
  return 0;
}

int ExecDuetModule(PyObject* duet) {
  PyRef duet_name(PyUnicode_FromString("duet"));
  for (const BindingModule& module : BuiltinModules()) {
    if (std::string(module.name) == "duet") {
      if (AddFunctions(duet, module, duet_name.get()) != 0) return -1;
      continue;
    }
    std::string qualified = std::string("duet.") + module.name;
    PyRef sub(PyModule_New(qualified.c_str()));
    PyRef sub_name(PyUnicode_FromString(qualified.c_str()));
    if (!sub || !sub_name || PyModule_SetDocString(sub.get(), module.doc) != 0 ||
        AddFunctions(sub.get(), module, sub_name.get()) != 0 ||
        PyModule_AddObjectRef(duet, module.name, sub.get()) != 0) {
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
  PyRef json(PyImport_ImportModule("json"));
  PyRef value(json ? PyObject_CallMethod(json.get(), "loads", "s", params.dump().c_str()) : nullptr);
  PyRef duet(value ? PyImport_ImportModule("duet") : nullptr);
  if (!duet || PyObject_SetAttrString(duet.get(), "params", value.get()) != 0) {
    return pyrt::StatusFromPyErr("duet.params");
  }
  params_ = std::move(value);
  Py_CLEAR(g_blackhole_sink);
  return Status::Ok();
}

}  // namespace duet

extern "C" PyObject* PyInit_duet() { return PyModuleDef_Init(&duet::g_duet_def); }
