// What `duet load` prints: the human summary and the duet-load/1 JSON document
// (docs/load-output.md), whose fields are only ever added to.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "load/load_generator.h"

namespace duet {

inline constexpr const char* kLoadSchema = "duet-load/1";

nlohmann::json LoadJson(const LoadResult& result);
// The LoadResult a duet-load/1 document describes (its histogram rebuilt from "buckets"), e.g. from
// a `duet load` child process; the field that is missing or wrong when it cannot.
Status LoadResultFromJson(const nlohmann::json& doc, LoadResult* result);
// A few aligned lines: target, counts, throughput, latency percentiles, bytes, errors by kind.
std::string FormatLoadSummary(const LoadResult& result);

}  // namespace duet
