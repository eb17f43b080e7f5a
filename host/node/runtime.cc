// NodeRuntime: Node's lifecycle as test/embedding/embedtest.cc has it (process, isolate on our
// loop, isolate data, context, environment, the spin loop, exit, then disposal in reverse),
// with process.exit routed back to duet instead of ending the process; then the workload
// contract on top of it, an environment per workload. Just past 500 lines on purpose: the
// lifecycle reads in one file in embedtest.cc's order, set-up and disposal side by side.
#include "node/runtime.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/text.h"
#include "node/errors.h"
#include "node/json_value.h"

namespace duet {
namespace {

// Node options that select another main than "run the script in argv[1]" (node.cc's
// StartExecution picks them first); those keep node's own selection, without duet's modules.
bool SelectsAnotherMain(const std::vector<std::string>& exec_args) {
  constexpr std::array<std::string_view, 14> kOptions = {
      "-e", "--eval", "-p", "--print", "-pe", "-i", "--interactive", "-c", "--check",
      "--test", "--watch", "--watch-path", "--prof-process", "--build-snapshot"};
  return std::any_of(exec_args.begin(), exec_args.end(), [&](const std::string& arg) {
    std::string_view name = std::string_view(arg).substr(0, arg.find('='));
    return std::find(kOptions.begin(), kOptions.end(), name) != kOptions.end();
  });
}

}  // namespace

Status NodeProcess::Init(const std::vector<std::string>& argv, std::optional<int>* early_exit) {
  result_ = node::InitializeOncePerProcess(argv, node::ProcessInitializationFlags::kNoFlags);
  // node prints these as "node: bad option: --foo"; argv[0] is duet's own name.
  for (const std::string& error : result_->errors()) fmt::print(stderr, "{}: {}\n", argv.at(0), error);
  if (result_->early_return()) {
    *early_exit = result_->exit_code();
    return Status::Ok();
  }
  // Node 18 leaves V8's fast API calls off, so optimised code would never call a binding's
  // v8::CFunction; duet turns them on (after node's own flags: a user's --no-turbo-fast-api-calls
  // still wins) without adding to process.execArgv. The standalone baselines get the same flag.
  const std::vector<std::string>& options = result_->exec_args();
  bool user_said = std::any_of(options.begin(), options.end(), [](const std::string& option) {
    return option.find("turbo-fast-api-calls") != std::string::npos || option.find("turbo_fast_api_calls") != std::string::npos;
  });
  if (!user_said) v8::V8::SetFlagsFromString("--turbo-fast-api-calls");
  return Status::Ok();
}

Status NodeProcess::Shared(const std::vector<std::string>& argv, NodeProcess** process) {
  static NodeProcess instance;
  static Status initialised = [&] {
    std::optional<int> early_exit;
    Status status = instance.Init(argv, &early_exit);
    if (status.ok() && early_exit) status = Status::Error(fmt::format("node's options ended it (exit code {})", *early_exit));
    return status;
  }();
  *process = &instance;
  return initialised;
}

NodeProcess::~NodeProcess() {
  if (result_ != nullptr && !result_->early_return()) node::TearDownOncePerProcess();
}

NodeRuntime::NodeRuntime(Loop* loop, NodeProcess* process) : loop_(loop), process_(process) {}

NodeRuntime::~NodeRuntime() {
  if (isolate_ == nullptr) return;
  loop_->RemoveParticipant(this);
  FreeEnvironment();
  profiler_.reset();
  gc_counters_.reset();
  heap_limit_.reset();
  if (isolate_data_ != nullptr) node::FreeIsolateData(isolate_data_);
  isolate_->Exit();
  locker_.reset();
  // The platform frees its per-isolate state (a uv_async on our loop) asynchronously.
  bool finished = false;
  process_->platform()->AddIsolateFinishedCallback(isolate_, [](void* data) { *static_cast<bool*>(data) = true; },
                                                   &finished);
  process_->platform()->UnregisterIsolate(isolate_);
  isolate_->Dispose();
  while (!finished) uv_run(loop_->get(), UV_RUN_ONCE);
}

Status NodeRuntime::Init(size_t max_heap_bytes) {
  allocator_ = node::ArrayBufferAllocator::Create();
  // node::NewIsolate's steps, with a heap limit of our own: node.h has no NewIsolate(CreateParams).
  isolate_ = v8::Isolate::Allocate();
  if (isolate_ == nullptr) return Status::Error("v8::Isolate::Allocate failed");
  process_->platform()->RegisterIsolate(isolate_, loop_->get());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  // Heap limits sized from the machine's memory as node's SetIsolateCreateParamsForNode sizes
  // them (node.h does not export it), so GC behaves as in the standalone baseline.
  uint64_t constrained = uv_get_constrained_memory();
  uint64_t total = constrained > 0 ? std::min(uv_get_total_memory(), constrained) : uv_get_total_memory();
  if (total > 0) params.constraints.ConfigureDefaults(total, 0);
  if (max_heap_bytes > 0) params.constraints.set_max_old_generation_size_in_bytes(max_heap_bytes);
  v8::Isolate::Initialize(isolate_, params);
  node::SetIsolateUpForNode(isolate_);
  locker_ = std::make_unique<v8::Locker>(isolate_);
  isolate_->Enter();
  // Without it, running out of heap is node's fatal error, which ends the process (design §8).
  heap_limit_ = std::make_unique<V8HeapLimit>(isolate_);
  gc_counters_ = std::make_unique<V8GcCounters>(isolate_);
  isolate_data_ = node::CreateIsolateData(isolate_, loop_->get(), process_->platform(), allocator_.get());
  if (isolate_data_ == nullptr) return Status::Error("node::CreateIsolateData failed");
  loop_->AddParticipant(this);
  return Status::Ok();
}

std::string NodeRuntime::version() const { return v8::V8::GetVersion(); }

bool NodeRuntime::DrainReady() {
  if (env_ == nullptr || uv_loop_alive(loop_->get())) return false;
  process_->platform()->DrainTasks(isolate_);
  return uv_loop_alive(loop_->get());
}

Status NodeRuntime::StartEnvironment(const std::vector<std::string>& args, const std::vector<std::string>& exec_args,
                                     node::StartExecutionCallback main, v8::Local<v8::Value>* main_result) {
  if (env_ != nullptr) return Status::Error("a Node environment is already running");
  v8::EscapableHandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = node::NewContext(isolate_);
  if (context.IsEmpty()) return Status::Error("node::NewContext failed");
  v8::Context::Scope context_scope(context);
  env_ = node::CreateEnvironment(isolate_data_, context, args, exec_args, node::EnvironmentFlags::kDefaultFlags);
  if (env_ == nullptr) return Status::Error("node::CreateEnvironment failed");
  context_.Reset(isolate_, context);
  stopping_ = false;
  exit_code_ = 0;
  uncaught_ = Status::Ok();
  // Node's default handler calls exit(), which would skip duet's own teardown (and CPython's).
  node::SetProcessExitHandler(env_, [this](node::Environment* stopped, int code) {
    stopping_ = true;
    exit_code_ = code;
    node::Stop(stopped);
  });
  AddDuetBinding(env_, &duet_module_);
  // Timer expiries count from the loop's time, which is stale until the loop next runs.
  uv_update_time(loop_->get());
  v8::Local<v8::Value> result;
  if (node::LoadEnvironment(env_, std::move(main)).ToLocal(&result)) *main_result = handle_scope.Escape(result);
  return Status::Ok();
}

void NodeRuntime::FreeEnvironment() {
  import_workload_.Reset();
  prepared_for_.clear();
  namespace_.Reset();
  run_.Reset();
  state_.Reset();
  result_.Reset();
  callback_resource_.Reset();
  exports_ = {};
  if (env_ != nullptr) {
    v8::HandleScope handle_scope(isolate_);
    v8::Context::Scope context_scope(context_.Get(isolate_));
    node::FreeEnvironment(std::exchange(env_, nullptr));
  }
  context_.Reset();
  duet_module_.blackhole_sink.Reset();
  // node::Stop terminated execution; the isolate must run again for whoever comes next.
  isolate_->CancelTerminateExecution();
}

bool NodeRuntime::SpinUntilExit() {
  v8::SealHandleScope seal(isolate_);
  bool more = false;
  do {
    if (stopping_) break;
    uv_run(loop_->get(), UV_RUN_DEFAULT);
    if (stopping_) break;
    process_->platform()->DrainTasks(isolate_);
    more = uv_loop_alive(loop_->get());
    if (more) continue;
    // beforeExit may schedule more work, which keeps the script alive, as in node.
    if (node::EmitProcessBeforeExit(env_).IsNothing()) break;
    more = uv_loop_alive(loop_->get());
  } while (more && !stopping_);
  return !stopping_;
}

Status NodeRuntime::Start(const std::vector<std::string>& args, const std::vector<std::string>& exec_args) {
  duet_module_.params = nullptr;
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Value> ignored;
  // Whatever the main returns is node's business: an exception at the top level has been
  // reported and has called the exit handler, as in `node`.
  if (args.size() < 2 || args[1] == "-" || SelectsAnotherMain(exec_args)) {
    return StartEnvironment(args, exec_args, node::StartExecutionCallback{}, &ignored);
  }
  return StartEnvironment(args, exec_args, [this](const node::StartExecutionCallbackInfo& info) {
    return RunExecMain(info);
  }, &ignored);
}

Status NodeRuntime::Finish(int* exit_code) {
  if (env_ == nullptr) return Status::Error("no Node environment is running");
  {
    v8::HandleScope handle_scope(isolate_);
    v8::Context::Scope context_scope(context_.Get(isolate_));
    if (SpinUntilExit()) {
      v8::Maybe<int> code = node::EmitProcessExit(env_);
      if (!stopping_) exit_code_ = code.FromMaybe(1);
    }
  }
  FreeEnvironment();
  *exit_code = exit_code_;
  return Status::Ok();
}

Status NodeRuntime::ExecCommandLine(int* exit_code) {
  DUET_RETURN_IF_ERROR(Start(process_->args(), process_->exec_args()));
  return Finish(exit_code);
}

Status NodeRuntime::Exec(const std::filesystem::path& script, const std::vector<std::string>& args, int* exit_code) {
  FreeEnvironment();
  std::vector<std::string> argv = {"duet", std::filesystem::absolute(script).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  DUET_RETURN_IF_ERROR(Start(argv, process_->exec_args()));
  return Finish(exit_code);
}

// ---- The workload contract -------------------------------------------------------------------

Status NodeRuntime::TerminationStatus(const std::string& what) {
  isolate_->CancelTerminateExecution();
  if (stopping_) return Status::Error(fmt::format("process.exit({}) called during {}", exit_code_, what));
  if (heap_limit_->reached()) return Status::Error(heap_limit_->Message(what));
  if (!uncaught_.ok()) return uncaught_;
  return Status::Error("interrupted during " + what);
}

void NodeRuntime::Interrupt() {
  interrupted_ = true;
  isolate_->TerminateExecution();
  loop_->Interrupt();
}

void NodeRuntime::ClearInterrupt() {
  isolate_->CancelTerminateExecution();
  interrupted_ = false;
  loop_->ClearInterrupt();
}

Status NodeRuntime::Prepare(const std::filesystem::path& script) {
  FreeEnvironment();
  heap_limit_->Restore();
  std::filesystem::path absolute = std::filesystem::absolute(script);
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Value> import_workload;
  DUET_RETURN_IF_ERROR(StartEnvironment({"duet", absolute.string()}, process_->exec_args(),
                                        [this](const node::StartExecutionCallbackInfo& info) {
                                          return RunWorkloadMain(info);
                                        },
                                        &import_workload));
  if (Failing() || import_workload.IsEmpty() || !import_workload->IsFunction()) {
    Status why = TerminationStatus("starting Node's environment");
    return Status::Error(why.message(), absolute.string(), 0, why.detail());
  }
  import_workload_.Reset(isolate_, import_workload.As<v8::Function>());
  DUET_RETURN_IF_ERROR(WarmModuleLoader());
  prepared_for_ = absolute;
  return Status::Ok();
}

Status NodeRuntime::WarmModuleLoader() {
  // Node compiles its ES module loader (file URL resolution, package scopes, reading, the
  // translators) on an environment's first import of a file: 20-50 ms here, which belongs to
  // the environment's start-up, not to the workload's import. An empty module of our own
  // takes that path; it is deleted as soon as it is imported.
  std::error_code error;
  std::filesystem::path empty =
      std::filesystem::temp_directory_path(error) / fmt::format("duet-warm-{}-{}.mjs", getpid(), ++warm_count_);
  if (error) return Status::Ok();  // no temporary directory: the first import pays, as in node
  {
    std::ofstream out(empty);
    if (!out) return Status::Ok();
  }
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Value> ns;
  Status imported = ImportModule(("file://" + empty.string()).c_str(), &ns);
  std::filesystem::remove(empty, error);
  return imported;
}

Status NodeRuntime::ImportModule(const char* url, v8::Local<v8::Value>* ns) {
  v8::EscapableHandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> argument = v8::Undefined(isolate_);
  if (url != nullptr) argument = v8rt::Str(isolate_, url);
  v8::Local<v8::Value> imported;
  {
    node::CallbackScope callback_scope(isolate_, v8::Object::New(isolate_), {0, 0});
    v8::TryCatch try_catch(isolate_);
    if (!import_workload_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 1, &argument).ToLocal(&imported) &&
        try_catch.HasCaught() && !try_catch.HasTerminated()) {
      return v8rt::StatusFromTryCatch(isolate_, context, try_catch, "import");
    }
  }
  if (Failing() || imported.IsEmpty() || !imported->IsPromise()) return TerminationStatus("import");
  v8::Local<v8::Value> result;
  DUET_RETURN_IF_ERROR(AwaitPromise(imported.As<v8::Promise>(), "import", &result));
  *ns = handle_scope.Escape(result);
  return Status::Ok();
}

Status NodeRuntime::Load(const std::filesystem::path& script, const nlohmann::json& params) {
  std::filesystem::path absolute = std::filesystem::absolute(script);
  std::ifstream in(absolute, std::ios::binary);
  if (!in) return Status::Error("cannot read the script", absolute.string(), 0);
  DUET_RETURN_IF_ERROR(CheckUtf8Source(absolute.string(), std::string(std::istreambuf_iterator<char>(in), {})));
  // An environment imports one workload: a prepared one is used once, for its own script.
  if (import_workload_.IsEmpty() || prepared_for_ != absolute) DUET_RETURN_IF_ERROR(Prepare(absolute));
  script_ = absolute;
  duet_module_.params = params;  // read when the workload first imports 'duet'
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> ns;
  Status loaded = ImportModule(nullptr, &ns);
  import_workload_.Reset();
  if (!loaded.ok()) {
    // The top level may run out of heap or call process.exit before the import's promise
    // exists, and a terminated import never settles: the script is named here.
    if (!loaded.file().empty()) return loaded;
    return Status::Error(loaded.message(), script_.string(), 0, loaded.detail());
  }
  namespace_.Reset(isolate_, ns.As<v8::Object>());
  callback_resource_.Reset(isolate_, v8::Object::New(isolate_));
  // The exported function `name`, or an empty handle.
  auto exported = [&](const char* name) {
    v8::Local<v8::Value> value;
    bool found = ns.As<v8::Object>()->Get(context, v8rt::Str(isolate_, name)).ToLocal(&value) && value->IsFunction();
    return found ? value.As<v8::Function>() : v8::Local<v8::Function>();
  };
  v8::Local<v8::Function> run = exported("run");
  exports_ = {!exported("setup").IsEmpty(), !run.IsEmpty(), !exported("verify").IsEmpty(),
              !exported("teardown").IsEmpty()};
  if (run.IsEmpty()) return Status::Error("the module does not export a function named run", script_.string(), 1);
  run_.Reset(isolate_, run);
  return Status::Ok();
}

Status NodeRuntime::AwaitPromise(v8::Local<v8::Promise> promise, const char* what, v8::Local<v8::Value>* result) {
  Status spun = loop_->SpinUntil([&] { return promise->State() != v8::Promise::PromiseState::kPending || Failing(); });
  if (Failing()) return TerminationStatus(what);
  if (!spun.ok()) return Status::Error(std::string(what) + ": the promise never settled (" + spun.message() + ")");
  if (promise->State() == v8::Promise::PromiseState::kRejected) {
    return v8rt::StatusFromException(isolate_, context_.Get(isolate_), promise->Result(), what);
  }
  *result = promise->Result();
  return Status::Ok();
}

Status NodeRuntime::Call(const char* name, std::vector<v8::Local<v8::Value>> args, v8::Local<v8::Value>* result) {
  if (env_ == nullptr || namespace_.IsEmpty()) return Status::Error(std::string(name) + ": no workload is loaded");
  if (Failing()) return TerminationStatus(name);
  v8::Local<v8::Value> fn;
  if (!namespace_.Get(isolate_)->Get(context_.Get(isolate_), v8rt::Str(isolate_, name)).ToLocal(&fn) ||
      !fn->IsFunction()) {
    return Status::Error(fmt::format("the module does not export a function named {}", name), script_.string(), 1);
  }
  return CallFunction(fn.As<v8::Function>(), name, std::move(args), result);
}

Status NodeRuntime::CallFunction(v8::Local<v8::Function> fn, const char* name,
                                 std::vector<v8::Local<v8::Value>> args, v8::Local<v8::Value>* result) {
  if (Failing()) return TerminationStatus(name);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Local<v8::Value> value;
  Status threw;
  {
    node::CallbackScope callback_scope(isolate_, callback_resource_.Get(isolate_), {0, 0});
    // Innermost, so the error is the call's failure rather than node's uncaught exception.
    v8::TryCatch try_catch(isolate_);
    if (!fn->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), args.data())
             .ToLocal(&value)) {
      if (!try_catch.HasTerminated()) threw = v8rt::StatusFromTryCatch(isolate_, context, try_catch, name);
    } else if (value->IsPromise()) {
      // The host awaits it: its rejection is handled, not an "unhandled rejection".
      v8::Local<v8::Function> ignore = v8::Function::New(context, [](const v8::FunctionCallbackInfo<v8::Value>&) {})
                                           .ToLocalChecked();
      (void)value.As<v8::Promise>()->Catch(context, ignore).IsEmpty();
    }
  }  // node drains nextTicks and microtasks here, as after any callback
  if (!threw.ok()) return threw;
  if (Failing() || value.IsEmpty()) return TerminationStatus(name);
  if (value->IsPromise()) return AwaitPromise(value.As<v8::Promise>(), name, result);
  *result = value;
  return Status::Ok();
}

