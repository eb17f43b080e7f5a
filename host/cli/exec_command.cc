// `duet exec FILE ARGS`: a JavaScript file runs in Node itself, exactly as `node [node options]
// FILE ARGS` (cli/node_command.h); a Python file in CPython alone, as python3 runs it. Neither
// starts the other runtime, and the exit code is the script's own, not cli/exit_codes.h's.
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/node_command.h"

namespace duet {
namespace {

int Exec(const std::string& script, const std::vector<std::string>& args, const CommandContext& context) {
  std::string extension = std::filesystem::path(script).extension().string();
  bool javascript = extension == ".js" || extension == ".mjs" || extension == ".cjs";
  if (!javascript && extension != ".py") return Fail(Status::Usage(script + ": not a .js, .mjs, .cjs or .py file"));
  if (!std::filesystem::is_regular_file(script)) return Fail(Status::Usage(script + ": no such file"));
  if (javascript) {
    std::vector<std::string> argv = {context.command_line[0]};
    for (std::string& word : context.engine.NodeOptionWords()) argv.push_back(std::move(word));
    argv.push_back(script);
    argv.insert(argv.end(), args.begin(), args.end());
    return CommandNode(argv);
  }
  Session session;
  if (Status started = context.StartSession(&session, {}, Session::Engines::kPythonOnly); !started.ok()) {
    return Fail(started);
  }
  // From here the script's own exit code, as python3 gives it: not the table's.
  Runtime* runtime = session.ForScript(script);
  int exit_code = 0;
  Status status = runtime->Exec(script, args, &exit_code);
  if (!status.ok()) {
    // Like node and python: the location, then the stack or traceback.
    fmt::print(stderr, "{}\n", status.detail().empty() ? status.ToString() : status.detail());
    return exit_code == 0 ? 1 : exit_code;
  }
  return exit_code;
}

}  // namespace

CommandRun AddExecCommand(CLI::App* exec) {
  auto script = std::make_shared<std::string>();
  exec->add_option("file", *script, "a .js/.mjs or .py file")->required();
  exec->prefix_command();  // everything after FILE belongs to the script: exec->remaining()
  return [script, exec](const CommandContext& context) { return Exec(*script, exec->remaining(), context); };
}

}  // namespace duet
