// Session: one process's engines — the shared loop, the JavaScript runtime and PythonRuntime —
// set up in order and torn down in reverse. Everything that runs scripts goes through one.
// The JavaScript runtime is Node itself; DUET_JS_ENGINE=v8 still selects the V8Runtime subset
// it replaced, until that is deleted (issue 19, step 3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/runtime.h"

namespace duet {

class V8Runtime;
class NodeProcess;
class NodeRuntime;
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
  enum class Engines { kBoth, kPythonOnly };
  // Initialises the loop, then the JavaScript runtime, then CPython; fails on the first that
  // cannot start. `node_options` are node's own options and V8 flags, for Node's start-up.
  Status Init(const SessionLimits& limits = {}, Engines engines = Engines::kBoth,
              const std::vector<std::string>& node_options = {});
  // Whether this process's JavaScript runtime is Node (the default) or the V8 subset (DUET_JS_ENGINE=v8).
  static bool UsesNode();

  Loop& loop() { return loop_; }
  Runtime& js();
  PythonRuntime& python();
  // How long each engine took to become ready in Init (V8: platform, isolate and a first
  // context; CPython: interpreter and the host helpers), in nanoseconds.
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
  std::unique_ptr<V8Runtime> v8_;
  std::unique_ptr<NodeRuntime> node_;
  Runtime* js_ = nullptr;  // whichever of the two started
  std::unique_ptr<PythonRuntime> python_;
  ColdStart cold_start_;
};

}  // namespace duet
