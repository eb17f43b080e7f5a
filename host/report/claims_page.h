// `duet claims --html FILE`: one self-contained page a reader can share (inline CSS and SVG, the
// workloads' code embedded, nothing fetched at view time): per claim the articles' sentences, the
// question duet asks, a chart and verdict per condition, the workloads and their code, then the
// claims no measurement can decide, and the machine and versions it all ran on.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/claims.h"
#include "report/json_report.h"

namespace duet {

struct WorkloadCode {
  std::string js_name, js, py_name, py;  // file names and their text
};

struct ClaimsPageInput {
  std::vector<ClaimVerdict> verdicts;
  std::vector<UntestableClaim> untestable;
  SessionRecord session;
  std::string size;                            // the --size the run used: quick, full or tiny
  std::map<std::string, WorkloadCode> code;    // by workload id; a workload without code is listed bare
};

std::string ClaimsPage(const ClaimsPageInput& input);

}  // namespace duet
