// `duet profile`: one workload's measured iterations under both runtimes' profilers, written as
// .cpuprofile and .trace.json files with a summary on the terminal (docs/profile-output.md).
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "session/session.h"
#include "profile/profile_run.h"

namespace duet {

struct ProfileCommandOptions {
  std::string workload;   // a workload folder, or a name / category/name in the workload roots
  std::string runtime = "both";
  std::string out_dir = ".";
  ProfileOptions profile;
  bool bench_overhead = false;
  int overhead_blocks = 5;
  int overhead_runs = 10;  // iterations per block and condition
};

// Declares `profile` and its flags on `app`, filling `options` when parsed.
CLI::App* AddProfileCommand(CLI::App& app, ProfileCommandOptions* options);
// `roots`: where a workload name is looked up; `start`: starts the session's engines as the
// global options say. Exit codes: cli/exit_codes.h (a runtime that failed: a failed workload).
int CommandProfile(const ProfileCommandOptions& options, const std::vector<std::filesystem::path>& roots,
                   const std::function<Status(Session*)>& start);

}  // namespace duet
