// --isolation=process: each workload runs in a child duet process (`duet run DIR --json TMP`
// with the same flags), so even a crash in a plugin is a reported failure; the parent merges
// the children's results into one session.
#pragma once

#include <string>
#include <vector>

#include "harness/harness.h"
#include "report/json_report.h"

namespace duet {

// How to start a child: the options that come before `run`, and those after `run DIR`.
struct ChildCommand {
  std::vector<std::string> before_run;
  std::vector<std::string> after_run;
};

// Runs every pair in its own child process, in order, printing one line per workload.
// `record` is the first child's session record (environment, calibration).
void MeasureIsolated(const std::vector<WorkloadPair>& pairs, const ChildCommand& command, SessionRecord* record,
                     std::vector<WorkloadResult>* results, const std::function<void()>& after_each);

}  // namespace duet
