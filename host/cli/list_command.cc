// `duet list`: the workloads `run` would measure (same paths and --filter), with their claims.
#include <fmt/format.h>

#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/run_options.h"

namespace duet {

CommandRun AddListCommand(CLI::App* list) {
  auto options = std::make_shared<RunOptions>();
  AddSelectionOptions(list, options.get());
  return [options](const CommandContext&) {
    std::vector<WorkloadPair> pairs;
    Status found = SelectWorkloads(options->paths, options->filter, &pairs);
    if (!found.ok()) return Fail(found);
    for (const auto& pair : pairs) {
      fmt::print("{:<28} {}\n", pair.id(), pair.problem.ok() ? pair.claim : "BROKEN: " + pair.problem.ToString());
    }
    return 0;
  };
}

}  // namespace duet
