// ES module loading for V8Runtime: reads files, resolves relative specifiers against the
// importing module, links the built-in 'duet' modules, and evaluates with top-level await.
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "core/text.h"
#include "v8/errors.h"
#include "v8/runtime.h"

namespace duet {
namespace {

Status ReadFile(const std::filesystem::path& file, std::string* out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::Error("cannot read " + file.string(), file.string(), 0);
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return Status::Ok();
}

std::string FileUrl(const std::filesystem::path& path) { return "file://" + path.string(); }


}  // namespace

std::string ModuleTypeOf(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  if (ext == ".mjs") return "module";
  if (ext == ".cjs") return "commonjs";
  if (ext == ".json") return "json";
  // Package scopes rarely change during a run; node caches these lookups too.
  static std::map<std::string, std::string> scope_types;
  for (std::filesystem::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    auto cached = scope_types.find(dir.string());
    if (cached != scope_types.end()) return cached->second;
    std::filesystem::path manifest = dir / "package.json";
    if (std::filesystem::is_regular_file(manifest)) {
      std::ifstream in(manifest);
      nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      std::string type = doc.is_object() && doc.value("type", "") == "module" ? "module" : "commonjs";
      scope_types[dir.string()] = type;
      return type;
    }
    if (dir == dir.root_path()) break;
  }
  return "commonjs";
}

Status V8Runtime::LoadEntry(const std::filesystem::path& file, bool is_main, v8::Local<v8::Object>* exports) {
  std::filesystem::path path = std::filesystem::weakly_canonical(std::filesystem::absolute(file));
  if (ModuleTypeOf(path) == "module") {
    v8::Local<v8::Module> module;
    DUET_RETURN_IF_ERROR(LoadModule(path, &module));
    if (module->GetStatus() == v8::Module::kEvaluated) {
      *exports = module->GetModuleNamespace().As<v8::Object>();
    } else {
      *exports = v8::Object::New(isolate_);  // process.exit() during evaluation
    }
    return Status::Ok();
  }
  if (!std::filesystem::is_regular_file(path)) return Status::Error("cannot read " + path.string(), path.string(), 0);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::TryCatch try_catch(isolate_);
  import_error_ = Status::Ok();
  v8::Local<v8::Value> argv[] = {v8rt::Str(isolate_, path.string()), v8::Boolean::New(isolate_, is_main)};
  v8::Local<v8::Value> result;
  if (!require_from_host_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 2, argv).ToLocal(&result)) {
    if (try_catch.HasTerminated() || exit_.requested) {
      if (!exit_.requested) return TerminationStatus("import");  // the watchdog or the heap limit
      isolate_->CancelTerminateExecution();
      *exports = v8::Object::New(isolate_);
      return Status::Ok();
    }
    if (!import_error_.ok()) return import_error_;
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, "error while requiring");
  }
  // Ticks and microtasks the module's top level queued run before anything else, as in node.
  DrainReady();
  *exports = result->IsObject() ? result.As<v8::Object>() : v8::Object::New(isolate_);
  return Status::Ok();
}

