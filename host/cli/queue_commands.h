// `duet queue add|status` and `duet worker`: run requests queued in the PostgreSQL history and
// pulled by any number of workers (report/job_queue.h). Exit codes as in main.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/report_commands.h"

namespace duet {

class QueueCommands {
 public:
  explicit QueueCommands(CLI::App& app);
  // The exit code of the parsed command, or nothing when none of these was parsed.
  std::optional<int> Dispatch() const;

 private:
  int Add() const;
  int Status() const;
  int Worker() const;

  CLI::App* add_ = nullptr;
  CLI::App* status_ = nullptr;
  CLI::App* worker_ = nullptr;
  HistoryOptions history_options_;
  std::vector<std::string> run_arguments_;
  int repeat_ = 1;
  bool json_ = false;
  int max_jobs_ = 0;
  double idle_exit_s_ = 0;
  int lease_s_ = 60;
  std::string results_dir_;
};

}  // namespace duet
