// Network pairs on CPython: what the harness reads from the state (the port) and serving the
// loaded workload's sockets while the load generator runs; v8/serve.cc mirrors it.
#include "python/runtime.h"

#include "python/errors.h"

namespace duet {
namespace {

// wait(): blocks, without the GIL, until the signal in its capsule is notified.
PyObject* WaitForSignal(PyObject* capsule, PyObject*) {
  auto* signal = static_cast<LoopSignal*>(PyCapsule_GetPointer(capsule, "duet.LoopSignal"));
  if (signal == nullptr) return nullptr;
  Py_BEGIN_ALLOW_THREADS
  signal->Wait();
  Py_END_ALLOW_THREADS
  Py_RETURN_NONE;
}

PyMethodDef kWaitForSignal = {"wait", WaitForSignal, METH_NOARGS, "Blocks until the load generator has finished."};

}  // namespace

Status PythonRuntime::StateValue(const std::string& key, nlohmann::json* out) {
  PyRef name(PyUnicode_FromString(key.c_str()));
  PyRef text = CallHostHelper("state_value", {state_ ? state_.get() : Py_None, name.get()});
  const char* utf8 = text ? PyUnicode_AsUTF8(text.get()) : nullptr;
  if (utf8 == nullptr) return pyrt::StatusFromPyErr(("state[\"" + key + "\"]").c_str(), script_.string());
  *out = nlohmann::json::parse(utf8, nullptr, /*allow_exceptions=*/false);
  return Status::Ok();
}

Status PythonRuntime::Serve(const ServeStart& start) {
  LoopSignal done;
  DUET_RETURN_IF_ERROR(done.Init(loop_));
  PyRef capsule(PyCapsule_New(&done, "duet.LoopSignal", nullptr));
  PyRef wait(capsule ? PyCFunction_New(&kWaitForSignal, capsule.get()) : nullptr);
  if (!wait) return pyrt::StatusFromPyErr("serving", script_.string());
  DUET_RETURN_IF_ERROR(start([&done] { done.Notify(); }));
  PyRef served = CallHostHelper("serve", {wait.get()});
  FlushStdio();
  done.Wait();  // after a failure too: the generator notifies `done` at its (bounded) end
  if (!served) return pyrt::StatusFromPyErr("serving", script_.string());
  return Status::Ok();
}

}  // namespace duet
