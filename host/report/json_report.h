// The duet-run/1 JSON document (docs/json-output.md, docs/duet-run.schema.json): what other
// tools read, so its shape only ever grows. Files are written atomically (temp file + rename).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness.h"

namespace duet {

inline constexpr const char* kRunSchema = "duet-run/1";

// What a session knows besides its workloads.
struct SessionRecord {
  nlohmann::json environment;
  nlohmann::json calibration;
  std::vector<std::string> warnings;
};

nlohmann::json SummaryJson(const Summary& summary);
nlohmann::json WorkloadResultJson(const WorkloadResult& result);
nlohmann::json RunJson(const SessionRecord& session, const std::vector<WorkloadResult>& results);
// Writes `text` to `path` ("-" for stdout) so that a reader never sees half a file.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text);
Status WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& doc);

}  // namespace duet
