// Runtime: what the harness needs from an embedded language engine. NodeRuntime (host/node) and
// PythonRuntime (host/python) implement it and mirror each other file for file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/engine_counters.h"
#include "core/profiler_notes.h"
#include "core/runtime_id.h"
#include "core/status.h"

namespace duet {

class CpuProfile;

// Told of every GC pause while set: its kind (a V8 GC type, "gen0".."gen2"), start and end (NowNs).
using GcListener = std::function<void(const std::string& kind, uint64_t start_ns, uint64_t end_ns)>;

// One timed iteration.
struct Sample {
  uint64_t wall_ns = 0;
  uint64_t cpu_ns = 0;
};

// The optional workload functions a loaded script exports (design §2).
struct WorkloadExports {
  bool setup = false;
  bool run = false;
  bool verify = false;
  bool teardown = false;
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual RuntimeId id() const = 0;
  // "v8" or "cpython": the key used in reports and JSON (core/runtime_id.h).
  std::string_view name() const { return RuntimeKey(id()); }
  // The engine version, e.g. "10.2.154.26-node.37" or "3.11.2".
  virtual std::string version() const = 0;

  // Readies what Load needs besides the workload's own modules (Node: a fresh environment
  // for `script`), so a cold start's timing holds the workload's import, not the engine's
  // set-up; drops whatever workload was loaded before. Load does it when nobody did.
  virtual Status Prepare(const std::filesystem::path& script) {
    (void)script;
    return Status::Ok();
  }
  // Loads `script` as a fresh module (a fresh Node environment / a fresh Python module) with
  // `params` visible as duet.params; drops whatever workload was loaded before.
  virtual Status Load(const std::filesystem::path& script, const nlohmann::json& params) = 0;
  // Which contract functions the loaded script exports. Valid after a successful Load.
  virtual WorkloadExports exports() const = 0;
  // Calls setup(params) when exported and keeps its return value as the state.
  virtual Status Setup() = 0;
  // One timed iteration of run(state), awaiting a returned promise/coroutine on the loop.
  virtual Status RunOnce(Sample* sample) = 0;
  // The last iteration's result as a JSON value.
  virtual Status LastResult(nlohmann::json* result) = 0;
  // Calls verify(result, params) when exported; `*passed` is its truthiness.
  virtual Status Verify(bool* passed) = 0;
  // Calls teardown(state) when exported and releases the workload.
  virtual Status Teardown() = 0;

  // Network pairs (design §2, workload.json "load"): state[key] (state.key for an object that is
  // not a mapping) as JSON, e.g. the port setup() listened on.
  virtual Status StateValue(const std::string& key, nlohmann::json* value) = 0;
  // Serves the loaded workload on the shared loop — its callbacks run as they would while run()
  // awaits — from start(done) until `done` has been called, from any thread. start launches the
  // outside work (the load generator) and hands it `done`; when start fails, Serve returns that.
  using ServeStart = std::function<Status(std::function<void()> done)>;
  virtual Status Serve(const ServeStart& start) = 0;
  // Thread-safe, the watchdog's call: asks the script running on the main thread to stop as soon
  // as it can (V8 terminates execution, CPython raises at its next bytecode boundary) and stops
  // waiting on the loop. The call in progress then fails.
  virtual void Interrupt() = 0;
  // On the main thread, once the interrupted call has returned: the runtime is usable again and
  // whatever the workload left on the loop is gone.
  virtual void ClearInterrupt() = 0;

  // Engine counters (design §4) gathered by the engine itself between the two calls: GC
  // counts and pauses, heap figures. Begin resets them; End returns them (report/ writes the JSON).
  virtual void BeginCounters() = 0;
  virtual EngineCounters EndCounters() = 0;
  // The GC pauses the counters time, also handed to `listener` (empty: none), e.g. for a trace.
  virtual void SetGcListener(GcListener listener) = 0;

  // Profiling (design §5, host/node/profiler.cc, host/python/profiler.cc): samples the engine
  // every `interval_us` until StopProfiling, which fills `profile` (call tree, timed samples)
  // and `notes` (JIT facts: V8 optimisations and deopts, CPython specialised instructions).
  virtual Status StartProfiling(int interval_us) = 0;
  virtual Status StopProfiling(CpuProfile* profile, ProfilerNotes* notes) = 0;

  // Runs an ordinary script like `node FILE` / `python3 FILE`; `*exit_code` is what the
  // script asked for (process.exit / sys.exit), 1 after an uncaught error, else 0.
  virtual Status Exec(const std::filesystem::path& script, const std::vector<std::string>& args,
                      int* exit_code) = 0;
};

}  // namespace duet
