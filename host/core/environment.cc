// Reads the machine (CPU model, cores, governor, kernel) and the versions of everything measured.
#include "core/environment.h"

#include <sys/utsname.h>
#include <uv.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/version.h"

namespace duet {
namespace {

std::string FirstLineOf(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

}  // namespace

nlohmann::json CollectEnvironment(Session& session, const std::vector<std::string>& command_line) {
  utsname uts{};
  uname(&uts);
  nlohmann::json versions = {{"duet", kDuetVersion}, {"git_commit", kDuetGitCommit}, {"libuv", uv_version_string()}};
  for (Runtime* runtime : session.runtimes()) versions[std::string(runtime->name())] = runtime->version();
  std::string governor = FirstLineOf("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  return {
      {"host", "duet"},
      {"timestamp", UtcNow()},
      {"versions", versions},
      {"machine",
       {{"cpu_model", CpuModel()},
        {"cores", std::thread::hardware_concurrency()},
        {"governor", governor.empty() ? nlohmann::json(nullptr) : nlohmann::json(governor)},
        {"kernel", std::string(uts.sysname) + " " + uts.release},
        {"arch", uts.machine}}},
      {"command_line", command_line},
  };
}

}  // namespace duet
