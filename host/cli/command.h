// The Command table: every `duet` subcommand is one row of it (cli/commands.cc, in `duet --help`
// order), and each row's options and run function are in that command's own file. main.cc
// registers the rows, parses, and runs the row the command line selected.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "session/engine_options.h"
#include "session/session.h"

namespace duet {

// What every command is handed when it runs: what comes from outside its own options.
struct CommandContext {
  const EngineOptions& engine;  // the options before the subcommand
  const std::vector<std::string>& command_line;  // argv as typed: the history records it

  // Starts `session`'s runtimes as the engine options say.
  Status StartSession(Session* session, const SessionLimits& limits = {},
                      Session::Engines engines = Session::Engines::kBoth) const;
};

// A command whose options are parsed, ready to run; returns the exit code (cli/exit_codes.h).
using CommandRun = std::function<int(const CommandContext&)>;

// One row of the table.
struct Command {
  // A word of the command line; "history export" is the subcommand `export` of the row
  // "history", which comes earlier in the table.
  std::string_view name;
  std::string_view description;  // its line in `duet --help`
  // Adds the command's options to `command` and returns its run function, bound to the values
  // those options fill: the two are made together, so the values live exactly as long as the
  // command. Called only once the command line selects the command (cli/options.h's
  // AddCommand): building every command's options cost each `duet exec` ~1 ms of CPU. A row
  // that only groups subcommands (`queue`) returns an empty function.
  CommandRun (*add_options)(CLI::App* command);
};

// Every command, each parent before its subcommands, in `duet --help` order.
std::span<const Command> Commands();

// For a row that only groups subcommands: one of them must follow.
CommandRun SubcommandRequired(CLI::App* group);

}  // namespace duet
