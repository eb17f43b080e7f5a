// The duet command line: the global options (they shape the engines), then one subcommand from
// the Command table (cli/commands.cc), each defined in its own file. Without a subcommand,
// `duet [node options] FILE.js` runs Node itself, as node would. Exit codes come from one table,
// cli/exit_codes.h.
#include <uv.h>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "bindings/plugin.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/node_command.h"
#include "cli/options.h"
#include "core/version.h"

namespace duet {
namespace {

// The global options, before the subcommand.
void AddEngineOptions(CLI::App& app, EngineOptions* engine) {
  app.add_option("--py-loop", engine->py_loop,
                 "Python's asyncio loop: uv = duet's, on the libuv loop JavaScript uses (default); "
                 "asyncio = the stock selector loop, for comparison")
      ->check(CLI::IsMember({"uv", "asyncio"}));
  app.add_option("--v8-flags", engine->v8_flags,
                 "V8 flags, as node takes them (e.g. \"--no-opt --expose-gc\"); docs/profile-output.md")
      ->allow_extra_args(false);
  app.add_option("-X,--py-opt", engine->py_options, "a CPython -X option (e.g. -X importtime, --py-opt dev); repeatable")
      ->allow_extra_args(false);
  app.add_option("--plugin", engine->plugins,
                 "load binding modules from a shared library before running (repeatable; docs/bindings.md)")
      ->allow_extra_args(false);
  app.add_option("--node-options", engine->node_options,
                 "node's own options for JavaScript scripts, as node takes them (e.g. \"--max-old-space-size=100 "
                 "--trace-warnings\"); NODE_OPTIONS is read too")
      ->allow_extra_args(false);
}

// The word of `name` after its last space: "history export" -> "export".
std::string LastWord(std::string_view name) {
  size_t space = name.rfind(' ');
  return std::string(space == std::string_view::npos ? name : name.substr(space + 1));
}

// The app of the row named `name` without its last word ("history" for "history export"); the
// top level for a one-word name. Parents come first in the table (commands.cc checks it).
CLI::App* ParentOf(CLI::App& app, std::string_view name, const std::vector<CLI::App*>& registered) {
  size_t space = name.rfind(' ');
  if (space == std::string_view::npos) return &app;
  std::span<const Command> commands = Commands();
  for (size_t i = 0; i < registered.size(); ++i) {
    if (commands[i].name == name.substr(0, space)) return registered[i];
  }
  return nullptr;
}

// The words that make a command line duet's rather than node's: the top-level commands and the
// global options (help and version too).
std::vector<std::string> DuetWords(const CLI::App& app) {
  std::vector<std::string> words;
  for (const Command& command : Commands()) {
    if (command.name.find(' ') == std::string_view::npos) words.emplace_back(command.name);
  }
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) words.push_back("--" + name);
    for (const std::string& name : option->get_snames()) words.push_back("-" + name);
  }
  return words;
}

}  // namespace
}  // namespace duet

int main(int argc, char** argv) {
  using namespace duet;
  // As node's main does first: libuv keeps the process title's memory (process.title).
  argv = uv_setup_args(argc, argv);
  std::vector<std::string> command_line(argv, argv + argc);
  CLI::App app{"duet: the same workload in embedded V8 and CPython, side by side, in one process."};
  app.set_version_flag("--version", std::string("duet ") + kDuetVersion + " (" + kDuetGitCommit + ")");
  app.footer("duet [node options] FILE.js [ARGS...], with no subcommand, runs Node 18 itself, as node would.");
  app.require_subcommand(1);
  EngineOptions engine;
  AddEngineOptions(app, &engine);

  // Every row, its options built only if the command line selects it; `runs[i]` is row i's run
  // function once they are.
  std::span<const Command> commands = Commands();
  std::vector<CLI::App*> registered;
  std::vector<CommandRun> runs(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    const Command& command = commands[i];
    CLI::App* parent = ParentOf(app, command.name, registered);
    registered.push_back(AddCommand(*parent, LastWord(command.name), std::string(command.description),
                                    [&command, run = &runs[i]](CLI::App* sub) { *run = command.add_options(sub); }));
  }

  // `duet [node options] FILE.js ARGS` is `node`: what child_process.fork and cluster run.
  if (IsNodeCommandLine({command_line.begin() + 1, command_line.end()}, DuetWords(app))) return CommandNode(command_line);
  try {
    ParseKeepingEmptyValues(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : ExitCode(StatusCode::kUsage);
  }
  for (const std::string& plugin : engine.plugins) {
    if (Status loaded = LoadPlugin(plugin); !loaded.ok()) return Fail(loaded);
  }
  // The deepest command parsed: a subcommand's row comes after its parent's.
  for (size_t i = commands.size(); i-- > 0;) {
    if (registered[i]->parsed() && runs[i]) return runs[i](CommandContext{engine, command_line});
  }
  return ExitCode(StatusCode::kUsage);
}
