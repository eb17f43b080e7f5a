// The formats a run's results are written in, one row each in the style of libuv's
// UV_ERRNO_MAP: `duet report --export NAME` writes any of them and `duet run --NAME FILE` those
// marked for run, so a new format is a row here, its renderer, and its line in docs/reports.md.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "harness/harness.h"
#include "report/json_report.h"
#include "report/table.h"

namespace duet {

// What a renderer reads: the run and how to present it.
struct ExportInput {
  std::string title;  // names the run in the HTML page: a file name or "history run 12"
  const SessionRecord& record;
  const std::vector<WorkloadResult>& results;
  std::filesystem::path claims_path;  // the claims file the HTML page judges
  size_t table_width = kTableWidth;
};

struct Format {
  std::string_view name;
  std::string_view writes;          // what the file holds, for --help
  std::string_view default_output;  // `duet report`'s -o when none is given; "-" is stdout
  bool run_option;                  // whether `duet run --NAME FILE` writes it after every workload
  Status (*render)(const ExportInput& input, std::string* text);
};

// name, its renderer (formats.cc), what it writes, report's default output, a `duet run` option
#define DUET_FORMAT_MAP(X)                                                                                       \
  X(html, RenderHtml, "one self-contained HTML page with charts and the claims' verdicts", "report.html", true) \
  X(markdown, RenderMarkdown, "the table as GitHub-flavoured Markdown (a PR comment)", "-", true)               \
  X(csv, RenderCsv, "one CSV row per workload and runtime", "-", true)                                         \
  X(gbench, RenderGbench, "Google Benchmark JSON (for its compare.py)", "-", true)                              \
  X(json, RenderJson, "the duet-run/1 JSON document", "-", true)                                               \
  X(table, RenderTable, "the terminal table and the web ranking", "-", false)

#define DUET_FORMAT_COUNT(name, render, writes, output, run) +1
inline constexpr size_t kFormatCount = 0 DUET_FORMAT_MAP(DUET_FORMAT_COUNT);
#undef DUET_FORMAT_COUNT

extern const std::array<Format, kFormatCount> kFormats;

// The row called `name`, or nullptr.
const Format* FindFormat(std::string_view name);
// Every row's name, in table order: what --export accepts.
std::vector<std::string> FormatNames();

}  // namespace duet
