// The duet-run/1 JSON document (docs/json-output.md, docs/duet-run.schema.json): what other
// tools read, so its shape only ever grows. Files go through core/file_io.h (written atomically).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "harness/harness.h"

namespace duet {

inline constexpr const char* kRunSchema = "duet-run/1";

// What a session knows besides its workloads.
struct SessionRecord {
  nlohmann::json environment;
  nlohmann::json calibration;
  std::vector<std::string> warnings;
  // Web pairs: the database they ran against (kind, PostgreSQL version, fsync,
  // synchronous_commit); null when the run had none.
  nlohmann::json web_database;
};

nlohmann::json SummaryJson(const Summary& summary);
nlohmann::json WorkloadResultJson(const WorkloadResult& result);
nlohmann::json RunJson(const SessionRecord& session, const std::vector<WorkloadResult>& results);
// The inverse of RunJson: what other commands (report, compare, history) read back. Statistics
// are recomputed from the samples (the bootstrap is seeded, so they come out the same).
Status ResultsFromRunJson(const nlohmann::json& doc, SessionRecord* session, std::vector<WorkloadResult>* results);
// Reads and parses a duet-run/1 file; errors name the file and, for bad JSON, the line.
Status ReadRunJson(const std::filesystem::path& path, nlohmann::json* doc);

}  // namespace duet
