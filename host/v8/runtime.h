// V8Runtime: one V8 isolate on the shared loop. Each workload gets a fresh context and is
// loaded as an ES module; mirrors PythonRuntime (host/python/runtime.h) file for file.
// Not thread-safe: lives on the main thread, like the loop.
#pragma once

#include <v8.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/loop.h"
#include "core/pause_stats.h"
#include "core/runtime.h"
#include "node/isolate_tools.h"

namespace duet {

class V8Runtime final : public Runtime, private LoopParticipant {
 public:
  explicit V8Runtime(Loop* loop);
  ~V8Runtime() override;

  // Creates the isolate; must succeed before anything else. `max_heap_bytes` caps the old
  // generation (0: sized from the machine's memory as node does); reaching it fails the call.
  Status Init(size_t max_heap_bytes = 0);
  // Creates a first context with the Node layer, so start-up cost is paid (and measured) once.
  Status WarmContext();

  std::string_view name() const override { return "v8"; }
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
  void BeginCounters() override { gc_counters_->Begin(); }
  nlohmann::json EndCounters() override { return gc_counters_->End(); }
  void SetGcListener(GcListener listener) override { gc_counters_->SetListener(std::move(listener)); }
  Status StartProfiling(int interval_us) override;
  Status StopProfiling(CpuProfile* profile, nlohmann::json* notes) override;  // node/profiler.cc

  // Engine flags (--v8-flags, "--no-opt --expose-gc"), applied before the first isolate exists.
  static void SetFlags(const std::string& flags);
  void Interrupt() override;
  void ClearInterrupt() override;

  v8::Isolate* isolate() { return isolate_; }
  Loop* loop() { return loop_; }

  // Used by the callbacks in globals.cc / duet_module.cc / module_loader.cc.
  struct ExitRequest {
    bool requested = false;
    int code = 0;
  };
  ExitRequest& exit_request() { return exit_; }
  void SetBlackhole(v8::Local<v8::Value> value) { blackhole_.Reset(isolate_, value); }
  v8::Local<v8::Value> Params();
  const std::vector<std::string>& argv() const { return argv_; }
  static V8Runtime* From(v8::Isolate* isolate);

 private:
  bool DrainReady() override;

  // module_loader.cc: loads `file` as node would (ES module or CommonJS by extension and the
  // nearest package.json "type") and returns what it exports: a namespace or module.exports.
  Status LoadEntry(const std::filesystem::path& file, bool is_main, v8::Local<v8::Object>* exports);
  v8::MaybeLocal<v8::Module> CommonJsAsModule(const std::filesystem::path& file);
  // module_loader.cc: compiles, links and evaluates `file` as the root ES module.
  Status LoadModule(const std::filesystem::path& file, v8::Local<v8::Module>* out);
  Status CompileModule(const std::filesystem::path& file, v8::Local<v8::Module>* out);
  v8::MaybeLocal<v8::Module> ResolveImport(v8::Local<v8::Context> context,
                                           v8::Local<v8::String> specifier,
                                           v8::Local<v8::Module> referrer);
  static v8::MaybeLocal<v8::Module> ResolveCallback(v8::Local<v8::Context> context,
                                                    v8::Local<v8::String> specifier,
                                                    v8::Local<v8::FixedArray> assertions,
                                                    v8::Local<v8::Module> referrer);
  static void InitializeImportMeta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                                   v8::Local<v8::Object> meta);
  // duet_module.cc: the synthetic 'duet' and 'duet:<binding>' modules.
  v8::MaybeLocal<v8::Module> BuiltinModule(const std::string& specifier);
  static v8::MaybeLocal<v8::Value> EvaluateBuiltin(v8::Local<v8::Context> context,
                                                   v8::Local<v8::Module> module);
  // globals.cc: console and process on the context's global object.
  Status InstallGlobals(v8::Local<v8::Context> context);
  // node_host.cc: the Node-compatible layer (js/node_bootstrap.js) on libuv handles.
  struct LoopHandles {
    uv_timer_t timer;
    uv_check_t check;
    uv_idle_t idle;  // started while immediates wait, so the loop polls without blocking
    bool immediates_scheduled = false;
    int open = 0;          // handles not yet closed
    int fs_in_flight = 0;  // threadpool requests whose completion has not run
  };
  Status InitLoopHandles();
  void CloseLoopHandles();
  void ResetLoopHandles();
  Status InstallNodeLayer(v8::Local<v8::Context> context);
  v8::MaybeLocal<v8::Module> NodeBuiltinModule(const std::string& name);
  // Calls a JS function on behalf of the loop (a timer, an immediate, an fs completion), then
  // drains ticks and microtasks as node does; an exception becomes the uncaught error.
  void CallFromLoop(const v8::Global<v8::Function>& fn, std::vector<v8::Local<v8::Value>> args);
  void CallFromLoop(v8::Local<v8::Function> fn, std::vector<v8::Local<v8::Value>> args);
  // Calls owner[method](...args) from the loop, the way libuv handles report to their JS objects.
  void CallMethodFromLoop(const v8::Global<v8::Object>& owner, const char* method, std::vector<v8::Local<v8::Value>> args);
  // tcp.cc: node:net's C++ half, TCP handles by id.
  struct TcpWrap {
    uv_tcp_t handle;
    V8Runtime* runtime;
    int id;
    v8::Global<v8::Object> owner;
    bool closing = false;
  };
  void InstallTcp(v8::Local<v8::Context> context, v8::Local<v8::Object> host);
  void CloseAllTcp();
  // After a loop call: drains ticks (unless the call was the tick drain), records an exception
  // as the uncaught error, then checks for unhandled rejections.
  void FinishLoopCall(bool run_ticks, v8::TryCatch& try_catch, v8::Local<v8::Context> context, bool failed);
  // The uncaught error, handed over once (the runtime goes on clean).
  Status TakeUncaught() { return std::exchange(uncaught_, Status::Ok()); }
  // A rejected promise that has a handler now is no longer a candidate "unhandled rejection".
  void ForgetRejection(v8::Local<v8::Promise> promise);
  // Unhandled rejections still pending after a drain become the uncaught error.
  void CheckUnhandledRejections();
  static void OnPromiseReject(v8::PromiseRejectMessage message);

