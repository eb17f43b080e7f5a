// EngineCounters as duet-run/1 JSON (docs/json-output.md, runtimes.<rt>.counters) and back: the
// one place that knows the counters' key names.
#pragma once

#include <nlohmann/json.hpp>

#include "core/engine_counters.h"

namespace duet {

// V8: {gc: {pauses, by_type}, heap, code, isolates}; CPython: {gc: {pauses, by_generation,
// collected, uncollectable}, allocated_blocks_delta, traced_peak_bytes (null without
// --trace-malloc)}. A field the struct does not hold is left out.
nlohmann::json CountersJson(const EngineCounters& counters);
// The inverse, for recorded runs: what `json` lacks stays unset. Throws nlohmann::json::exception
// for a field of the wrong type, which the duet-run/1 reader reports as a malformed document.
EngineCounters CountersFromJson(const nlohmann::json& json, RuntimeId runtime);

}  // namespace duet
