// V8Runtime: engine lifecycle and the workload contract. Reads top to bottom like
// samples/shell.cc: platform (once per process), isolate, context per workload, disposal.
#include "v8/runtime.h"

#include <libplatform/libplatform.h>

#include <fmt/format.h>

#include <algorithm>

#include "core/clock.h"
#include "v8/errors.h"
#include "v8/json_value.h"

namespace duet {
namespace {

// V8 can be initialised once per process and never again after disposal, so the platform is
// a process singleton torn down at exit, after every isolate is gone.
class V8Process {
 public:
  static V8Process& Get() {
    static V8Process process;
    return process;
  }
  v8::Platform* platform() { return platform_.get(); }

 private:
  V8Process() {
    v8::V8::InitializeICUDefaultLocation("");
    // Off by default in V8 10.2: without it optimised code never calls a binding's v8::CFunction.
    v8::V8::SetFlagsFromString("--turbo-fast-api-calls");
    // Four worker threads: node's default (--v8-pool-size=4), so GC and compiler
    // background work match the standalone baseline.
    platform_ = v8::platform::NewDefaultPlatform(4);
    v8::V8::InitializePlatform(platform_.get());
    v8::V8::Initialize();
  }
  ~V8Process() {
    v8::V8::Dispose();
    v8::V8::DisposePlatform();
  }
  std::unique_ptr<v8::Platform> platform_;
};

}  // namespace

V8Runtime::V8Runtime(Loop* loop) : loop_(loop) {}

V8Runtime::~V8Runtime() {
  if (isolate_ == nullptr) return;
  loop_->RemoveParticipant(this);
  {
    v8::Isolate::Scope isolate_scope(isolate_);
    DropWorkload();
    context_.Reset();
  }
  profiler_.reset();
  gc_counters_.reset();
  heap_limit_.reset();
  CloseLoopHandles();
  // Pending platform tasks hold the isolate: run them out before disposal.
  while (v8::platform::PumpMessageLoop(V8Process::Get().platform(), isolate_)) {
  }
  isolate_->Dispose();
}

V8Runtime* V8Runtime::From(v8::Isolate* isolate) {
  return static_cast<V8Runtime*>(isolate->GetData(0));
}

Status V8Runtime::Init(size_t max_heap_bytes) {
  V8Process::Get();
  allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  // Heap limits sized from the machine's memory exactly as node does
  // (SetIsolateCreateParamsForNode), so GC behaves as in the standalone baseline.
  uint64_t constrained = uv_get_constrained_memory();
  uint64_t total = constrained > 0 ? std::min(uv_get_total_memory(), constrained) : uv_get_total_memory();
  if (total > 0) params.constraints.ConfigureDefaults(total, 0);
  if (max_heap_bytes > 0) params.constraints.set_max_old_generation_size_in_bytes(max_heap_bytes);
  isolate_ = v8::Isolate::New(params);
  if (isolate_ == nullptr) return Status::Error("v8::Isolate::New failed");
  isolate_->SetData(0, this);
  // Without it, running out of heap is a fatal error that ends the process (design §8).
  heap_limit_ = std::make_unique<V8HeapLimit>(isolate_);
  // Microtasks run when the loop drains us, as node runs them after each macrotask.
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->SetHostInitializeImportMetaObjectCallback(&V8Runtime::InitializeImportMeta);
  // Errors that surface later as rejected promises keep the location where they were thrown.
  isolate_->SetCaptureStackTraceForUncaughtExceptions(true, 16);
  gc_counters_ = std::make_unique<V8GcCounters>(isolate_);
  loop_->AddParticipant(this);
  return InitLoopHandles();
}

Status V8Runtime::WarmContext() {
  v8::Isolate::Scope isolate_scope(isolate_);
  return NewContext();
}

void V8Runtime::SetFlags(const std::string& flags) { v8::V8::SetFlagsFromString(flags.c_str(), flags.size()); }

std::string V8Runtime::version() const { return v8::V8::GetVersion(); }

bool V8Runtime::DrainReady() {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  bool did = false;
  while (v8::platform::PumpMessageLoop(V8Process::Get().platform(), isolate_)) did = true;
  isolate_->PerformMicrotaskCheckpoint();
  // Terminated in there (the watchdog, the heap limit, process.exit): whoever waits reports it.
  if (isolate_->IsExecutionTerminating()) return did;
  // Then nextTick callbacks (and the microtasks they queue), as node does after a macrotask.
  if (!context_.IsEmpty()) CallFromLoop(process_ticks_, {});
  return did;
}

Status V8Runtime::TerminationStatus(const std::string& what) {
  isolate_->CancelTerminateExecution();
  if (exit_.requested) return Status::Error(fmt::format("process.exit({}) called during {}", exit_.code, what));
  if (heap_limit_->reached()) return Status::Error(heap_limit_->Message(what));
  return Status::Error("interrupted during " + what);
}

void V8Runtime::Interrupt() {
  interrupted_ = true;
  isolate_->TerminateExecution();
  loop_->Interrupt();
}

void V8Runtime::ClearInterrupt() {
  isolate_->CancelTerminateExecution();
  interrupted_ = false;
  loop_->ClearInterrupt();
}

Status V8Runtime::NewContext() {
  DropWorkload();
  exit_ = {};
  heap_limit_->Restore();
  ResetLoopHandles();
  // Timer expiries count from the loop's time, which is stale until the loop next runs.
  uv_update_time(loop_->get());
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = v8::Context::New(isolate_);
  if (context.IsEmpty()) return Status::Error("v8::Context::New failed");
  context_.Reset(isolate_, context);
  v8::Context::Scope context_scope(context);
  DUET_RETURN_IF_ERROR(InstallGlobals(context));
  return InstallNodeLayer(context);
}

void V8Runtime::DropWorkload() {
  namespace_.Reset();
  state_.Reset();
  result_.Reset();
  blackhole_.Reset();
  params_.Reset();
  modules_by_hash_.clear();
  modules_by_path_.clear();
  builtin_modules_.clear();
  exports_ = {};
}

v8::Local<v8::Value> V8Runtime::Params() {
  if (params_.IsEmpty()) return v8::Null(isolate_);
  return params_.Get(isolate_);
}

v8::Local<v8::Function> V8Runtime::Export(const char* name) {
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Local<v8::Value> value;
  if (namespace_.IsEmpty() ||
      !namespace_.Get(isolate_)
           ->Get(context, v8::String::NewFromUtf8(isolate_, name).ToLocalChecked())
           .ToLocal(&value) ||
      !value->IsFunction()) {
    return {};
  }
  return value.As<v8::Function>();
}

Status V8Runtime::Load(const std::filesystem::path& script, const nlohmann::json& params) {
  v8::Isolate::Scope isolate_scope(isolate_);
  DUET_RETURN_IF_ERROR(NewContext());
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);

