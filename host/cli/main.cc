// The duet command line: `run` measures workload pairs side by side, `exec` runs one plain
// script, `list` shows what `run` would measure. Exit codes: 0 ok, 1 something failed, 2 usage.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <regex>

#include "bench/harness.h"
#include "bench/workload_pair.h"
#include "core/environment.h"
#include "core/session.h"
#include "core/version.h"
#include "report/json_report.h"
#include "report/table.h"

namespace duet {
namespace {

struct RunOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::optional<int> runs;
  std::optional<int> warmup;
  std::string json_path;
};

// Without paths: ./workloads when present, else the suite bundled in the source tree.
std::vector<std::filesystem::path> WorkloadRoots(const std::vector<std::string>& paths) {
  if (!paths.empty()) return {paths.begin(), paths.end()};
  if (std::filesystem::is_directory("workloads")) return {"workloads"};
  return {std::filesystem::path(DUET_SOURCE_DIR) / "workloads"};
}

Status SelectWorkloads(const std::vector<std::string>& paths, const std::string& filter,
                       std::vector<WorkloadPair>* selected) {
  std::vector<WorkloadPair> all;
  DUET_RETURN_IF_ERROR(DiscoverWorkloads(WorkloadRoots(paths), &all));
  std::regex re;
  try {
    re = std::regex(filter.empty() ? ".*" : filter);
  } catch (const std::regex_error& e) {
    return Status::Error("--filter: invalid regular expression '" + filter + "': " + e.what());
  }
  for (auto& pair : all) {
    if (std::regex_search(pair.id(), re)) selected->push_back(std::move(pair));
  }
  return Status::Ok();
}

int CommandRun(const RunOptions& options, const std::vector<std::string>& command_line) {
  std::vector<WorkloadPair> pairs;
  Status found = SelectWorkloads(options.paths, options.filter, &pairs);
  if (!found.ok()) {
    fmt::print(stderr, "duet: {}\n", found.ToString());
    return 2;
  }
  if (pairs.empty()) {
    fmt::print(stderr, "duet: no workloads matched\n");
    return 1;
  }
  Session session;
  Status started = session.Init();
  if (!started.ok()) {
    fmt::print(stderr, "duet: cannot start the runtimes: {}\n", started.ToString());
    return 1;
  }
  nlohmann::json environment = CollectEnvironment(session, command_line);
  fmt::print(stderr, "duet {}: V8 {}, CPython {}, {} workload(s)\n", kDuetVersion,
             environment["versions"]["v8"].get<std::string>(),
             environment["versions"]["cpython"].get<std::string>(), pairs.size());

  const bool tty = isatty(STDERR_FILENO);
  RunPlan plan{options.runs, options.warmup};
  std::vector<WorkloadResult> results;
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string prefix = fmt::format("[{}/{}] {}", i + 1, pairs.size(), pairs[i].id());
    ProgressFn progress;
    if (tty) {
      progress = [&](const std::string& note) {
        fmt::print(stderr, "\r\033[K{} {}", prefix, note);
        std::fflush(stderr);
      };
    }
    WorkloadResult result = RunWorkload(pairs[i], plan, session.runtimes(), progress);
    if (tty) fmt::print(stderr, "\r\033[K");
    fmt::print(stderr, "{} {}\n", prefix, result.failed() ? "FAILED: " + result.error.ToString() : "done");
    results.push_back(std::move(result));
    // Written after every workload, so a crash later loses nothing measured before it.
    if (!options.json_path.empty() && options.json_path != "-") {
      Status written = WriteJsonFile(options.json_path, RunJson(environment, results));
      if (!written.ok()) fmt::print(stderr, "duet: {}\n", written.ToString());
    }
  }
  std::fflush(stderr);
  PrintTable(results, options.json_path == "-" ? stderr : stdout);
  if (options.json_path == "-") WriteJsonFile("-", RunJson(environment, results));
  for (const auto& r : results) {
    if (r.failed()) return 1;
  }
  return 0;
}

int CommandList(const RunOptions& options) {
  std::vector<WorkloadPair> pairs;
  Status found = SelectWorkloads(options.paths, options.filter, &pairs);
  if (!found.ok()) {
    fmt::print(stderr, "duet: {}\n", found.ToString());
    return 2;
  }
  for (const auto& pair : pairs) {
    fmt::print("{:<28} {}\n", pair.id(), pair.problem.ok() ? pair.claim : "BROKEN: " + pair.problem.ToString());
  }
  return 0;
}

int CommandExec(const std::string& script, const std::vector<std::string>& args) {
  Session session;
  Status started = session.Init();
  if (!started.ok()) {
    fmt::print(stderr, "duet: cannot start the runtimes: {}\n", started.ToString());
    return 1;
  }
  Runtime* runtime = session.ForScript(script);
  if (runtime == nullptr) {
    fmt::print(stderr, "duet: {}: not a .js, .mjs or .py file\n", script);
    return 2;
  }
  if (!std::filesystem::is_regular_file(script)) {
    fmt::print(stderr, "duet: {}: no such file\n", script);
    return 2;
  }
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
}  // namespace duet

int main(int argc, char** argv) {
  using namespace duet;
  std::vector<std::string> command_line(argv, argv + argc);
  CLI::App app{"duet: the same workload in embedded V8 and CPython, side by side, in one process."};
  app.set_version_flag("--version", std::string("duet ") + kDuetVersion + " (" + kDuetGitCommit + ")");
  app.require_subcommand(1);

  RunOptions options;
  auto add_selection = [&](CLI::App* cmd) {
    cmd->add_option("paths", options.paths, "workload folders, or folders to search (default: the bundled suite)");
    cmd->add_option("--filter", options.filter, "only workloads whose category/name matches this regex");
  };
  CLI::App* run = app.add_subcommand("run", "measure workload pairs in both runtimes, interleaved");
  add_selection(run);
  run->add_option("--runs", options.runs, "timed iterations per runtime (default: workload.json, else 10)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--warmup", options.warmup, "untimed iterations first (default: workload.json, else 3)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--json", options.json_path, "also write duet-run/1 JSON to FILE ('-' for stdout)");

  CLI::App* list = app.add_subcommand("list", "list the workloads `run` would measure");
  add_selection(list);

  std::string script;
  CLI::App* exec = app.add_subcommand("exec", "run one script like `node FILE` / `python3 FILE`");
  exec->add_option("file", script, "a .js/.mjs or .py file")->required();
  exec->prefix_command();  // everything after FILE belongs to the script

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : 2;
  }
  if (run->parsed()) return CommandRun(options, command_line);
  if (list->parsed()) return CommandList(options);
  if (exec->parsed()) return CommandExec(script, exec->remaining());
  return 2;
}
