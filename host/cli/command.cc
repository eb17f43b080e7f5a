// What every command is handed (cli/command.h): the engine options and starting a session with them.
#include "cli/command.h"


namespace duet {

Status CommandContext::StartSession(Session* session, const SessionLimits& limits, Session::Engines engines) const {
  Status started = session->Start(engine, limits, engines);
  if (started.ok()) return started;
  return Status::WithCode(started.code(), "cannot start the runtimes: " + started.ToString());
}

CommandRun SubcommandRequired(CLI::App* group) {
  group->require_subcommand(1);
  return {};
}

}  // namespace duet
