// The 'duet' module and every 'duet:<name>' binding module for V8, generated from the
// bindings table (host/bindings) plus the per-runtime names: params, blackhole, runtime.
#include <cstring>
#include <exception>

#include "bindings/registry.h"
#include "v8/errors.h"
#include "v8/runtime.h"

namespace duet {
namespace {

const BindingModule* FindModule(const std::string& name) {
  for (const BindingModule& m : BuiltinModules()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}


void ThrowTypeError(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::TypeError(v8rt::Str(isolate, message)));
}

// JS value -> C++ by the declared type; false (with a TypeError thrown) on mismatch.
bool FromJs(v8::Isolate* isolate, const BindingFunction& fn, int index, v8::Local<v8::Value> value,
            BindingValue* out) {
  BindingType type = fn.params[index];
  auto fail = [&] {
    ThrowTypeError(isolate, ArgumentTypeError(fn, index));
    return false;
  };
  switch (type) {
    case BindingType::kVoid: *out = std::monostate{}; return true;
    case BindingType::kInt64:
      if (value->IsBigInt()) { *out = value.As<v8::BigInt>()->Int64Value(); return true; }
      if (!value->IsNumber()) return fail();
      *out = static_cast<int64_t>(value.As<v8::Number>()->Value());
      return true;
    case BindingType::kDouble:
      if (!value->IsNumber()) return fail();
      *out = value.As<v8::Number>()->Value();
      return true;
    case BindingType::kBool:
      if (!value->IsBoolean()) return fail();
      *out = value->IsTrue();
      return true;
    case BindingType::kString:
      if (!value->IsString()) return fail();
      *out = v8rt::ToUtf8(isolate, value);
      return true;
    case BindingType::kBytes: {
      if (value->IsString()) {  // text is accepted as its UTF-8 bytes
        *out = Bytes{v8rt::ToUtf8(isolate, value)};
        return true;
      }
      if (!value->IsArrayBufferView()) return fail();
      auto view = value.As<v8::ArrayBufferView>();
      Bytes bytes;
      bytes.data.resize(view->ByteLength());
      view->CopyContents(bytes.data.data(), bytes.data.size());
      *out = std::move(bytes);
      return true;
    }
  }
  return fail();
}

v8::Local<v8::Value> ToJs(v8::Isolate* isolate, const BindingValue& value) {
  struct Visitor {
    v8::Isolate* isolate;
    v8::Local<v8::Value> operator()(std::monostate) { return v8::Undefined(isolate); }
    v8::Local<v8::Value> operator()(int64_t v) {
      constexpr int64_t kMaxSafe = (int64_t{1} << 53) - 1;
      if (v > kMaxSafe || v < -kMaxSafe) return v8::BigInt::New(isolate, v);
      return v8::Number::New(isolate, static_cast<double>(v));
    }
    v8::Local<v8::Value> operator()(double v) { return v8::Number::New(isolate, v); }
    v8::Local<v8::Value> operator()(bool v) { return v8::Boolean::New(isolate, v); }
    v8::Local<v8::Value> operator()(const std::string& v) { return v8rt::Str(isolate, v); }
    v8::Local<v8::Value> operator()(const Bytes& v) {
      auto buffer = v8::ArrayBuffer::New(isolate, v.data.size());
      std::memcpy(buffer->GetBackingStore()->Data(), v.data.data(), v.data.size());
      return v8::Uint8Array::New(buffer, 0, v.data.size());
    }
  };
  return std::visit(Visitor{isolate}, value);
}

// The one V8 entry point for every bound function; data holds its BindingFunction.
void InvokeBinding(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const auto* fn = static_cast<const BindingFunction*>(info.Data().As<v8::External>()->Value());
  if (info.Length() != static_cast<int>(fn->params.size())) {
    ThrowTypeError(isolate, ArgumentCountError(*fn, info.Length()));
    return;
  }
  std::vector<BindingValue> args(fn->params.size());
  for (int i = 0; i < info.Length(); ++i) {
    if (!FromJs(isolate, *fn, i, info[i], &args[i])) return;
  }
  try {
    info.GetReturnValue().Set(ToJs(isolate, fn->invoke(args)));
  } catch (const std::exception& e) {
    // C++ exceptions stop here: V8 frames must never unwind through them.
    isolate->ThrowException(v8::Exception::Error(v8rt::Str(isolate, std::string(fn->name) + "(): " + e.what())));
  }
}

void Blackhole(const v8::FunctionCallbackInfo<v8::Value>& info) {
  V8Runtime::From(info.GetIsolate())->SetBlackhole(info[0]);
}

// The exports of one builtin module, in declaration order.
std::vector<std::pair<std::string, v8::Local<v8::Value>>> ModuleExports(
    V8Runtime* runtime, v8::Local<v8::Context> context, const BindingModule& module) {
  v8::Isolate* isolate = runtime->isolate();
  std::vector<std::pair<std::string, v8::Local<v8::Value>>> exports;
  for (const BindingFunction& fn : module.functions) {
    auto tmpl = v8::FunctionTemplate::New(
        isolate, InvokeBinding, v8::External::New(isolate, const_cast<BindingFunction*>(&fn)));
    exports.emplace_back(fn.name, tmpl->GetFunction(context).ToLocalChecked());
  }
  if (std::string(module.name) == "duet") {
    exports.emplace_back("params", runtime->Params());
    exports.emplace_back("runtime", v8rt::Str(isolate, "v8"));
    exports.emplace_back("blackhole", v8::Function::New(context, Blackhole).ToLocalChecked());
  }
  return exports;
}

}  // namespace

v8::MaybeLocal<v8::Module> V8Runtime::BuiltinModule(const std::string& specifier) {
  auto cached = builtin_modules_.find(specifier);
  if (cached != builtin_modules_.end()) return cached->second.Get(isolate_);
  const BindingModule* module = FindModule(specifier == "duet" ? "duet" : specifier.substr(5));
  if (module == nullptr || (specifier != "duet" && std::string(module->name) == "duet")) {
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
