// The environment record: the machine (core/machine.h) and the versions of everything measured.
#include "session/environment.h"

#include <uv.h>

#include <chrono>
#include <ctime>

#include "core/version.h"

namespace duet {
namespace {

std::string UtcNow() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

}  // namespace

nlohmann::json CollectEnvironment(Session& session, const std::vector<std::string>& command_line) {
  nlohmann::json versions = {{"duet", kDuetVersion}, {"git_commit", kDuetGitCommit}, {"libuv", uv_version_string()}};
  for (Runtime* runtime : session.runtimes()) versions[std::string(runtime->name())] = runtime->version();
  nlohmann::json environment = {
      {"host", "duet"},
      {"timestamp", UtcNow()},
      {"versions", versions},
      {"machine", CollectMachine()},
      {"command_line", command_line},
  };
  environment["machine"]["fingerprint"] = MachineFingerprint(environment);
  return environment;
}

}  // namespace duet
