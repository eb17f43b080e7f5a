// --isolation=process; see isolation.h. Children are started with fork + exec of this very
// binary, without core dumps (the parent reports the signal); their stdout (the table) is
// dropped, their stderr (progress, failures) passes through.
#include "cli/isolation.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <regex>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/runtime_id.h"
#include "core/text.h"

namespace duet {
namespace {

// Runs the child to completion; returns its raw wait status, -1 when it could not start.
int RunChild(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    execv("/proc/self/exe", args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

void MeasureIsolated(const std::vector<WorkloadPair>& pairs, const ChildCommand& command, SessionRecord* record,
                     std::vector<WorkloadResult>* results, const std::function<void()>& after_each) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("duet-isolation-{}", getpid());
  std::filesystem::create_directories(dir);
  bool have_record = false;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const WorkloadPair& pair = pairs[i];
    std::string prefix = fmt::format("[{}/{}] {}", i + 1, pairs.size(), pair.id());
    WorkloadResult failed;
    failed.pair = pair;
    for (const RuntimeNames& names : kRuntimes) failed.runtimes.emplace_back().runtime = names.id;
    if (!pair.problem.ok()) {  // nothing a child could run
      failed.error = pair.problem;
      fmt::print(stderr, "{} FAILED: {}\n", prefix, failed.error.ToString());
      results->push_back(std::move(failed));
      after_each();
      continue;
    }
    std::filesystem::path json = dir / fmt::format("workload-{}.json", i);
    std::vector<std::string> argv = {"duet"};
    argv.insert(argv.end(), command.before_run.begin(), command.before_run.end());
    argv.insert(argv.end(), {"run", pair.dir.string(), "--json", json.string(), "--no-history", "--isolation", "none"});
    // A web pair's folder holds one workload per test type: the child runs this one only.
    if (pair.is_web()) argv.insert(argv.end(), {"--filter", "^" + std::regex_replace(pair.id(), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + "$"});
    argv.insert(argv.end(), command.after_run.begin(), command.after_run.end());
    fmt::print(stderr, "{}: in a child process\n", prefix);
    int status = RunChild(argv);

    std::ifstream in(json);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    SessionRecord child_record;
    std::vector<WorkloadResult> child_results;
    Status merged = Status::Error("no result");
    if (!doc.is_discarded()) merged = ResultsFromRunJson(doc, &child_record, &child_results);
    bool by_signal = status != -1 && WIFSIGNALED(status);
    if (merged.ok() && !child_results.empty() && !by_signal) {
      if (!have_record) *record = child_record;
      have_record = true;
      for (WorkloadResult& r : child_results) results->push_back(std::move(r));
    } else {
      if (status == -1) {
        failed.error = Status::Error("cannot start a child duet process: " + std::string(std::strerror(errno)));
      } else if (by_signal) {
        failed.error = Status::Error("the workload's process died of " + SignalName(WTERMSIG(status)) +
                                     " (--isolation=process kept the session alive)");
      } else {
        failed.error = Status::Error(fmt::format("the workload's process exited with code {} without a result",
                                                 WEXITSTATUS(status)));
      }
      fmt::print(stderr, "{} FAILED: {}\n", prefix, failed.error.ToString());
      results->push_back(std::move(failed));
    }
    std::filesystem::remove(json);
    after_each();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace duet
