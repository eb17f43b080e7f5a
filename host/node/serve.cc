// Network pairs on Node: what the harness reads from the state (the port) and serving the
// loaded workload's sockets while the load generator runs; python/serve.cc mirrors it.
#include "node/runtime.h"
#include "node/json_value.h"

namespace duet {

Status NodeRuntime::StateValue(const std::string& key, nlohmann::json* out) {
  v8::HandleScope scope(isolate_);
  if (env_ == nullptr) return Status::Error("no workload is loaded");
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  return v8rt::PropertyToJson(isolate_, context, State(), key, out);
}

Status NodeRuntime::Serve(const ServeStart& start) {
  v8::HandleScope scope(isolate_);
  if (env_ == nullptr) return Status::Error("no workload is loaded");
  v8::Context::Scope context_scope(context_.Get(isolate_));
  LoopSignal done;
  DUET_RETURN_IF_ERROR(done.Init(loop_));
  uv_update_time(loop_->get());
  DUET_RETURN_IF_ERROR(start([&done] { done.Notify(); }));
  Status spun = loop_->SpinUntil([&] { return done.notified() || Failing(); });
  done.Wait();  // after a failure too: the generator notifies `done` at its (bounded) end
  if (Failing()) return TerminationStatus("serving");
  return spun;
}

}  // namespace duet