v8::Local<v8::Value> NodeRuntime::State() {
  return state_.IsEmpty() ? v8::Undefined(isolate_).As<v8::Value>() : state_.Get(isolate_);
}

Status NodeRuntime::Setup() {
  v8::HandleScope scope(isolate_);
  if (env_ == nullptr) return Status::Error("setup: no workload is loaded");
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> state = v8::Undefined(isolate_);
  uv_update_time(loop_->get());
  if (exports_.setup) {
    v8::Local<v8::Value> params;
    DUET_RETURN_IF_ERROR(v8rt::FromJson(isolate_, context, duet_module_.params, &params));
    DUET_RETURN_IF_ERROR(Call("setup", {params}, &state));
  }
  state_.Reset(isolate_, state);
  return Status::Ok();
}

Status NodeRuntime::RunOnce(Sample* sample) {
  v8::HandleScope scope(isolate_);
  if (env_ == nullptr || run_.IsEmpty()) return Status::Error("run: no workload is loaded");
  v8::Context::Scope context_scope(context_.Get(isolate_));
  v8::Local<v8::Value> result;
  v8::Local<v8::Function> run = run_.Get(isolate_);
  v8::Local<v8::Value> state = State();
  result_.Reset();  // as in python/runtime.cc: the last result is not kept alive through this run
  uv_update_time(loop_->get());  // timers started by this iteration count from now

  uint64_t cpu0 = ThreadCpuNs();
  uint64_t wall0 = NowNs();
  Status status = CallFunction(run, "run", {state}, &result);
  uint64_t wall1 = NowNs();
  uint64_t cpu1 = ThreadCpuNs();

  DUET_RETURN_IF_ERROR(status);
  sample->wall_ns = wall1 - wall0;
  sample->cpu_ns = cpu1 - cpu0;
  result_.Reset(isolate_, result);
  return Status::Ok();
}

