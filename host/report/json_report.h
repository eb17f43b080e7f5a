// The duet-run/1 JSON document (schema in docs/json-schema.md): what other tools read, so its
// shape only ever grows. Files are written atomically (temp file + rename).
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness.h"

namespace duet {

inline constexpr const char* kRunSchema = "duet-run/1";

nlohmann::json WorkloadResultJson(const WorkloadResult& result);
nlohmann::json RunJson(const nlohmann::json& environment, const std::vector<WorkloadResult>& results);
// Writes `doc` to `path` ("-" for stdout) so that a reader never sees half a file.
Status WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& doc);

}  // namespace duet
