// The globals a script sees besides the language itself: console and a minimal process
// (argv, env, exitCode, exit). The full Node-compatible subset builds on these.
#include <cstdio>

#include "v8/errors.h"
#include "v8/runtime.h"

extern char** environ;

namespace duet {
namespace {


// Like node: strings print raw, objects as JSON where they can be, everything else by ToString.
std::string Format(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  std::string line;
  for (int i = 0; i < info.Length(); ++i) {
    if (i > 0) line += ' ';
    v8::Local<v8::Value> arg = info[i];
    if (arg->IsObject() && !arg->IsFunction() && !arg->IsNativeError()) {
      v8::TryCatch ignore(isolate);
      v8::Local<v8::String> json;
      if (v8::JSON::Stringify(context, arg).ToLocal(&json)) {
        line += v8rt::ToUtf8(isolate, json);
        continue;
      }
    }
    if (arg->IsNativeError()) {
      v8::Local<v8::Value> stack;
      if (arg.As<v8::Object>()->Get(context, v8rt::Str(isolate, "stack")).ToLocal(&stack) && stack->IsString()) {
        line += v8rt::ToUtf8(isolate, stack);
        continue;
      }
    }
    line += v8rt::ToUtf8(isolate, arg);
  }
  return line + "\n";
}

template <FILE** stream>
void Print(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::string line = Format(info);
  std::fwrite(line.data(), 1, line.size(), *stream);
  std::fflush(*stream);
}
FILE* g_stdout = stdout;
FILE* g_stderr = stderr;

void Exit(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  V8Runtime* runtime = V8Runtime::From(isolate);
  int code = 0;
  if (info.Length() > 0 && info[0]->IsNumber()) {
    code = info[0]->Int32Value(isolate->GetCurrentContext()).FromMaybe(0);
  } else {
    v8::Local<v8::Value> exit_code;
    if (info.This()->Get(isolate->GetCurrentContext(), v8rt::Str(isolate, "exitCode")).ToLocal(&exit_code) &&
        exit_code->IsNumber()) {
      code = exit_code->Int32Value(isolate->GetCurrentContext()).FromMaybe(0);
    }
  }
  runtime->exit_request() = {true, code};
  // Unwinds every JS frame; the runtime cancels the termination once control is back in C++.
  isolate->TerminateExecution();
  // Termination is an interrupt, honoured at the next function entry or loop back edge: enter a
  // function now, so the script stops at process.exit() as in node, not at its next call.
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Script> stop;
  if (v8::Script::Compile(context, v8rt::Str(isolate, "(function () {})()")).ToLocal(&stop)) {
    bool stopped = stop->Run(context).IsEmpty();  // it is: that is the point
    (void)stopped;
  }
}

}  // namespace

Status V8Runtime::InstallGlobals(v8::Local<v8::Context> context) {
  v8::Local<v8::Object> global = context->Global();

  v8::Local<v8::Object> console = v8::Object::New(isolate_);
  v8rt::SetFunction(context, console, "log", Print<&g_stdout>);
  v8rt::SetFunction(context, console, "info", Print<&g_stdout>);
  v8rt::SetFunction(context, console, "debug", Print<&g_stdout>);
  v8rt::SetFunction(context, console, "error", Print<&g_stderr>);
  v8rt::SetFunction(context, console, "warn", Print<&g_stderr>);
  global->Set(context, v8rt::Str(isolate_, "console"), console).Check();

  v8::Local<v8::Object> process = v8::Object::New(isolate_);
  v8::Local<v8::Array> argv = v8::Array::New(isolate_, static_cast<int>(argv_.size()));
  for (size_t i = 0; i < argv_.size(); ++i) {
    argv->Set(context, static_cast<uint32_t>(i), v8rt::Str(isolate_, argv_[i])).Check();
  }
  process->Set(context, v8rt::Str(isolate_, "argv"), argv).Check();
  v8::Local<v8::Object> env = v8::Object::New(isolate_);
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string kv(*entry);
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    env->Set(context, v8rt::Str(isolate_, kv.substr(0, eq)), v8rt::Str(isolate_, kv.substr(eq + 1))).Check();
  }
  process->Set(context, v8rt::Str(isolate_, "env"), env).Check();
  process->Set(context, v8rt::Str(isolate_, "platform"), v8rt::Str(isolate_, "linux")).Check();
  v8rt::SetFunction(context, process, "exit", Exit);
  global->Set(context, v8rt::Str(isolate_, "process"), process).Check();
  return Status::Ok();
}

}  // namespace duet