  v8::Local<v8::Value> params_value;
  DUET_RETURN_IF_ERROR(v8rt::FromJson(isolate_, context, params, &params_value));
  params_.Reset(isolate_, params_value);

  v8::Local<v8::Object> exports;
  DUET_RETURN_IF_ERROR(LoadEntry(script, /*is_main=*/false, &exports));
  if (exit_.requested) return TerminationStatus("import");
  namespace_.Reset(isolate_, exports);
  exports_.setup = !Export("setup").IsEmpty();
  exports_.run = !Export("run").IsEmpty();
  exports_.verify = !Export("verify").IsEmpty();
  exports_.teardown = !Export("teardown").IsEmpty();
  if (!exports_.run) {
    return Status::Error("the module does not export a function named run", script.string(), 1);
  }
  return Status::Ok();
}

Status V8Runtime::AwaitPromise(v8::Local<v8::Promise> promise, const char* what,
                               v8::Local<v8::Value>* result) {
  // The host awaits this promise itself: its rejection is handled, not "unhandled".
  promise->MarkAsHandled();
  ForgetRejection(promise);  // it may have rejected already, before anyone could handle it
  Status spun = loop_->SpinUntil([&] {
    return promise->State() != v8::Promise::PromiseState::kPending || exit_.requested || heap_limit_->reached() ||
           !uncaught_.ok();
  });
  if (exit_.requested || heap_limit_->reached() || interrupted_) return TerminationStatus(what);
  if (!uncaught_.ok()) return TakeUncaught();
  if (!spun.ok()) return Status::Error(std::string(what) + ": the promise never settled (" + spun.message() + ")");
  if (promise->State() == v8::Promise::PromiseState::kRejected) {
    return v8rt::StatusFromException(isolate_, context_.Get(isolate_), promise->Result(), what);
  }
  *result = promise->Result();
  return Status::Ok();
}

Status V8Runtime::Call(v8::Local<v8::Function> fn, std::vector<v8::Local<v8::Value>> args,
                       const char* what, v8::Local<v8::Value>* result) {
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> value;
  if (!fn->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), args.data())
           .ToLocal(&value)) {
    if (try_catch.HasTerminated() || exit_.requested) return TerminationStatus(what);
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, what);
  }
  if (value->IsPromise()) return AwaitPromise(value.As<v8::Promise>(), what, result);
  *result = value;
  return Status::Ok();
}

Status V8Runtime::Setup() {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Context::Scope context_scope(context_.Get(isolate_));
  v8::Local<v8::Value> state = v8::Undefined(isolate_);
  uv_update_time(loop_->get());
  if (exports_.setup) DUET_RETURN_IF_ERROR(Call(Export("setup"), {Params()}, "setup", &state));
  state_.Reset(isolate_, state);
  return Status::Ok();
}

