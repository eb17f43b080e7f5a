// `duet report RUN -o report.html`: one self-contained HTML page (inline CSS and SVG drawn here,
// no script, nothing fetched at view time) with the environment record, the ratio of every
// workload on a log scale, each workload's sample distribution per runtime as a box plot, GC
// pauses and memory per runtime, and the claims verdict.
#pragma once

#include <string>
#include <vector>

#include "harness/harness.h"
#include "report/claims.h"
#include "report/json_report.h"

namespace duet {

// `title` names the run (a file name or "history run 12").
std::string HtmlReport(const std::string& title, const SessionRecord& session,
                       const std::vector<WorkloadResult>& results, const std::vector<ClaimVerdict>& claims);

}  // namespace duet