  // Why execution was terminated, once it has unwound (process.exit, the heap limit or the
  // watchdog), as the failure of `what`; cancels the termination so the isolate runs again.
  Status TerminationStatus(const std::string& what);

  Status NewContext();
  void DropWorkload();
  // Calls an exported function; awaits a returned promise on the loop when `await_promise`.
  Status Call(v8::Local<v8::Function> fn, std::vector<v8::Local<v8::Value>> args,
              const char* what, v8::Local<v8::Value>* result);
  Status AwaitPromise(v8::Local<v8::Promise> promise, const char* what,
                      v8::Local<v8::Value>* result);
  v8::Local<v8::Function> Export(const char* name);

  Loop* loop_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;

  // Per-context module state; cleared with the context.
  struct ModuleRecord {
    std::filesystem::path path;
    v8::Global<v8::Module> module;
  };
  std::map<int, std::vector<ModuleRecord>> modules_by_hash_;  // identity hash -> records
  std::map<std::string, v8::Global<v8::Module>> modules_by_path_;
  std::map<std::string, v8::Global<v8::Module>> builtin_modules_;
  Status import_error_;  // set by ResolveImport when an imported file fails to compile

  v8::Global<v8::Object> namespace_;
  v8::Global<v8::Value> params_;
  v8::Global<v8::Value> state_;
  v8::Global<v8::Value> result_;
  v8::Global<v8::Value> blackhole_;
  WorkloadExports exports_;
  ExitRequest exit_;
  std::atomic<bool> interrupted_{false};  // set by the watchdog's thread
  std::unique_ptr<V8HeapLimit> heap_limit_;
  std::unique_ptr<LoopHandles> handles_;
  std::map<int, std::unique_ptr<TcpWrap>> tcp_;  // open TCP handles by id, freed in their close callback
  int next_tcp_id_ = 1;
  uint64_t context_generation_ = 0;  // stale fs completions from an old context are dropped
  v8::Global<v8::Object> node_builtins_;
  v8::Global<v8::Function> require_from_host_;  // (filename, isMain) -> module.exports
  v8::Global<v8::Function> process_timers_;
  v8::Global<v8::Function> process_immediates_;
  v8::Global<v8::Function> process_ticks_;
  std::vector<std::pair<v8::Global<v8::Promise>, v8::Global<v8::Value>>> unhandled_rejections_;
  Status uncaught_;  // the first error thrown by a callback the loop ran
  std::unique_ptr<V8GcCounters> gc_counters_;
  std::unique_ptr<V8Profiler> profiler_;  // from the first StartProfiling; disposed before the isolate
  std::vector<std::string> argv_;
};

// "module", "commonjs" or "json" for a file, decided as node decides: .mjs and .cjs by their
// extension, .js by the nearest package.json's "type" (CommonJS when there is none).
std::string ModuleTypeOf(const std::filesystem::path& file);

}  // namespace duet
