// Measuring workload pairs in one session, as `run` and `claims` both do: the session's header
// lines, a progress line per workload, and run's --json/--csv/--markdown exports rewritten after
// every workload.
#pragma once

#include <vector>

#include "cli/command.h"
#include "cli/run_options.h"
#include "core/status.h"
#include "harness/workload_pair.h"
#include "report/json_report.h"

namespace duet {

// Measures `pairs` in one session started as `context` says (`*exported`: how the last rewrite
// of the exports went). Fails only when the runtimes cannot start: a workload's failure is in
// its result.
Status MeasurePairs(const CommandContext& context, const std::vector<WorkloadPair>& pairs, const RunOptions& options,
                    SessionRecord* record, std::vector<WorkloadResult>* results, Status* exported);

// Rewrites the --json, --csv and --markdown files; a file that cannot be written is reported and the
// others are still written. Returns the first failure: the run's exit code says the results are not
// where they were asked for.
Status WriteExports(const RunOptions& options, const SessionRecord& record, const std::vector<WorkloadResult>& results);

// How a measuring command ends once everything is written: 0, or kExitWorkloadFailed when a
// workload failed (it is reported with the others).
int WorkloadsExitCode(const std::vector<WorkloadResult>& results);

}  // namespace duet
