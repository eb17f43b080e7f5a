// The terminal table and its Markdown and CSV twins: per workload each runtime's median with
// its 95% interval, the py/js ratio with its interval and verdict, GC and memory; failures follow
// with runtime, file:line and message.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/units.h"
#include "harness/harness.h"

namespace duet {

// The width a table is laid out for when its stream is not a terminal.
constexpr size_t kTableWidth = 150;
// The columns a table written to `fd` may take: the terminal's width, else kTableWidth.
size_t TableWidth(int fd);
// The terminal table (plain text, aligned columns, cells wrapped to fit `max_width` columns) with
// the failure blocks under it.
std::string FormatTable(const std::vector<WorkloadResult>& results, size_t max_width = kTableWidth);
// The same rows as a GitHub-flavoured Markdown table, for a pull-request comment.
std::string FormatMarkdown(const std::vector<WorkloadResult>& results);
// One row per workload and runtime with every statistic; header documented in docs/json-output.md.
std::string FormatCsv(const std::vector<WorkloadResult>& results);
// The failure block for one workload (headline, location, detail).
std::string FormatFailure(const WorkloadResult& result);
// Aligned plain-text columns, two spaces apart; columns listed in `left_aligned` align left,
// the rest (figures) right. Widths count UTF-8 code points, so "µs" is two columns. Wider than
// `max_width`, the widest cells wrap onto more lines of their row: after ", " first, then at spaces.
std::string FormatColumns(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                          const std::vector<size_t>& left_aligned, size_t max_width = SIZE_MAX);
// Whether a runtime's times are worth quoting: it ran, did not fail, and agreed with its twin.
bool Quotable(const WorkloadResult& workload, const RuntimeResult* runtime);

}  // namespace duet