// An ES module importing CommonJS gets module.exports as the default export and its own
// properties as named exports (node finds those by static analysis; duet reads them).
v8::MaybeLocal<v8::Module> V8Runtime::CommonJsAsModule(const std::filesystem::path& file) {
  auto cached = modules_by_path_.find(file.string());
  if (cached != modules_by_path_.end()) return cached->second.Get(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Local<v8::Value> argv[] = {v8rt::Str(isolate_, file.string()), v8::False(isolate_)};
  v8::Local<v8::Value> exports;
  if (!require_from_host_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 2, argv).ToLocal(&exports)) return {};
  std::vector<v8::Local<v8::String>> names = {v8rt::Str(isolate_, "default")};
  if (exports->IsObject() && !exports->IsFunction()) {
    v8::Local<v8::Array> keys = exports.As<v8::Object>()->GetOwnPropertyNames(context).ToLocalChecked();
    for (uint32_t i = 0; i < keys->Length(); ++i) {
      v8::Local<v8::String> key = keys->Get(context, i).ToLocalChecked().As<v8::String>();
      if (v8rt::ToUtf8(isolate_, key) != "default") names.push_back(key);
    }
  }
  v8::Local<v8::Module> module = v8::Module::CreateSyntheticModule(
      isolate_, v8rt::Str(isolate_, file.string()), names,
      [](v8::Local<v8::Context> ctx, v8::Local<v8::Module> m) -> v8::MaybeLocal<v8::Value> {
        V8Runtime* self = From(ctx->GetIsolate());
        v8::Isolate* isolate = self->isolate_;
        for (const ModuleRecord& record : self->modules_by_hash_[m->GetIdentityHash()]) {
          if (record.module.Get(isolate) != m) continue;
          v8::Local<v8::Value> argv[] = {v8rt::Str(isolate, record.path.string()), v8::False(isolate)};
          v8::Local<v8::Value> exports;  // served from require's cache
          if (!self->require_from_host_.Get(isolate)->Call(ctx, v8::Undefined(isolate), 2, argv).ToLocal(&exports)) return {};
          if (m->SetSyntheticModuleExport(isolate, v8rt::Str(isolate, "default"), exports).IsNothing()) return {};
          if (exports->IsObject() && !exports->IsFunction()) {
            v8::Local<v8::Array> keys = exports.As<v8::Object>()->GetOwnPropertyNames(ctx).ToLocalChecked();
            for (uint32_t i = 0; i < keys->Length(); ++i) {
              v8::Local<v8::String> key = keys->Get(ctx, i).ToLocalChecked().As<v8::String>();
              if (v8rt::ToUtf8(isolate, key) == "default") continue;
              if (m->SetSyntheticModuleExport(isolate, key, exports.As<v8::Object>()->Get(ctx, key).ToLocalChecked()).IsNothing()) return {};
            }
          }
        }
        auto resolver = v8::Promise::Resolver::New(ctx).ToLocalChecked();
        resolver->Resolve(ctx, v8::Undefined(isolate)).Check();
        return resolver->GetPromise();
      });
  modules_by_path_[file.string()].Reset(isolate_, module);
  modules_by_hash_[module->GetIdentityHash()].push_back({file, v8::Global<v8::Module>(isolate_, module)});
  return module;
}

Status V8Runtime::CompileModule(const std::filesystem::path& file, v8::Local<v8::Module>* out) {
  std::string source;
  DUET_RETURN_IF_ERROR(ReadFile(file, &source));
  DUET_RETURN_IF_ERROR(CheckUtf8Source(file.string(), source));
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Local<v8::String> source_text;
  if (!v8::String::NewFromUtf8(isolate_, source.data(), v8::NewStringType::kNormal,
                               static_cast<int>(source.size()))
           .ToLocal(&source_text)) {
    return Status::Error("source too large", file.string(), 0);
  }
  v8::ScriptOrigin origin(isolate_,
                          v8::String::NewFromUtf8(isolate_, file.c_str()).ToLocalChecked(), 0, 0,
                          false, -1, v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  v8::ScriptCompiler::Source compiler_source(source_text, origin);
  v8::TryCatch try_catch(isolate_);
  if (!v8::ScriptCompiler::CompileModule(isolate_, &compiler_source).ToLocal(out)) {
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, "cannot compile module");
  }
  modules_by_path_[file.string()].Reset(isolate_, *out);
  modules_by_hash_[(*out)->GetIdentityHash()].push_back({file, v8::Global<v8::Module>(isolate_, *out)});
  return Status::Ok();
}

