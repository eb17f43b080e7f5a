// NodeRuntime: Node 18 itself (Debian's libnode, through node.h's embedder API) on duet's one
// libuv loop. It runs `duet exec FILE.js` as `node` would, and, for the harness, each workload
// in a fresh Node environment on one isolate (design §2). Mirrors PythonRuntime
// (host/python/runtime.h) file for file. Not thread-safe: lives on the main thread, like the loop.
#pragma once

#include <node.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/runtime.h"
#include "core/status.h"
#include "node/duet_module.h"
#include "node/isolate_tools.h"

namespace duet {

// Node's once-per-process state: options parsed, V8 and the platform initialised, OpenSSL,
// ICU, node's signal handling and stdio set up exactly as the `node` binary sets them up.
// V8 can be initialised once per process, and so can this.
class NodeProcess {
 public:
  NodeProcess() = default;
  ~NodeProcess();  // TearDownOncePerProcess: disposes V8 and the platform
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // `argv` is node's command line ("duet", node options..., script, script args...). Node
  // prints what it has to say about bad options; `*early_exit` is then set to the exit code
  // `node` would have used (also for --v8-options and the like, which print and end).
  Status Init(const std::vector<std::string>& argv, std::optional<int>* early_exit);
  // The process's one instance for sessions and tests, initialised by the first call with
  // `argv` (later calls get it as it is) and torn down at exit.
  static Status Shared(const std::vector<std::string>& argv, NodeProcess** process);

  node::MultiIsolatePlatform* platform() const { return result_->platform(); }
  // What node left of the command line: argv[0], the script and its arguments.
  const std::vector<std::string>& args() const { return result_->args(); }
  // Node's own options (process.execArgv), also what child_process.fork passes on.
  const std::vector<std::string>& exec_args() const { return result_->exec_args(); }

 private:
  std::unique_ptr<node::InitializationResult> result_;
};

class NodeRuntime final : public Runtime, private LoopParticipant {
 public:
  NodeRuntime(Loop* loop, NodeProcess* process);
  ~NodeRuntime() override;  // frees the environment, the isolate data and the isolate, in that order
  NodeRuntime(const NodeRuntime&) = delete;
  NodeRuntime& operator=(const NodeRuntime&) = delete;

  // Creates the isolate on the loop (registering it with the platform adds a uv_async to the
  // loop: the loop must be initialised first) and enters it for the runtime's lifetime, as
  // node's main thread does: Node's libuv callbacks run whoever spins the loop (Python's asyncio
  // too). `max_heap_bytes` caps the old generation (0: sized from the machine as node does);
  // reaching it fails the script instead of the process.
  Status Init(size_t max_heap_bytes = 0);

  // Starts node's main in a fresh environment for `args` ("duet", the script and its
  // arguments) and `exec_args` (node's options): the script's top level runs now (or -e, -p,
  // the REPL, stdin), its callbacks as the loop runs. Node itself prints uncaught errors.
  Status Start(const std::vector<std::string>& args, const std::vector<std::string>& exec_args);
  // Spins the loop until node would exit (beforeExit, exit), frees the environment and sets
  // `*exit_code` to node's: process.exit's code, process.exitCode, 1 after an uncaught exception.
  Status Finish(int* exit_code);
  // Start and Finish for the process's own command line: `node FILE ARGS`.
  Status ExecCommandLine(int* exit_code);

  // The workload contract (core/runtime.h). Each Load starts a fresh environment, so process,
  // timers and the module cache start clean, and frees the previous workload's.
  RuntimeId id() const override { return RuntimeId::kV8; }
  std::string version() const override;
  // A fresh environment for `script` with duet's module hooks installed, ready to import it.
  Status Prepare(const std::filesystem::path& script) override;
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
  void Interrupt() override;
  void ClearInterrupt() override;
  // Counters and profiles are the main isolate's: worker_threads' isolates are not included.
  void BeginCounters() override { gc_counters_->Begin(); }
  EngineCounters EndCounters() override;
  void SetGcListener(GcListener listener) override { gc_counters_->SetListener(std::move(listener)); }
  Status StartProfiling(int interval_us) override;
  Status StopProfiling(CpuProfile* profile, ProfilerNotes* notes) override;

