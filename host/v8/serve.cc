// Network pairs on V8: what the harness reads from the state (the port) and serving the loaded
// workload's sockets while the load generator runs; python/serve.cc mirrors it.
#include "v8/runtime.h"

#include "v8/errors.h"

namespace duet {

Status V8Runtime::StateValue(const std::string& key, nlohmann::json* out) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  if (state_.IsEmpty() || !state_.Get(isolate_)->IsObject()) {
    return Status::Error("setup() must return an object with \"" + key + "\"");
  }
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> value;
  v8::Local<v8::String> name = v8::String::NewFromUtf8(isolate_, key.c_str()).ToLocalChecked();
  if (!state_.Get(isolate_).As<v8::Object>()->Get(context, name).ToLocal(&value)) {
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, ("state." + key).c_str());
  }
  *out = nlohmann::json();
  if (value->IsUndefined()) return Status::Ok();
  v8::Local<v8::String> text;
  if (!v8::JSON::Stringify(context, value).ToLocal(&text)) {
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, ("state." + key).c_str());
  }
  *out = nlohmann::json::parse(v8rt::ToUtf8(isolate_, text), nullptr, /*allow_exceptions=*/false);
  return Status::Ok();
}

Status V8Runtime::Serve(const ServeStart& start) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Context::Scope context_scope(context_.Get(isolate_));
  LoopSignal done;
  DUET_RETURN_IF_ERROR(done.Init(loop_));
  uv_update_time(loop_->get());
  DUET_RETURN_IF_ERROR(start([&done] { done.Notify(); }));
  Status spun = loop_->SpinUntil([&] { return done.notified() || exit_.requested || !uncaught_.ok(); });
  done.Wait();  // after a failure too: the generator notifies `done` at its (bounded) end
  if (exit_.requested) return Status::Error("process.exit() called while serving");
  DUET_RETURN_IF_ERROR(TakeUncaught());
  return spun;
}

}  // namespace duet
