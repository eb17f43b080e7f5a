// Network pairs on V8: what the harness reads from the state (the port) and serving the loaded
// workload's sockets while the load generator runs; python/serve.cc mirrors it.
#include "v8/runtime.h"

#include "v8/json_value.h"

namespace duet {

Status V8Runtime::StateValue(const std::string& key, nlohmann::json* out) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> state = state_.IsEmpty() ? v8::Undefined(isolate_).As<v8::Value>() : state_.Get(isolate_);
  return v8rt::PropertyToJson(isolate_, context, state, key, out);
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
