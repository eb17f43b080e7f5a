// Whole-file reads and writes for every layer: results, profiles and traces are written so a
// reader (or a crash) never sees half a file, and JSON is read with errors that name the line.
// Thread-safe: no shared state.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace duet {

// Writes `text` to `path` ("-" for stdout) so that a reader never sees half a file.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text);
// `doc` indented by two, then a newline, written as WriteFileAtomically does.
Status WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& doc);
// Reads and parses any JSON file; errors name the file and, for bad JSON, the line.
Status ReadJsonFile(const std::filesystem::path& path, nlohmann::json* doc);

}  // namespace duet