Status V8Runtime::RunOnce(Sample* sample) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Function> run = Export("run");
  v8::Local<v8::Value> state =
      state_.IsEmpty() ? v8::Undefined(isolate_).As<v8::Value>() : state_.Get(isolate_);
  v8::Local<v8::Value> result;
  uv_update_time(loop_->get());  // timers started by this iteration count from now

  uint64_t cpu0 = ThreadCpuNs();
  uint64_t wall0 = NowNs();
  Status status = Call(run, {state}, "run", &result);
  uint64_t wall1 = NowNs();
  uint64_t cpu1 = ThreadCpuNs();

  DUET_RETURN_IF_ERROR(status);
  sample->wall_ns = wall1 - wall0;
  sample->cpu_ns = cpu1 - cpu0;
  result_.Reset(isolate_, result);
  // Microtasks queued by a synchronous run belong to this iteration, but not to its timing.
  DrainReady();
  return TakeUncaught();
}

Status V8Runtime::LastResult(nlohmann::json* out) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  if (result_.IsEmpty()) return Status::Error("run has not returned a result yet");
  return v8rt::ToJson(isolate_, context, result_.Get(isolate_), out);
}

Status V8Runtime::Verify(bool* passed) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Context::Scope context_scope(context_.Get(isolate_));
  v8::Local<v8::Value> verdict;
  DUET_RETURN_IF_ERROR(
      Call(Export("verify"), {result_.Get(isolate_), Params()}, "verify", &verdict));
  *passed = verdict->BooleanValue(isolate_);
  return Status::Ok();
}

Status V8Runtime::Teardown() {
  v8::Isolate::Scope isolate_scope(isolate_);
  Status status;
  if (exports_.teardown) {
    v8::HandleScope scope(isolate_);
    v8::Context::Scope context_scope(context_.Get(isolate_));
    v8::Local<v8::Value> ignored;
    v8::Local<v8::Value> state = state_.IsEmpty() ? v8::Undefined(isolate_).As<v8::Value>() : state_.Get(isolate_);
    status = Call(Export("teardown"), {state}, "teardown", &ignored);
  }
  DropWorkload();
  context_.Reset();
  // Let the collector see the old context go before the next workload is timed.
  isolate_->LowMemoryNotification();
  heap_limit_->Restore();
  return status;
}

Status V8Runtime::Exec(const std::filesystem::path& script, const std::vector<std::string>& args,
                       int* exit_code) {
  v8::Isolate::Scope isolate_scope(isolate_);
  argv_ = {"duet", std::filesystem::absolute(script).string()};
  argv_.insert(argv_.end(), args.begin(), args.end());
  exit_ = {};
  DUET_RETURN_IF_ERROR(NewContext());
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);

  v8::Local<v8::Object> exports;
  Status status = LoadEntry(script, /*is_main=*/true, &exports);
  if (status.ok() && !uncaught_.ok()) status = uncaught_;
  if (status.ok() && !exit_.requested) {
    // Timers and I/O the script started keep it alive, as in node.
    loop_->SpinUntil([&] { return exit_.requested || !uncaught_.ok() || !uv_loop_alive(loop_->get()); }).ok();
    if (!uncaught_.ok() && !exit_.requested) status = uncaught_;
  }
  if (exit_.requested) {
    *exit_code = exit_.code;
    return Status::Ok();
  }
  if (!status.ok()) {
    *exit_code = 1;
    return status;
  }
  // process.exitCode, when the script set it.
  v8::Local<v8::Value> process, code;
  if (context->Global()->Get(context, v8::String::NewFromUtf8Literal(isolate_, "process")).ToLocal(&process) &&
      process->IsObject() &&
      process.As<v8::Object>()->Get(context, v8::String::NewFromUtf8Literal(isolate_, "exitCode")).ToLocal(&code) &&
      code->IsNumber()) {
    *exit_code = static_cast<int>(code->Int32Value(context).FromMaybe(0));
  } else {
    *exit_code = 0;
  }
  return Status::Ok();
}


Status V8Runtime::StartProfiling(int interval_us) {
  v8::Isolate::Scope isolate_scope(isolate_);
  if (!profiler_) profiler_ = std::make_unique<V8Profiler>(isolate_);
  return profiler_->Start(interval_us);
}

Status V8Runtime::StopProfiling(CpuProfile* profile, nlohmann::json* notes) {
  if (!profiler_) return Status::Error("V8 profiling was not started");
  v8::Isolate::Scope isolate_scope(isolate_);
  return profiler_->Stop(profile, notes);
}

}  // namespace duet
