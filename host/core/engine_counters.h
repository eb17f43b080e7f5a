// EngineCounters: what an engine reports about itself between Runtime::BeginCounters and
// EndCounters (design §4): GC pauses, heap and code figures. The adapters fill it; report/ alone
// turns it into duet-run/1 JSON (report/counters_json.h), so the key names live in one place.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/pause_stats.h"
#include "core/runtime_id.h"

namespace duet {

struct GcCounters {
  PauseStats pauses;  // every stop-the-world pause (V8: not incremental marking steps)
  // Per kind: V8 by GC type ("scavenge", "mark_compact", ...), CPython by generation ("0".."2").
  // Unset only when read from a document that has none.
  std::optional<std::map<std::string, PauseStats>> by_kind;
  std::optional<int64_t> collected;      // CPython: objects the collections freed
  std::optional<int64_t> uncollectable;  // CPython: objects they could not free
};

// V8 only: the isolate's heap (v8::HeapStatistics) and per-space use.
struct V8HeapCounters {
  uint64_t used_bytes = 0;
  uint64_t total_bytes = 0;
  uint64_t limit_bytes = 0;
  uint64_t external_bytes = 0;
  uint64_t malloced_bytes = 0;
  std::map<std::string, uint64_t> space_used_bytes;  // by V8's space name
};

// V8 only: v8::HeapCodeStatistics.
struct V8CodeCounters {
  uint64_t code_and_metadata_bytes = 0;
  uint64_t bytecode_and_metadata_bytes = 0;
  uint64_t external_script_source_bytes = 0;
};

struct EngineCounters {
  // Whose counters: it decides the JSON shape (V8's "by_type", CPython's "by_generation").
  RuntimeId runtime = RuntimeId::kV8;
  GcCounters gc;
  // V8 only.
  std::optional<V8HeapCounters> heap;
  std::optional<V8CodeCounters> code;
  // Node's worker_threads have isolates, heaps and GCs of their own: true says these figures are
  // the main isolate's alone.
  bool main_isolate_only = false;
  // CPython only.
  std::optional<int64_t> allocated_blocks_delta;
  // CPython with --trace-malloc: tracemalloc's peak; unset (JSON null) without it.
  std::optional<int64_t> traced_peak_bytes;
};

}  // namespace duet
