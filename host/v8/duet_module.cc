// The 'duet' module and every 'duet:<name>' binding module for V8, from the bindings registry
// (host/bindings) plus the per-runtime names: params, blackhole, runtime.
#include "v8/binding_glue.h"

#include <cstdlib>
#include <memory>

#include "v8/errors.h"
#include "v8/runtime.h"

namespace duet {
namespace {

// Plugin functions: types known only at run time, converted by the same casters the templates use.
void PluginCall(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const BindingFunction& fn = v8glue::FunctionOf(info);
  const duet_function& c = *fn.plugin;
  if (info.Length() != static_cast<int>(c.param_count)) {
    v8glue::Throw(isolate, DUET_TYPE_ERROR, ArgumentCountError(fn, info.Length()));
    return;
  }
  std::vector<duet_value> args(c.param_count);
  std::vector<v8glue::Arg<std::string>> text(c.param_count);
  std::vector<v8glue::Arg<BytesView>> bytes(c.param_count);
  for (uint32_t i = 0; i < c.param_count; ++i) {
    duet_value& v = args[i];
    switch (c.param_types[i]) {
      case DUET_INT64: {
        v8glue::Arg<int64_t> a;
        if (!v8glue::ReadArg(info, i, &a)) return;
        v.as.i64 = a.get();
        break;
      }
      case DUET_DOUBLE: {
        v8glue::Arg<double> a;
        if (!v8glue::ReadArg(info, i, &a)) return;
        v.as.f64 = a.get();
        break;
      }
      case DUET_BOOL: {
        v8glue::Arg<bool> a;
        if (!v8glue::ReadArg(info, i, &a)) return;
        v.as.boolean = a.get();
        break;
      }
      case DUET_STRING:
        if (!v8glue::ReadArg(info, i, &text[i])) return;
        v.as.buf = {text[i].get().data(), text[i].get().size()};
        break;
      case DUET_BYTES:
        if (!v8glue::ReadArg(info, i, &bytes[i])) return;
        v.as.buf = {reinterpret_cast<const char*>(bytes[i].get().data), bytes[i].get().size};
        break;
    }
  }
  duet_value result{};
  duet_error error{};
  if (c.call(args.data(), &result, &error) != 0) {
    v8glue::Throw(isolate, static_cast<duet_error_kind>(error.kind), fn.name + "(): " + error.message);
    return;
  }
  switch (c.result_type) {
    case DUET_VOID: return;
    case DUET_INT64: v8glue::SetReturn(info, result.as.i64); return;
    case DUET_DOUBLE: v8glue::SetReturn(info, result.as.f64); return;
    case DUET_BOOL: v8glue::SetReturn(info, result.as.boolean != 0); return;
  }
  // Strings and bytes were malloc()ed by the plugin; the host frees them.
  std::unique_ptr<char, decltype(&std::free)> owned(const_cast<char*>(result.as.buf.data), &std::free);
  if (c.result_type == DUET_STRING) {
    v8glue::SetReturn(info, std::string(owned.get(), result.as.buf.size));
  } else {
    const auto* data = reinterpret_cast<const uint8_t*>(owned.get());
    v8glue::SetReturn(info, Bytes(data, data + result.as.buf.size));
  }
}

void Blackhole(const v8::FunctionCallbackInfo<v8::Value>& info) {
  V8Runtime::From(info.GetIsolate())->SetBlackhole(info[0]);
}

// The exports of one builtin module, in declaration order.
std::vector<std::pair<std::string, v8::Local<v8::Value>>> ModuleExports(
    V8Runtime* runtime, v8::Local<v8::Context> context, const BindingModule& module) {
  v8::Isolate* isolate = runtime->isolate();
  std::vector<std::pair<std::string, v8::Local<v8::Value>>> exports = v8glue::ModuleFunctions(isolate, context, module);
  if (module.name == "duet") {
    exports.emplace_back("params", runtime->Params());
    exports.emplace_back("runtime", v8rt::Str(isolate, "v8"));
    exports.emplace_back("blackhole", v8::Function::New(context, Blackhole).ToLocalChecked());
  }
  return exports;
}

}  // namespace

std::vector<std::pair<std::string, v8::Local<v8::Value>>> v8glue::ModuleFunctions(v8::Isolate* isolate,
                                                                                 v8::Local<v8::Context> context,
                                                                                 const BindingModule& module) {
  std::vector<std::pair<std::string, v8::Local<v8::Value>>> functions;
  for (const BindingFunction& fn : module.functions) {
    // The slow callback finds its declaration (names for error messages) in `data`.
    auto tmpl = v8::FunctionTemplate::New(
        isolate, fn.v8.slow, v8::External::New(isolate, const_cast<BindingFunction*>(&fn)), v8::Local<v8::Signature>(),
        static_cast<int>(fn.params.size()), v8::ConstructorBehavior::kThrow, v8::SideEffectType::kHasSideEffect,
        fn.v8.fast != nullptr ? fn.v8.fast() : nullptr);
    tmpl->SetClassName(v8::String::NewFromUtf8(isolate, fn.name.c_str()).ToLocalChecked());  // the name in stacks
    functions.emplace_back(fn.name, tmpl->GetFunction(context).ToLocalChecked());
  }
  return functions;
}

V8Entry PluginV8Entry() { return {&PluginCall, nullptr}; }

v8::MaybeLocal<v8::Module> V8Runtime::BuiltinModule(const std::string& specifier) {
  auto cached = builtin_modules_.find(specifier);
  if (cached != builtin_modules_.end()) return cached->second.Get(isolate_);
  const BindingModule* module = FindModule(specifier == "duet" ? "duet" : specifier.substr(5));
  if (module == nullptr || (specifier != "duet" && module->name == "duet")) {
    isolate_->ThrowException(v8::Exception::Error(v8rt::Str(isolate_, "No such duet module: '" + specifier + "'")));
    return {};
  }
  v8::Local<v8::Context> context = context_.Get(isolate_);
  std::vector<v8::Local<v8::String>> names;
  for (const auto& [name, value] : ModuleExports(this, context, *module)) names.push_back(v8rt::Str(isolate_, name));
  v8::Local<v8::Module> synthetic =
      v8::Module::CreateSyntheticModule(isolate_, v8rt::Str(isolate_, specifier), names, &V8Runtime::EvaluateBuiltin);
  builtin_modules_[specifier].Reset(isolate_, synthetic);
  modules_by_hash_[synthetic->GetIdentityHash()].push_back(
      {std::filesystem::path(specifier), v8::Global<v8::Module>(isolate_, synthetic)});
  return synthetic;
}

v8::MaybeLocal<v8::Value> V8Runtime::EvaluateBuiltin(v8::Local<v8::Context> context,
                                                     v8::Local<v8::Module> module) {
  V8Runtime* self = From(context->GetIsolate());
  v8::Isolate* isolate = self->isolate_;
  for (const auto& [specifier, global] : self->builtin_modules_) {
    if (global.Get(isolate) != module) continue;
    const BindingModule* binding = FindModule(specifier == "duet" ? "duet" : specifier.substr(5));
    for (const auto& [name, value] : ModuleExports(self, context, *binding)) {
      if (module->SetSyntheticModuleExport(isolate, v8rt::Str(isolate, name), value).IsNothing()) return {};
    }
  }
  auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
  resolver->Resolve(context, v8::Undefined(isolate)).Check();
  return resolver->GetPromise();
}

}  // namespace duet
