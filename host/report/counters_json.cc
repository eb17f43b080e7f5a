// EngineCounters <-> JSON; see counters_json.h.
#include "report/counters_json.h"

namespace duet {
namespace {

// V8 names its kinds GC types, CPython generations.
const char* KindsKey(RuntimeId runtime) { return runtime == RuntimeId::kV8 ? "by_type" : "by_generation"; }

nlohmann::json PausesJson(const PauseStats& p) { return {{"count", p.count}, {"total_ns", p.total_ns}, {"max_ns", p.max_ns}}; }

PauseStats PausesFromJson(const nlohmann::json& j) {
  PauseStats p;
  p.count = j.value("count", uint64_t{0});
  p.total_ns = j.value("total_ns", uint64_t{0});
  p.max_ns = j.value("max_ns", uint64_t{0});
  return p;
}

template <typename T>
std::optional<T> Optional(const nlohmann::json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null()) return std::nullopt;
  return object[key].get<T>();
}

}  // namespace

nlohmann::json CountersJson(const EngineCounters& c) {
  nlohmann::json gc = {{"pauses", PausesJson(c.gc.pauses)}};
  if (c.gc.by_kind) {
    nlohmann::json kinds = nlohmann::json::object();
    for (const auto& [kind, pauses] : *c.gc.by_kind) kinds[kind] = PausesJson(pauses);
    gc[KindsKey(c.runtime)] = std::move(kinds);
  }
  if (c.gc.collected) gc["collected"] = *c.gc.collected;
  if (c.gc.uncollectable) gc["uncollectable"] = *c.gc.uncollectable;
  nlohmann::json out = {{"gc", std::move(gc)}};
  if (c.heap) {
    out["heap"] = {{"used_bytes", c.heap->used_bytes},
                   {"total_bytes", c.heap->total_bytes},
                   {"limit_bytes", c.heap->limit_bytes},
                   {"external_bytes", c.heap->external_bytes},
                   {"malloced_bytes", c.heap->malloced_bytes},
                   {"space_used_bytes", c.heap->space_used_bytes}};
  }
  if (c.code) {
    out["code"] = {{"code_and_metadata_bytes", c.code->code_and_metadata_bytes},
                   {"bytecode_and_metadata_bytes", c.code->bytecode_and_metadata_bytes},
                   {"external_script_source_bytes", c.code->external_script_source_bytes}};
  }
  if (c.main_isolate_only) out["isolates"] = "main";
  if (c.allocated_blocks_delta) out["allocated_blocks_delta"] = *c.allocated_blocks_delta;
  // CPython always says whether tracemalloc ran: null is "not traced", not "unknown".
  if (c.runtime == RuntimeId::kCPython) {
    out["traced_peak_bytes"] = c.traced_peak_bytes ? nlohmann::json(*c.traced_peak_bytes) : nlohmann::json(nullptr);
  }
  return out;
}

EngineCounters CountersFromJson(const nlohmann::json& j, RuntimeId runtime) {
  EngineCounters c;
  c.runtime = runtime;
  const nlohmann::json gc = j.value("gc", nlohmann::json::object());
  c.gc.pauses = PausesFromJson(gc.value("pauses", nlohmann::json::object()));
  if (gc.contains(KindsKey(runtime))) {
    c.gc.by_kind.emplace();
    for (const auto& [kind, pauses] : gc[KindsKey(runtime)].items()) (*c.gc.by_kind)[kind] = PausesFromJson(pauses);
  }
  c.gc.collected = Optional<int64_t>(gc, "collected");
  c.gc.uncollectable = Optional<int64_t>(gc, "uncollectable");
  if (j.contains("heap")) {
    const nlohmann::json& heap = j["heap"];
    c.heap = V8HeapCounters{heap.value("used_bytes", uint64_t{0}),
                            heap.value("total_bytes", uint64_t{0}),
                            heap.value("limit_bytes", uint64_t{0}),
                            heap.value("external_bytes", uint64_t{0}),
                            heap.value("malloced_bytes", uint64_t{0}),
                            heap.value("space_used_bytes", std::map<std::string, uint64_t>{})};
  }
  if (j.contains("code")) {
    const nlohmann::json& code = j["code"];
    c.code = V8CodeCounters{code.value("code_and_metadata_bytes", uint64_t{0}),
                            code.value("bytecode_and_metadata_bytes", uint64_t{0}),
                            code.value("external_script_source_bytes", uint64_t{0})};
  }
  c.main_isolate_only = j.value("isolates", "") == "main";
  c.allocated_blocks_delta = Optional<int64_t>(j, "allocated_blocks_delta");
  c.traced_peak_bytes = Optional<int64_t>(j, "traced_peak_bytes");
  return c;
}

}  // namespace duet
