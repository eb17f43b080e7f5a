// The 'duet' module and every 'duet:<name>' binding module for Node: the linked binding 'duet'
// (process._linkedBinding('duet')) holds one object per module of the bindings registry, built
// by the same glue as V8Runtime's (v8/binding_glue.h); js/exec_main.js serves them to import.
#include "node/duet_module.h"

#include "v8/binding_glue.h"
#include "v8/errors.h"
#include "v8/json_value.h"

namespace duet {
namespace {

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

void AddDuetBinding(node::Environment* env, DuetModuleState* state) {
  node::AddLinkedBinding(env, "duet", &InitDuetBinding, state);
}

}  // namespace duet
