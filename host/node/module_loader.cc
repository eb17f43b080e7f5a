// How an environment's main runs (node::LoadEnvironment's callback): duet's module hooks
// (js/duet_hooks.js) first, then either node's main for a script (js/exec_main.js) or a
// workload's import (js/workload_main.js). Mirrors host/python/module_loader.cc.
#include <initializer_list>
#include <string>
#include <utility>

#include "node/duet_hooks.h"
#include "node/exec_main.h"
#include "node/runtime.h"
#include "node/workload_main.h"
#include "node/errors.h"

namespace duet {
namespace {

// Compiles one of the embedded sources as a function of `params` and calls it with `args`.
v8::MaybeLocal<v8::Value> CallEmbedded(v8::Local<v8::Context> context, const char* name, const char* source,
                                       std::initializer_list<std::pair<const char*, v8::Local<v8::Value>>> params) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::ScriptOrigin origin(isolate, v8rt::Str(isolate, name));
  v8::ScriptCompiler::Source compiled_source(v8rt::Str(isolate, source), origin);
  std::vector<v8::Local<v8::String>> names;
  std::vector<v8::Local<v8::Value>> args;
  for (const auto& [param, value] : params) {
    names.push_back(v8rt::Str(isolate, param));
    args.push_back(value);
  }
  v8::Local<v8::Function> fn;
  if (!v8::ScriptCompiler::CompileFunction(context, &compiled_source, names.size(), names.data()).ToLocal(&fn)) {
    return {};
  }
  return fn->Call(context, v8::Undefined(isolate), static_cast<int>(args.size()), args.data());
}

v8::MaybeLocal<v8::Value> InstallDuetHooks(const node::StartExecutionCallbackInfo& info) {
  v8::Local<v8::Context> context = v8::Isolate::GetCurrent()->GetCurrentContext();
  return CallEmbedded(context, "duet:duet_hooks", kDuetHooksSource,
                      {{"process", info.process_object}, {"require", info.native_require}});
}

}  // namespace

v8::MaybeLocal<v8::Value> NodeRuntime::RunExecMain(const node::StartExecutionCallbackInfo& info) {
  if (InstallDuetHooks(info).IsEmpty()) return {};
  return CallEmbedded(context_.Get(isolate_), "duet:exec_main", kExecMainSource,
                      {{"process", info.process_object}, {"require", info.native_require}});
}

v8::MaybeLocal<v8::Value> NodeRuntime::RunWorkloadMain(const node::StartExecutionCallbackInfo& info) {
  if (InstallDuetHooks(info).IsEmpty()) return {};
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Local<v8::Function> report;
  if (!v8::Function::New(context, &NodeRuntime::ReportUncaught, v8::External::New(isolate_, this)).ToLocal(&report)) {
    return {};
  }
  return CallEmbedded(context, "duet:workload_main", kWorkloadMainSource,
                      {{"process", info.process_object}, {"require", info.native_require}, {"reportUncaught", report}});
}

void NodeRuntime::ReportUncaught(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* self = static_cast<NodeRuntime*>(info.Data().As<v8::External>()->Value());
  if (!self->uncaught_.ok()) return;  // the first one is the cause; later ones follow from it
  std::string what = v8rt::ToUtf8(info.GetIsolate(), info[1]);
  self->uncaught_ = v8rt::StatusFromException(info.GetIsolate(), info.GetIsolate()->GetCurrentContext(), info[0],
                                              what.c_str());
}

}  // namespace duet
