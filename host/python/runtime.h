// PythonRuntime: the embedded CPython interpreter on the shared loop. Each workload is loaded
// as a fresh module; mirrors NodeRuntime (host/node/runtime.h) file for file.
// Not thread-safe: lives on the main thread, which holds the GIL.
#pragma once

#include <Python.h>
#include <pthread.h>

#include <csignal>

#include <atomic>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/runtime.h"
#include "python/ref.h"

// Sanitizer builds allocate Python objects with malloc, not pymalloc's mmap'ed arenas, which
// LeakSanitizer does not scan (it would call everything they point to a leak); the memory cap
// (memory_limit.cc) then counts objects in their own allocator domains.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DUET_PY_OBJECTS_FROM_MALLOC 1
#endif
#endif

namespace duet {

class PythonRuntime final : public Runtime, private LoopParticipant {
 public:
  explicit PythonRuntime(Loop* loop);
  ~PythonRuntime() override;

  // What the interpreter starts for. kHarness: workloads under the watchdog, in a session with
  // Node, whose libuv may make stdout and stderr non-blocking. kScript: one script alone
  // (`duet exec x.py`), started as python3 starts it: PYTHON* variables read, python3's own
  // stdout, stderr and signal handlers, no watchdog. The first Init in a process decides.
  enum class Use { kHarness, kScript };
  // Initialises the interpreter (once per process); must succeed before anything else.
  Status Init(Use use = Use::kHarness);

  RuntimeId id() const override { return RuntimeId::kCPython; }
  std::string version() const override;
  Status Load(const std::filesystem::path& script, const nlohmann::json& params) override;
  WorkloadExports exports() const override { return exports_; }
  Status Setup() override;
  Status RunOnce(Sample* sample) override;
  Status LastResult(nlohmann::json* result) override;
  Status Verify(bool* passed) override;
  Status Teardown() override;
  // serve.cc: network pairs.
  Status StateValue(const std::string& key, nlohmann::json* value) override;
  Status Serve(const ServeStart& start) override;
  Status Exec(const std::filesystem::path& script, const std::vector<std::string>& args,
              int* exit_code) override;
  void BeginCounters() override;
  EngineCounters EndCounters() override;
  void SetGcListener(GcListener listener) override;
  Status StartProfiling(int interval_us) override;
  Status StopProfiling(CpuProfile* profile, ProfilerNotes* notes) override;

  // Interpreter options as `python3 -X OPT` takes them (sys._xoptions); before the first Init.
  static void SetXOptions(std::vector<std::string> options);
  void Interrupt() override;
  void ClearInterrupt() override;
  // memory_limit.cc: caps what Python may allocate beyond its current size (--py-max-memory);
  // once hooked the allocators stay wrapped, so it is set once per process, before workloads.
  static void SetMaxMemory(size_t bytes);

  // Which loop asyncio.new_event_loop() gives: "uv" (duet's, on the shared libuv loop; the
  // default) or "asyncio" (the stock selector loop, for comparison). Before asyncio's import.
  Status SetAsyncioLoop(std::string_view kind);

  // With tracing on, counters include peak traced memory (tracemalloc: slows Python down).
  void set_trace_malloc(bool on) { trace_malloc_ = on; }

  // The host's Python-side helpers (module_loader.cc), a borrowed reference.
  static PyObject* HostHelpers();
  // Calls helpers.<name>(*args); null, with the Python error set, when anything fails (a null
  // argument included, so callers may pass fresh references unchecked).
  static PyRef CallHostHelper(const char* name, std::initializer_list<PyObject*> args);

 private:
  bool DrainReady() override;

  // module_loader.cc: imports `file` as a fresh module named after it.
  Status LoadModule(const std::filesystem::path& file, PyRef* out);
  // duet_module.cc: sets duet.params for the loaded workload.
  Status SetParams(const nlohmann::json& params);
  // counters.cc: registers the gc.callbacks hook that times collections.
  Status InstallGcCallback();
  // globals.cc: sys.argv and the flush that keeps Python's and V8's output in order.
  Status SetArgv(const std::vector<std::string>& argv);
  void FlushStdio();

  // memory_limit.cc: a failure of `what` while the cap refused memory becomes a clear MemoryError.
  static Status MemoryChecked(Status status, const char* what);
  // The watchdog's pending call: raises KeyboardInterrupt in the running script while armed.
  static int RaiseInterrupt(void* self);

  void DropWorkload();
  // Calls an exported function; runs a returned coroutine to completion on the loop.
  Status Call(PyObject* fn, std::vector<PyObject*> args, const char* what, PyRef* result);
  PyObject* Export(const char* name) const;

  // profiler.cc: the sampler thread and the call tree it builds while profiling.
  class Sampler;
  std::shared_ptr<Sampler> sampler_;

  Loop* loop_;
  std::filesystem::path script_;
  PyRef module_;
  PyRef params_;
  PyRef state_;
  PyRef result_;
  WorkloadExports exports_;
  bool trace_malloc_ = false;
  Py_ssize_t allocated_blocks_at_begin_ = 0;
  std::atomic<bool> interrupting_{false};
  pthread_t main_thread_{};  // the thread that runs Python, where the watchdog's signal goes
  // A real-time signal no engine or library of ours uses.
  static int WatchdogSignal() { return SIGRTMAX - 2; }
};

}  // namespace duet
