// CPython's engine counters: collections and pauses per generation (a gc.callbacks hook written
// in C, so timing it costs no Python frames), allocated-block delta, peak traced memory.
// Mirrors host/node/counters.cc.
#include <map>

#include "core/clock.h"
#include "core/pause_stats.h"
#include "python/errors.h"
#include "python/runtime.h"

extern "C" Py_ssize_t _Py_GetAllocatedBlocks(void);

namespace duet {
namespace {

struct GcTally {
  std::map<long, PauseStats> by_generation;
  uint64_t started_ns = 0;
  long long collected = 0;
  long long uncollectable = 0;
};
GcTally g_gc;  // the interpreter is one per process, and so is its gc module
GcListener g_gc_listener;

long long InfoNumber(PyObject* info, const char* key) {
  PyObject* value = PyDict_GetItemString(info, key);  // borrowed
  return value != nullptr ? PyLong_AsLongLong(value) : 0;
}

// gc.callbacks calls cb(phase, info) around every collection.
PyObject* OnGc(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[1])) Py_RETURN_NONE;
  if (PyUnicode_CompareWithASCIIString(args[0], "start") == 0) {
    g_gc.started_ns = NowNs();
  } else if (g_gc.started_ns != 0) {
    long generation = static_cast<long>(InfoNumber(args[1], "generation"));
    uint64_t ended = NowNs();
    g_gc.by_generation[generation].Add(ended - g_gc.started_ns);
    if (g_gc_listener) g_gc_listener("gen" + std::to_string(generation), g_gc.started_ns, ended);
    g_gc.collected += InfoNumber(args[1], "collected");
    g_gc.uncollectable += InfoNumber(args[1], "uncollectable");
    g_gc.started_ns = 0;
  }
  Py_RETURN_NONE;
}

PyMethodDef g_on_gc_def = {"duet_gc_counter", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(OnGc)),
                           METH_FASTCALL, "Times every collection for duet's engine counters."};

PyRef CallTracemalloc(const char* function) {
  PyRef tracemalloc(PyImport_ImportModule("tracemalloc"));
  return tracemalloc ? PyRef(PyObject_CallMethod(tracemalloc.get(), function, nullptr)) : PyRef();
}

}  // namespace

Status PythonRuntime::InstallGcCallback() {
  static bool installed = false;
  if (installed) return Status::Ok();
  PyRef gc(PyImport_ImportModule("gc"));
  PyRef callbacks(gc ? PyObject_GetAttrString(gc.get(), "callbacks") : nullptr);
  PyRef hook(PyCFunction_NewEx(&g_on_gc_def, nullptr, nullptr));
  if (!callbacks || !hook || PyList_Append(callbacks.get(), hook.get()) != 0) {
    return pyrt::StatusFromPyErr("cannot install the gc.callbacks hook");
  }
  installed = true;
  return Status::Ok();
}

void PythonRuntime::SetGcListener(GcListener listener) { g_gc_listener = std::move(listener); }

void PythonRuntime::BeginCounters() {
  g_gc = GcTally();
  allocated_blocks_at_begin_ = _Py_GetAllocatedBlocks();
  if (trace_malloc_ && !CallTracemalloc("start")) PyErr_Clear();
}

EngineCounters PythonRuntime::EndCounters() {
  EngineCounters counters;
  counters.runtime = RuntimeId::kCPython;
  auto& by_generation = counters.gc.by_kind.emplace();
  for (const auto& [generation, pauses] : g_gc.by_generation) {
    by_generation[std::to_string(generation)] = pauses;
    counters.gc.pauses.Merge(pauses);
  }
  counters.gc.collected = g_gc.collected;
  counters.gc.uncollectable = g_gc.uncollectable;
  counters.allocated_blocks_delta = static_cast<int64_t>(_Py_GetAllocatedBlocks() - allocated_blocks_at_begin_);
  if (trace_malloc_) {
    PyRef traced = CallTracemalloc("get_traced_memory");  // (current, peak)
    if (traced && PyTuple_Check(traced.get()) && PyTuple_GET_SIZE(traced.get()) == 2) {
      counters.traced_peak_bytes = PyLong_AsLongLong(PyTuple_GET_ITEM(traced.get(), 1));
    }
    if (!CallTracemalloc("stop")) PyErr_Clear();
    PyErr_Clear();
  }
  return counters;
}

}  // namespace duet
