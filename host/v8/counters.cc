// V8's engine counters: GC pauses by type (prologue/epilogue callbacks), heap and per-space
// figures, code and metadata size. Mirrors host/python/counters.cc.
#include "core/clock.h"
#include "v8/runtime.h"

namespace duet {
namespace {

const char* GcTypeName(v8::GCType type) {
  switch (type) {
    case v8::kGCTypeScavenge: return "scavenge";
    case v8::kGCTypeMinorMarkCompact: return "minor_mark_compact";
    case v8::kGCTypeMarkSweepCompact: return "mark_compact";
    case v8::kGCTypeIncrementalMarking: return "incremental_marking";
    case v8::kGCTypeProcessWeakCallbacks: return "weak_callbacks";
    default: return "other";
  }
}

}  // namespace

void V8Runtime::OnGcPrologue(v8::Isolate*, v8::GCType type, v8::GCCallbackFlags, void* data) {
  static_cast<V8Runtime*>(data)->gc_started_ns_[type] = NowNs();
}

void V8Runtime::OnGcEpilogue(v8::Isolate*, v8::GCType type, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<V8Runtime*>(data);
  auto started = self->gc_started_ns_.find(type);
  if (started == self->gc_started_ns_.end()) return;
  uint64_t ended = NowNs();
  self->gc_pauses_[GcTypeName(type)].Add(ended - started->second);
  if (self->gc_listener_) self->gc_listener_(GcTypeName(type), started->second, ended);
  self->gc_started_ns_.erase(started);
}

void V8Runtime::BeginCounters() { gc_pauses_.clear(); }

nlohmann::json V8Runtime::EndCounters() {
  nlohmann::json gc = nlohmann::json::object();
  PauseStats all;
  for (const auto& [type, pauses] : gc_pauses_) {
    gc[type] = pauses.ToJson();
    // Incremental marking steps run interleaved with JS, not as a stop-the-world pause of their own.
    if (type != "incremental_marking") {
      all.Merge(pauses);
    }
  }
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  nlohmann::json spaces = nlohmann::json::object();
  for (size_t i = 0; i < isolate_->NumberOfHeapSpaces(); ++i) {
    v8::HeapSpaceStatistics space;
    if (isolate_->GetHeapSpaceStatistics(&space, i)) spaces[space.space_name()] = space.space_used_size();
  }
  v8::HeapCodeStatistics code;
  isolate_->GetHeapCodeAndMetadataStatistics(&code);
  return {
      {"gc", {{"pauses", all.ToJson()}, {"by_type", gc}}},
      {"heap",
       {{"used_bytes", heap.used_heap_size()},
        {"total_bytes", heap.total_heap_size()},
        {"limit_bytes", heap.heap_size_limit()},
        {"external_bytes", heap.external_memory()},
        {"malloced_bytes", heap.malloced_memory()},
        {"space_used_bytes", spaces}}},
      {"code",
       {{"code_and_metadata_bytes", code.code_and_metadata_size()},
        {"bytecode_and_metadata_bytes", code.bytecode_and_metadata_size()},
        {"external_script_source_bytes", code.external_script_source_size()}}},
  };
}

}  // namespace duet
