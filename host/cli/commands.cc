// The Command table (cli/command.h): every `duet` subcommand, one row each, in `duet --help`
// order, in the style of CPython's _testembed.c TestCases[] and libuv's UV_ERRNO_MAP. Adding a
// command is one row here and one file holding its options and run function (docs/architecture.md).
#include "cli/command.h"

#include <iterator>
#include <string_view>

namespace duet {

// X(name, description, add_options). A subcommand's name is its parent's and its own word; the
// parent's row comes first.
#define DUET_COMMANDS(X)                                                                                        \
  X("run", "measure workload pairs in both runtimes, interleaved", AddRunCommand)                               \
  X("claims",                                                                                                   \
    "measure the workloads behind each claim of workloads/claims.json and print the verdict each earned on "    \
    "this machine",                                                                                             \
    AddClaimsCommand)                                                                                           \
  X("report", "write a report of a run: HTML with charts, or an export other tools read", AddReportCommand)     \
  X("history", "list the runs recorded in the history", AddHistoryCommand)                                      \
  X("history export", "write runs of the history to a duet-history/1 JSON file", AddHistoryExportCommand)       \
  X("history import", "append the runs of a duet-history/1 file to the history, in one transaction",            \
    AddHistoryImportCommand)                                                                                    \
  X("compare", "compare two runs per workload and runtime, with a significance test", AddCompareCommand)       \
  X("queue", "the job queue in a PostgreSQL history: add run requests, list them", SubcommandRequired)          \
  X("queue add", "enqueue a `duet run` request: duet queue add [--repeat N] -- RUN ARGS...", AddQueueAddCommand) \
  X("queue status", "list the jobs with their state, attempts, worker and stored run", AddQueueStatusCommand)   \
  X("worker", "claim queued jobs one at a time, run them and store their results", AddWorkerCommand)            \
  X("pg", "a private PostgreSQL 15 for development (see `duet pg start --help`)", SubcommandRequired)           \
  X("pg start",                                                                                                 \
    "start a private PostgreSQL 15 that only this OS user can reach (Unix socket, peer authentication), print " \
    "its URL and keep it until Ctrl-C; then stop it and remove its directory",                                  \
    AddPgStartCommand)                                                                                          \
  X("web", "web servers of TechEmpower's test types (workloads/web)", SubcommandRequired)                       \
  X("web check", "check a running server's answers to all six TechEmpower test types as their verifier does",  \
    AddWebCheckCommand)                                                                                         \
  X("list", "list the workloads `run` would measure", AddListCommand)                                           \
  X("exec", "run one script like `node FILE` / `python3 FILE`", AddExecCommand)                                 \
  X("load", "drive a loopback server with N connections of echo or HTTP/1.1 keep-alive traffic (bounded)",      \
    AddLoadCommand)                                                                                             \
  X("profile",                                                                                                  \
    "run one workload under both runtimes' sampling profilers; write .cpuprofile and .trace.json files",        \
    AddProfileCommand)

// Each command's file defines its add_options function; the table is the only caller.
#define DUET_DECLARE_COMMAND(name, description, add_options) CommandRun add_options(CLI::App* command);
DUET_COMMANDS(DUET_DECLARE_COMMAND)
#undef DUET_DECLARE_COMMAND

namespace {

constexpr Command kCommands[] = {
#define DUET_COMMAND_ROW(name, description, add_options) {name, description, add_options},
    DUET_COMMANDS(DUET_COMMAND_ROW)
#undef DUET_COMMAND_ROW
};

// Whether each subcommand's parent row comes before it (main.cc registers the rows in order, a
// subcommand on its parent) and no name is there twice.
constexpr bool ParentsFirst() {
  for (size_t i = 0; i < std::size(kCommands); ++i) {
    std::string_view name = kCommands[i].name;
    size_t space = name.rfind(' ');
    bool parent_found = space == std::string_view::npos;
    for (size_t j = 0; j < i; ++j) {
      if (kCommands[j].name == name) return false;
      if (!parent_found && kCommands[j].name == name.substr(0, space)) parent_found = true;
    }
    if (!parent_found) return false;
  }
  return true;
}
static_assert(ParentsFirst(), "a subcommand's row must follow its parent's, and each name must be new");

}  // namespace

std::span<const Command> Commands() { return kCommands; }

}  // namespace duet