Status NodeRuntime::LastResult(nlohmann::json* out) {
  v8::HandleScope scope(isolate_);
  if (env_ == nullptr || result_.IsEmpty()) return Status::Error("run has not returned a result yet");
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  return v8rt::ToJson(isolate_, context, result_.Get(isolate_), out);
}

Status NodeRuntime::Verify(bool* passed) {
  v8::HandleScope scope(isolate_);
  if (env_ == nullptr || result_.IsEmpty()) return Status::Error("verify: run has not returned a result yet");
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> params;
  DUET_RETURN_IF_ERROR(v8rt::FromJson(isolate_, context, duet_module_.params, &params));
  v8::Local<v8::Value> verdict;
  DUET_RETURN_IF_ERROR(Call("verify", {result_.Get(isolate_), params}, &verdict));
  *passed = verdict->BooleanValue(isolate_);
  return Status::Ok();
}

Status NodeRuntime::Teardown() {
  Status status;
  if (env_ != nullptr && exports_.teardown && !stopping_) {
    v8::HandleScope scope(isolate_);
    v8::Context::Scope context_scope(context_.Get(isolate_));
    v8::Local<v8::Value> ignored;
    status = Call("teardown", {State()}, &ignored);
  }
  FreeEnvironment();
  // Let the collector see the old environment go before the next workload is timed.
  isolate_->LowMemoryNotification();
  heap_limit_->Restore();
  return status;
}

EngineCounters NodeRuntime::EndCounters() {
  EngineCounters counters = gc_counters_->End();
  counters.main_isolate_only = true;  // worker_threads' isolates have heaps and GCs of their own
  return counters;
}

Status NodeRuntime::StartProfiling(int interval_us) {
  if (!profiler_) profiler_ = std::make_unique<V8Profiler>(isolate_);
  return profiler_->Start(interval_us);
}

Status NodeRuntime::StopProfiling(CpuProfile* profile, ProfilerNotes* notes) {
  if (!profiler_) return Status::Error("V8 profiling was not started");
  return profiler_->Stop(profile, notes);
}

}  // namespace duet