Status V8Runtime::LoadModule(const std::filesystem::path& file, v8::Local<v8::Module>* out) {
  std::filesystem::path path = std::filesystem::weakly_canonical(std::filesystem::absolute(file));
  v8::Local<v8::Context> context = context_.Get(isolate_);
  DUET_RETURN_IF_ERROR(CompileModule(path, out));

  v8::TryCatch try_catch(isolate_);
  import_error_ = Status::Ok();
  if (!(*out)->InstantiateModule(context, &V8Runtime::ResolveCallback).FromMaybe(false)) {
    // An imported file that failed to compile carries its own, more precise location.
    if (!import_error_.ok()) return import_error_;
    if (try_catch.HasCaught()) {
      return v8rt::StatusFromTryCatch(isolate_, context, try_catch, "cannot link module");
    }
    return Status::Error("cannot link module", path.string(), 0);
  }
  v8::Local<v8::Value> evaluation;
  if (!(*out)->Evaluate(context).ToLocal(&evaluation)) {
    if (try_catch.HasTerminated() || exit_.requested) {
      if (!exit_.requested) return TerminationStatus("import");
      isolate_->CancelTerminateExecution();
      return Status::Ok();
    }
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, "error while importing");
  }
  if (evaluation->IsPromise()) {
    v8::Local<v8::Value> ignored;
    Status awaited = AwaitPromise(evaluation.As<v8::Promise>(), "import", &ignored);
    if (exit_.requested) return Status::Ok();
    if (!awaited.ok()) {
      // A failed import leaves the error on the module with a precise location.
      if ((*out)->GetStatus() == v8::Module::kErrored) {
        return v8rt::StatusFromException(isolate_, context, (*out)->GetException(),
                                         "error while importing");
      }
      return awaited;
    }
  }
  return Status::Ok();
}

v8::MaybeLocal<v8::Module> V8Runtime::ResolveCallback(v8::Local<v8::Context> context,
                                                      v8::Local<v8::String> specifier,
                                                      v8::Local<v8::FixedArray>,
                                                      v8::Local<v8::Module> referrer) {
  return From(context->GetIsolate())->ResolveImport(context, specifier, referrer);
}

v8::MaybeLocal<v8::Module> V8Runtime::ResolveImport(v8::Local<v8::Context> context,
                                                    v8::Local<v8::String> specifier,
                                                    v8::Local<v8::Module> referrer) {
  std::string spec = v8rt::ToUtf8(isolate_, specifier);
  if (spec == "duet" || spec.rfind("duet:", 0) == 0) return BuiltinModule(spec);
  if (spec.rfind("node:", 0) == 0) return NodeBuiltinModule(spec.substr(5));
  bool relative = spec.rfind("./", 0) == 0 || spec.rfind("../", 0) == 0 || spec.rfind("/", 0) == 0 ||
                  spec.rfind("file://", 0) == 0;
  if (!relative && !node_builtins_.IsEmpty() &&
      node_builtins_.Get(isolate_)->HasOwnProperty(context, specifier).FromMaybe(false)) {
    return NodeBuiltinModule(spec);
  }

  std::filesystem::path base;
  for (const ModuleRecord& record : modules_by_hash_[referrer->GetIdentityHash()]) {
    if (record.module.Get(isolate_) == referrer) base = record.path.parent_path();
  }
  if (spec.rfind("file://", 0) == 0) spec = spec.substr(7);
  if (!relative) {
    std::string message = "Cannot find package '" + spec + "' (duet resolves relative files, node's builtins it offers, 'duet' and 'duet:*')";
    isolate_->ThrowException(v8::Exception::Error(
        v8::String::NewFromUtf8(isolate_, message.c_str()).ToLocalChecked()));
    return {};
  }
  std::filesystem::path path = std::filesystem::weakly_canonical(base / spec);
  auto found = modules_by_path_.find(path.string());
  if (found != modules_by_path_.end()) return found->second.Get(isolate_);
  if (ModuleTypeOf(path) != "module" && std::filesystem::is_regular_file(path)) return CommonJsAsModule(path);

  v8::Local<v8::Module> module;
  Status status = CompileModule(path, &module);
  if (!status.ok()) {
    import_error_ = status;
    std::string message = status.ToString();
    isolate_->ThrowException(v8::Exception::Error(
        v8::String::NewFromUtf8(isolate_, message.c_str()).ToLocalChecked()));
    return {};
  }
  (void)context;
  return module;
}

void V8Runtime::InitializeImportMeta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                                     v8::Local<v8::Object> meta) {
  V8Runtime* self = From(context->GetIsolate());
  for (const ModuleRecord& record : self->modules_by_hash_[module->GetIdentityHash()]) {
    if (record.module.Get(self->isolate_) != module) continue;
    std::string url = FileUrl(record.path);
    meta->CreateDataProperty(context, v8::String::NewFromUtf8Literal(self->isolate_, "url"),
                             v8::String::NewFromUtf8(self->isolate_, url.c_str()).ToLocalChecked())
        .Check();
  }
}

}  // namespace duet