  v8::Isolate* isolate() const { return isolate_; }

 private:
  // Platform tasks that only worker threads can finish (DrainTasks), when the loop has nothing
  // else to run; Node's own tasks and microtasks arrive through handles on the loop.
  bool DrainReady() override;

  // Creates the context and the environment and runs `main` as node's main (LoadEnvironment);
  // `*main_result` is what it returned.
  Status StartEnvironment(const std::vector<std::string>& args, const std::vector<std::string>& exec_args,
                          node::StartExecutionCallback main, v8::Local<v8::Value>* main_result);
  // Frees the environment (its handles, workers and cleanup hooks) and readies the isolate
  // for the next one.
  void FreeEnvironment();
  // What SpinEventLoop does, on duet's loop: run libuv, drain the platform's tasks, emit
  // beforeExit, until nothing is alive or node::Stop was called. Returns false once stopped.
  bool SpinUntilExit();

  // module_loader.cc: the mains an environment runs after duet's module hooks.
  v8::MaybeLocal<v8::Value> RunExecMain(const node::StartExecutionCallbackInfo& info);
  v8::MaybeLocal<v8::Value> RunWorkloadMain(const node::StartExecutionCallbackInfo& info);
  static void ReportUncaught(const v8::FunctionCallbackInfo<v8::Value>& info);

  // Calls an exported function in a node::CallbackScope (nextTicks and microtasks drained
  // after it, as node does after any callback) and awaits a returned promise on the loop.
  Status Call(const char* name, std::vector<v8::Local<v8::Value>> args, v8::Local<v8::Value>* result);
  // The same with the function in hand (a timed run looks nothing up).
  Status CallFunction(v8::Local<v8::Function> fn, const char* name, std::vector<v8::Local<v8::Value>> args,
                      v8::Local<v8::Value>* result);
  // Imports an empty file module, so the workload's import is not the environment's first.
  Status WarmModuleLoader();
  // Imports `url` (null: the workload, process.argv[1]) through the prepared environment's
  // importer and awaits its namespace.
  Status ImportModule(const char* url, v8::Local<v8::Value>* ns);
  Status AwaitPromise(v8::Local<v8::Promise> promise, const char* what, v8::Local<v8::Value>* result);
  // Why execution stopped (process.exit, the heap limit, the watchdog) as the failure of `what`;
  // the isolate runs again afterwards.
  Status TerminationStatus(const std::string& what);
  bool Failing() const { return stopping_ || heap_limit_->reached() || interrupted_ || !uncaught_.ok(); }
  v8::Local<v8::Value> State();

  Loop* loop_;
  NodeProcess* process_;
  std::shared_ptr<node::ArrayBufferAllocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  std::unique_ptr<v8::Locker> locker_;  // held from Init to destruction, with the isolate entered
  node::IsolateData* isolate_data_ = nullptr;
  std::unique_ptr<V8GcCounters> gc_counters_;
  std::unique_ptr<V8HeapLimit> heap_limit_;
  std::unique_ptr<V8Profiler> profiler_;  // from the first StartProfiling

  // The running environment: one `node FILE` (Start to Finish) or one workload (Load to Teardown).
  node::Environment* env_ = nullptr;
  v8::Global<v8::Context> context_;
  DuetModuleState duet_module_;
  bool stopping_ = false;  // process.exit (or an uncaught exception in exec) called node::Stop
  int exit_code_ = 0;
  std::atomic<bool> interrupted_{false};  // set by the watchdog's thread
  Status uncaught_;                        // the first error no handler caught, for the harness

  // The prepared environment's importer (js/workload_main.js) and the script it imports.
  v8::Global<v8::Function> import_workload_;
  std::filesystem::path prepared_for_;
  uint64_t warm_count_ = 0;  // names WarmModuleLoader's file
  // The loaded workload.
  std::filesystem::path script_;
  v8::Global<v8::Object> namespace_;
  v8::Global<v8::Function> run_;  // namespace_.run, looked up once per workload
  v8::Global<v8::Value> state_;
  v8::Global<v8::Value> result_;
  v8::Global<v8::Object> callback_resource_;  // the async resource the harness's calls run under
  WorkloadExports exports_;
};

}  // namespace duet
