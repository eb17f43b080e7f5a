// The renderers behind the Format table; see formats.h.
#include "report/formats.h"

#include "report/claims.h"
#include "report/gbench.h"
#include "report/html_report.h"
#include "report/web_ranking.h"

namespace duet {
namespace {

Status RenderHtml(const ExportInput& input, std::string* text) {
  std::vector<ClaimSpec> claims;
  DUET_RETURN_IF_ERROR(LoadClaims(input.claims_path, &claims));
  *text = HtmlReport(input.title, input.record, input.results,
                     MeasuredClaims(JudgeClaims(claims, input.results, MachineCores(input.record.environment))));
  return Status::Ok();
}

Status RenderMarkdown(const ExportInput& input, std::string* text) {
  *text = FormatMarkdown(input.results);
  return Status::Ok();
}

Status RenderCsv(const ExportInput& input, std::string* text) {
  *text = FormatCsv(input.results);
  return Status::Ok();
}

Status RenderGbench(const ExportInput& input, std::string* text) {
  *text = GbenchJson(input.record, input.results).dump(2) + "\n";
  return Status::Ok();
}

Status RenderJson(const ExportInput& input, std::string* text) {
  *text = RunJson(input.record, input.results).dump(2) + "\n";
  return Status::Ok();
}

// As `duet run` prints it.
Status RenderTable(const ExportInput& input, std::string* text) {
  *text = FormatTable(input.results, input.table_width) + FormatWebRanking(input.results, input.record.web_database);
  return Status::Ok();
}

}  // namespace

#define DUET_FORMAT_ROW(name, render, writes, output, run) Format{#name, writes, output, run, render},
const std::array<Format, kFormatCount> kFormats{DUET_FORMAT_MAP(DUET_FORMAT_ROW)};
#undef DUET_FORMAT_ROW

const Format* FindFormat(std::string_view name) {
  for (const Format& format : kFormats) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

std::vector<std::string> FormatNames() {
  std::vector<std::string> names;
  for (const Format& format : kFormats) names.emplace_back(format.name);
  return names;
}

}  // namespace duet
