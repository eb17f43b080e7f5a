// What every command is handed (cli/command.h): the engine options and starting a session with them.
#include "cli/command.h"

#include "cli/node_command.h"
#include "python/runtime.h"

namespace duet {

std::vector<std::string> EngineOptions::NodeOptionWords() const {
  std::vector<std::string> words = SplitOptionWords(v8_flags);
  for (std::string& word : SplitOptionWords(node_options)) words.push_back(std::move(word));
  return words;
}

Status CommandContext::StartSession(Session* session, const SessionLimits& limits, Session::Engines engines) const {
  PythonRuntime::SetXOptions(engine.py_options);
  Status started = session->Init(limits, engines, engine.NodeOptionWords());
  if (started.ok()) started = session->python().SetAsyncioLoop(engine.py_loop);
  if (started.ok()) return started;
  return Status::WithCode(started.code(), "cannot start the runtimes: " + started.ToString());
}

CommandRun SubcommandRequired(CLI::App* group) {
  group->require_subcommand(1);
  return {};
}

}  // namespace duet
