// The duet-load/1 JSON document (docs/load-output.md), whose fields are only ever added to: what
// `duet load` writes, and how its parent (LoadProcess) reads the result back from a child.
// The load layer's own format, so load does not depend on report.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "load/load_generator.h"

namespace duet {

inline constexpr const char* kLoadSchema = "duet-load/1";

// The latency percentiles every load report quotes: JSON key, printed label, percentile.
struct QuotedPercentile {
  const char* key;
  const char* label;
  double p;
};
inline constexpr QuotedPercentile kQuotedPercentiles[] = {
    {"p50_ns", "p50", 50}, {"p90_ns", "p90", 90}, {"p99_ns", "p99", 99}, {"p99_9_ns", "p99.9", 99.9}};

nlohmann::json LoadJson(const LoadResult& result);
// The LoadResult a duet-load/1 document describes (its histogram rebuilt from "buckets"), e.g. from
// a `duet load` child process; the field that is missing or wrong when it cannot.
Status LoadResultFromJson(const nlohmann::json& doc, LoadResult* result);

}  // namespace duet
