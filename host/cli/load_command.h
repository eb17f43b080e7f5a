// `duet load`: the built-in load generator against a loopback port, as a subcommand of its own.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "load/load_generator.h"

namespace duet {

struct LoadCommandOptions {
  LoadOptions load;
  std::string mode = "echo";
  std::string json_path;
  bool hold = false;  // idle: hold the connections open until stdin's end (LoadOptions::release_fd)
  std::string check;  // http: a TechEmpower test type every response is checked as
};

// Declares `load` and its flags on `app`, filling `options` when parsed.
CLI::App* AddLoadCommand(CLI::App& app, LoadCommandOptions* options);
// Exit codes: 0 every request answered or cut off by the time limit without errors, 1 errors or
// nothing answered, 2 bad options.
int CommandLoad(LoadCommandOptions options);

}  // namespace duet
