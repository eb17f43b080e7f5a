// V8GcCounters: GC pauses by type (prologue/epilogue callbacks), heap and per-space figures,
// code and metadata size. Mirrors host/python/counters.cc.
#include "core/clock.h"
#include "node/isolate_tools.h"

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

V8GcCounters::V8GcCounters(v8::Isolate* isolate) : isolate_(isolate) {
  isolate_->AddGCPrologueCallback(&V8GcCounters::OnPrologue, this);
  isolate_->AddGCEpilogueCallback(&V8GcCounters::OnEpilogue, this);
}

V8GcCounters::~V8GcCounters() {
  isolate_->RemoveGCPrologueCallback(&V8GcCounters::OnPrologue, this);
  isolate_->RemoveGCEpilogueCallback(&V8GcCounters::OnEpilogue, this);
}

void V8GcCounters::OnPrologue(v8::Isolate*, v8::GCType type, v8::GCCallbackFlags, void* data) {
  static_cast<V8GcCounters*>(data)->started_ns_[type] = NowNs();
}

void V8GcCounters::OnEpilogue(v8::Isolate*, v8::GCType type, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<V8GcCounters*>(data);
  auto started = self->started_ns_.find(type);
  if (started == self->started_ns_.end()) return;
  uint64_t ended = NowNs();
  self->pauses_[GcTypeName(type)].Add(ended - started->second);
  if (self->listener_) self->listener_(GcTypeName(type), started->second, ended);
  self->started_ns_.erase(started);
}

EngineCounters V8GcCounters::End() const {
  EngineCounters counters;
  counters.runtime = RuntimeId::kV8;
  counters.gc.by_kind = pauses_;
  for (const auto& [type, pauses] : pauses_) {
    // Incremental marking steps run interleaved with JS, not as a stop-the-world pause of their own.
    if (type != "incremental_marking") {
      counters.gc.pauses.Merge(pauses);
    }
  }
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  V8HeapCounters& h = counters.heap.emplace();
  h.used_bytes = heap.used_heap_size();
  h.total_bytes = heap.total_heap_size();
  h.limit_bytes = heap.heap_size_limit();
  h.external_bytes = heap.external_memory();
  h.malloced_bytes = heap.malloced_memory();
  for (size_t i = 0; i < isolate_->NumberOfHeapSpaces(); ++i) {
    v8::HeapSpaceStatistics space;
    if (isolate_->GetHeapSpaceStatistics(&space, i)) h.space_used_bytes[space.space_name()] = space.space_used_size();
  }
  v8::HeapCodeStatistics code;
  isolate_->GetHeapCodeAndMetadataStatistics(&code);
  counters.code = V8CodeCounters{code.code_and_metadata_size(), code.bytecode_and_metadata_size(),
                                 code.external_script_source_size()};
  return counters;
}

}  // namespace duet
