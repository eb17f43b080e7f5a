// NodeRuntime: Node's lifecycle as test/embedding/embedtest.cc has it (process, isolate on our
// loop, isolate data, context, environment, the spin loop, exit, then disposal in reverse),
// with process.exit routed back to duet instead of ending the process.
#include "node/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "node/exec_main.h"
#include "node/duet_module.h"

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

// Runs js/exec_main.js as function (process, require) inside LoadEnvironment.
v8::MaybeLocal<v8::Value> RunExecMain(const node::StartExecutionCallbackInfo& info) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8Literal(isolate, "duet:exec_main"));
  v8::ScriptCompiler::Source source(v8::String::NewFromUtf8(isolate, kExecMainSource).ToLocalChecked(), origin);
  std::array<v8::Local<v8::String>, 2> params = {v8::String::NewFromUtf8Literal(isolate, "process"),
                                                 v8::String::NewFromUtf8Literal(isolate, "require")};
  v8::Local<v8::Function> main;
  if (!v8::ScriptCompiler::CompileFunction(context, &source, params.size(), params.data()).ToLocal(&main)) return {};
  std::array<v8::Local<v8::Value>, 2> args = {info.process_object, info.native_require};
  return main->Call(context, v8::Undefined(isolate), args.size(), args.data());
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

NodeProcess::~NodeProcess() {
  if (result_ != nullptr && !result_->early_return()) node::TearDownOncePerProcess();
}

NodeRuntime::NodeRuntime(Loop* loop, NodeProcess* process) : loop_(loop), process_(process) {}

NodeRuntime::~NodeRuntime() {
  if (isolate_ == nullptr) return;
  if (env_ != nullptr) {
    int ignored = 0;
    (void)Finish(&ignored);
  }
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

Status NodeRuntime::Init() {
  allocator_ = node::ArrayBufferAllocator::Create();
  isolate_ = node::NewIsolate(allocator_, loop_->get(), process_->platform());
  if (isolate_ == nullptr) return Status::Error("node::NewIsolate failed");
  locker_ = std::make_unique<v8::Locker>(isolate_);
  isolate_->Enter();
  isolate_data_ = node::CreateIsolateData(isolate_, loop_->get(), process_->platform(), allocator_.get());
  if (isolate_data_ == nullptr) return Status::Error("node::CreateIsolateData failed");
  return Status::Ok();
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
  if (env_ != nullptr) return Status::Error("a Node environment is already running");
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = node::NewContext(isolate_);
  if (context.IsEmpty()) return Status::Error("node::NewContext failed");
  v8::Context::Scope context_scope(context);
  env_ = node::CreateEnvironment(isolate_data_, context, args, exec_args, node::EnvironmentFlags::kDefaultFlags);
  if (env_ == nullptr) return Status::Error("node::CreateEnvironment failed");
  context_.Reset(isolate_, context);
  stopping_ = false;
  exit_code_ = 0;
  // Node's default handler calls exit(), which would skip duet's own teardown (and CPython's).
  node::SetProcessExitHandler(env_, [this](node::Environment* stopped, int code) {
    stopping_ = true;
    exit_code_ = code;
    node::Stop(stopped);
  });
  AddDuetBinding(env_, &blackhole_sink_);
  bool script = args.size() >= 2 && args[1] != "-" && !SelectsAnotherMain(exec_args);
  // The result is node's business: an exception at the top level has been reported and has
  // called the exit handler, as in `node`.
  if (script) {
    (void)node::LoadEnvironment(env_, RunExecMain);
  } else {
    (void)node::LoadEnvironment(env_, node::StartExecutionCallback{});
  }
  return Status::Ok();
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
    node::FreeEnvironment(std::exchange(env_, nullptr));
  }
  context_.Reset();
  blackhole_sink_.Reset();
  // node::Stop terminated execution; the isolate must run again for whoever comes next.
  isolate_->CancelTerminateExecution();
  *exit_code = exit_code_;
  return Status::Ok();
}

Status NodeRuntime::Exec(int* exit_code) {
  DUET_RETURN_IF_ERROR(Start(process_->args(), process_->exec_args()));
  return Finish(exit_code);
}

}  // namespace duet
