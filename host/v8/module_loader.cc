// ES module loading for V8Runtime: reads files, resolves relative specifiers against the
// importing module, links the built-in 'duet' modules, and evaluates with top-level await.
#include <fstream>
#include <sstream>

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

Status V8Runtime::CompileModule(const std::filesystem::path& file, v8::Local<v8::Module>* out) {
  std::string source;
  DUET_RETURN_IF_ERROR(ReadFile(file, &source));
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
  for (const char* bare : {"events", "timers", "timers/promises", "fs/promises", "process"}) {
    if (spec == bare) return NodeBuiltinModule(spec);
  }

  std::filesystem::path base;
  for (const ModuleRecord& record : modules_by_hash_[referrer->GetIdentityHash()]) {
    if (record.module.Get(isolate_) == referrer) base = record.path.parent_path();
  }
  if (spec.rfind("file://", 0) == 0) spec = spec.substr(7);
  bool relative = spec.rfind("./", 0) == 0 || spec.rfind("../", 0) == 0 || spec.rfind("/", 0) == 0;
  if (!relative) {
    std::string message = "Cannot find package '" + spec + "' (duet resolves relative files, 'duet' and 'duet:*')";
    isolate_->ThrowException(v8::Exception::Error(
        v8::String::NewFromUtf8(isolate_, message.c_str()).ToLocalChecked()));
    return {};
  }
  std::filesystem::path path = std::filesystem::weakly_canonical(base / spec);
  auto found = modules_by_path_.find(path.string());
  if (found != modules_by_path_.end()) return found->second.Get(isolate_);

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
