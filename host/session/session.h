// Session: one process's engines — the shared loop, NodeRuntime and PythonRuntime — set up in
// order and torn down in reverse. Everything that runs workloads goes through one. The layer
// above both adapters: the only code outside them that starts either (Node through its library,
// session/node_library.h, loaded only for sessions that need JavaScript).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/runtime.h"
#include "session/engine_options.h"

namespace duet {

class PythonRuntime;

// What a workload may use before it fails instead of the process (design §8); 0: no cap beyond
// the engine's own (V8's heap sized from the machine as node does; CPython unbounded).
struct SessionLimits {
  size_t js_max_heap_bytes = 0;
  size_t py_max_memory_bytes = 0;
};

class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Which engines a session starts: a script for one runtime does not pay for the other.
  // kPythonOnly is `duet exec x.py`: CPython starts as python3 runs a script
  // (PythonRuntime::Use::kScript).
  enum class Engines { kBoth, kPythonOnly };
  // Initialises the loop, then the JavaScript runtime, then CPython; fails on the first that
  // cannot start. `node_options` are node's own options and V8 flags, for Node's start-up.
  Status Init(const SessionLimits& limits = {}, Engines engines = Engines::kBoth,
              const std::vector<std::string>& node_options = {});
  // Init as `engine` says: CPython's -X options first, Node with its options and V8 flags, then
  // asyncio's loop. What every command of the command line starts its engines with.
  Status Start(const EngineOptions& engine, const SessionLimits& limits = {}, Engines engines = Engines::kBoth);
  // Whether CPython records its peak traced memory per workload (tracemalloc; slows it down).
  void TracePythonMalloc(bool on);

  Loop& loop() { return loop_; }
  Runtime& js();
  PythonRuntime& python();
  // How long each engine took to become ready in Init (Node: loading libnode, its process-wide
  // start-up, the isolate and its isolate data; CPython: interpreter and the host helpers), in
  // nanoseconds.
  struct ColdStart {
    uint64_t v8_ns = 0;
    uint64_t cpython_ns = 0;
  };
  const ColdStart& cold_start() const { return cold_start_; }

  // The runtimes started, in the order the harness interleaves them (JS first).
  std::vector<Runtime*> runtimes();
  // The runtime for a script, by its extension (.js/.mjs/.cjs -> v8, .py -> cpython); null if
  // none or not started.
  Runtime* ForScript(const std::string& path);

 private:
  Loop loop_;  // declared first: destroyed last, after the runtimes that use it
  std::unique_ptr<Runtime> node_;  // a NodeRuntime from libduet_node.so
  std::unique_ptr<PythonRuntime> python_;
  ColdStart cold_start_;
};

}  // namespace duet
