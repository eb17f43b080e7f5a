// The 'duet' module and every 'duet:<name>' binding module for Node: the linked binding 'duet'
// (process._linkedBinding('duet')) holds one object per module of the bindings registry, each
// function made from its one declaration (node/binding_glue.h); js/duet_hooks.js serves them to
// import. Mirrors host/python/duet_module.cc.
#include "node/duet_module.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bindings/builtin_modules.h"
#include "bindings/plugin_call.h"
#include "node/binding_glue.h"
#include "node/errors.h"
#include "node/json_value.h"

namespace duet {
namespace {

// Plugin functions (bindings/plugin_call.h) with V8's casters.
struct V8PluginGlue {
  const v8::FunctionCallbackInfo<v8::Value>& info;
  template <typename T> using Arg = v8glue::Arg<T>;
  template <typename T> bool Read(uint32_t index, Arg<T>* arg) const {
    return v8glue::ReadArg(info, static_cast<int>(index), arg);
  }
  void Raise(duet_error_kind kind, const std::string& message) const { v8glue::Throw(info.GetIsolate(), kind, message); }
  void Pending() const {}
  void Return() const {}
  template <typename T> void Return(const T& value) const { v8glue::SetReturn(info, value); }
};

void PluginCall(const v8::FunctionCallbackInfo<v8::Value>& info) {
  CallPlugin(V8PluginGlue{info}, v8glue::FunctionOf(info), static_cast<size_t>(info.Length()));
}


// duet.blackhole(x): the value is kept where no optimiser can prove it unused.
void Blackhole(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* state = static_cast<DuetModuleState*>(info.Data().As<v8::External>()->Value());
  state->blackhole_sink.Reset(info.GetIsolate(), info[0]);
}

void InitDuetBinding(v8::Local<v8::Object> exports, v8::Local<v8::Value>, v8::Local<v8::Context> context,
                     void* priv) {
  auto* state = static_cast<DuetModuleState*>(priv);
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Value> params;
  if (!v8rt::FromJson(isolate, context, state->params, &params).ok()) params = v8::Null(isolate);
  for (const BindingModule& module : Modules()) {
    v8::Local<v8::Object> object = v8::Object::New(isolate);
    for (const auto& [name, value] : v8glue::ModuleFunctions(isolate, context, module)) {
      object->Set(context, v8rt::Str(isolate, name), value).Check();
    }
    if (module.name == "duet") {
      object->Set(context, v8rt::Str(isolate, "params"), params).Check();
      object->Set(context, v8rt::Str(isolate, "runtime"), v8rt::Str(isolate, "v8")).Check();
      v8::Local<v8::Function> blackhole =
          v8::Function::New(context, Blackhole, v8::External::New(isolate, state)).ToLocalChecked();
      object->Set(context, v8rt::Str(isolate, "blackhole"), blackhole).Check();
    }
    exports->Set(context, v8rt::Str(isolate, module.name), object).Check();
  }
}

}  // namespace

namespace {

// A function's V8 entry points. The executable declares the built-ins with CPython's glue only
// (it may never load this library), so their V8 side is generated here from the same table;
// plugin functions all go through PluginCall; modules declared in a process linked with this
// library (tests) carry their own.
V8Entry EntryOf(const BindingModule& module, size_t index) {
  const BindingFunction& fn = module.functions[index];
  if (fn.plugin != nullptr) return {&PluginCall, nullptr};
  if (fn.v8.slow != nullptr) return fn.v8;
  static const std::vector<BindingModule> builtins = DeclareBuiltinModules<Declare<v8glue::Entries>>();
  const BindingFunction* declared = DeclaredBuiltin(builtins, module, index);
  return declared != nullptr ? declared->v8 : V8Entry{};
}

}  // namespace

std::vector<std::pair<std::string, v8::Local<v8::Value>>> v8glue::ModuleFunctions(v8::Isolate* isolate,
                                                                                 v8::Local<v8::Context> context,
                                                                                 const BindingModule& module) {
  std::vector<std::pair<std::string, v8::Local<v8::Value>>> functions;
  for (size_t i = 0; i < module.functions.size(); ++i) {
    const BindingFunction& fn = module.functions[i];
    V8Entry entry = EntryOf(module, i);
    if (entry.slow == nullptr) continue;  // declared in the executable without V8 glue: not for JS
    // The slow callback finds its declaration (names for error messages) in `data`.
    auto tmpl = v8::FunctionTemplate::New(
        isolate, entry.slow, v8::External::New(isolate, const_cast<BindingFunction*>(&fn)), v8::Local<v8::Signature>(),
        static_cast<int>(fn.params.size()), v8::ConstructorBehavior::kThrow, v8::SideEffectType::kHasSideEffect,
        entry.fast != nullptr ? entry.fast() : nullptr);
    tmpl->SetClassName(v8::String::NewFromUtf8(isolate, fn.name.c_str()).ToLocalChecked());  // the name in stacks
    functions.emplace_back(fn.name, tmpl->GetFunction(context).ToLocalChecked());
  }
  return functions;
}

void AddDuetBinding(node::Environment* env, DuetModuleState* state) {
  node::AddLinkedBinding(env, "duet", &InitDuetBinding, state);
}

}  // namespace duet
