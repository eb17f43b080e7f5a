// `duet queue add|status` and `duet worker`: run requests queued in the PostgreSQL history and
// pulled by any number of workers (report/job_queue.h); one file for the family, which shares the
// queue. A worker runs each job as a child `duet run` (this very binary, --no-history --json
// FILE), so a workload that crashes fails its job, not the worker; while the child runs the worker
// renews the job's lease, and the child dies with the worker (PR_SET_PDEATHSIG), so a killed
// worker's job is simply claimed again after its lease.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/report_commands.h"
#include "core/text.h"
#include "report/job_queue.h"
#include "report/json_report.h"
#include "report/table.h"

namespace duet {
namespace {

using Clock = std::chrono::steady_clock;

std::string WorkerName() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, getpid());
}

// Starts `duet run ARGS --no-history --json FILE` as a child that dies with this process.
pid_t StartRun(const std::vector<std::string>& arguments, const std::string& json_path) {
  std::vector<std::string> argv = {"duet", "run"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  argv.insert(argv.end(), {"--no-history", "--json", json_path});
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(125);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);  // the table; the JSON file is the result
    execv("/proc/self/exe", args.data());
    _exit(127);
  }
  return pid;
}

std::string DescribeWait(int status) {
  if (WIFEXITED(status)) return fmt::format("exit code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return SignalName(WTERMSIG(status));
  return fmt::format("wait status {}", status);
}

struct QueueAddOptions {
  std::vector<std::string> run_arguments;
  int repeat = 1;
  HistoryOptions history;
};

int QueueAdd(const QueueAddOptions& o) {
  std::unique_ptr<JobQueue> queue;
  Status status = JobQueue::Open(HistoryLocation(o.history), &queue);
  std::vector<int64_t> ids;
  if (status.ok()) status = queue->Add(o.run_arguments, o.repeat, &ids);
  if (!status.ok()) return Fail(status);
  fmt::print(stderr, "queue: added job(s) {}..{} to {}\n", ids.front(), ids.back(), queue->location());
  return 0;
}

struct QueueStatusOptions {
  bool json = false;
  HistoryOptions history;
};

int QueueStatus(const QueueStatusOptions& o) {
  std::unique_ptr<JobQueue> queue;
  Status status = JobQueue::Open(HistoryLocation(o.history), &queue);
  std::vector<JobStatus> jobs;
  if (status.ok()) status = queue->List(&jobs);
  if (!status.ok()) return Fail(status);
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const JobStatus& j : jobs) {
      out.push_back({{"id", j.id}, {"state", j.state}, {"attempts", j.attempts},
                     {"run_id", j.run_id > 0 ? nlohmann::json(j.run_id) : nlohmann::json()}, {"worker", j.worker},
                     {"error", j.error}, {"queued_at", j.queued_at}, {"finished_at", j.finished_at},
                     {"arguments", j.arguments}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const JobStatus& j : jobs) {
    std::string arguments;
    for (const std::string& a : j.arguments) arguments += (arguments.empty() ? "" : " ") + a;
    rows.push_back({std::to_string(j.id), j.state, std::to_string(j.attempts), j.worker,
                    j.run_id > 0 ? std::to_string(j.run_id) : "", arguments + (j.error.empty() ? "" : "  (" + j.error + ")")});
  }
  fmt::print("{}", FormatColumns({"job", "state", "attempts", "worker", "run", "duet run arguments"}, rows, {1, 2, 3, 4}));
  return 0;
}

struct WorkerOptions {
  int max_jobs = 0;
  double idle_exit_s = 0;
  int lease_s = 60;
  std::string results_dir;
  HistoryOptions history;
};

int Worker(const WorkerOptions& o) {
  std::unique_ptr<JobQueue> queue;
  Status status = JobQueue::Open(HistoryLocation(o.history), &queue);
  if (!status.ok()) return Fail(status);
  std::string name = WorkerName();
  std::filesystem::path results = o.results_dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(o.results_dir);
  auto renew_every = std::chrono::milliseconds(o.lease_s * 1000 / 3);
  int done = 0;
  Clock::time_point idle_since = Clock::now();
  while (o.max_jobs == 0 || done < o.max_jobs) {
    std::optional<Job> job;
    status = queue->Claim(name, o.lease_s, &job);
    if (!status.ok()) return Fail(status);
    if (!job) {
      if (o.idle_exit_s > 0 && Clock::now() - idle_since >= std::chrono::duration<double>(o.idle_exit_s)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    fmt::print(stderr, "worker {}: job {} (attempt {})\n", name, job->id, job->attempt);
    std::string json_path = (results / fmt::format("duet-job-{}-{}.json", job->id, job->attempt)).string();
    pid_t child = StartRun(job->arguments, json_path);
    int wait_status = 0;
    Clock::time_point renewed = Clock::now();
    // A renewal that fails (the database went away) stops the renewals, not the measurement:
    // the run's JSON is still worth keeping, and storing it will say what went wrong.
    bool renewing = true;
    while (child > 0 && waitpid(child, &wait_status, WNOHANG) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!renewing || Clock::now() - renewed < renew_every) continue;
      renewed = Clock::now();
      status = queue->Renew(*job, name, o.lease_s);
      if (!status.ok()) {
        fmt::print(stderr, "duet: {}\n", status.ToString());
        renewing = false;
      }
    }
    nlohmann::json run;
    Status measured = child > 0 ? ReadRunJson(json_path, &run) : Status::Error("cannot start duet run");
    // A run with failed workloads is a result like any other, stored with them.
    bool ran = WIFEXITED(wait_status) &&
               (WEXITSTATUS(wait_status) == 0 || WEXITSTATUS(wait_status) == duet::kExitWorkloadFailed);
    if (measured.ok() && ran) {
      int64_t run_id = 0;
      status = queue->Complete(*job, name, run, &run_id);
      if (!status.ok()) {
        fmt::print(stderr, "duet: the job's result is kept in {}\n", json_path);
        return Fail(status);
      }
      std::filesystem::remove(json_path);
      fmt::print(stderr, "worker {}: job {} done, run {} stored in {}\n", name, job->id, run_id, queue->location());
    } else {
      std::string error = fmt::format("duet run ended with {}{}", DescribeWait(wait_status),
                                      measured.ok() ? "" : ": " + measured.message());
      status = queue->Fail(*job, name, error);
      if (!status.ok()) return Fail(status);
      fmt::print(stderr, "worker {}: job {} failed: {}\n", name, job->id, error);
    }
    ++done;
    idle_since = Clock::now();
  }
  fmt::print(stderr, "worker {}: {} job(s) run\n", name, done);
  return 0;
}

}  // namespace

CommandRun AddQueueAddCommand(CLI::App* add) {
  auto options = std::make_shared<QueueAddOptions>();
  add->add_option("--repeat", options->repeat, "enqueue it N times (default: 1)")->check(CLI::PositiveNumber);
  add->add_option("run-arguments", options->run_arguments, "the arguments of `duet run`, after --")->required();
  AddHistoryOptions(add, &options->history, false);
  return [options](const CommandContext&) { return QueueAdd(*options); };
}

CommandRun AddQueueStatusCommand(CLI::App* status) {
  auto options = std::make_shared<QueueStatusOptions>();
  status->add_flag("--json", options->json, "print the list as JSON");
  AddHistoryOptions(status, &options->history, false);
  return [options](const CommandContext&) { return QueueStatus(*options); };
}

CommandRun AddWorkerCommand(CLI::App* worker) {
  auto options = std::make_shared<WorkerOptions>();
  worker->add_option("--max-jobs", options->max_jobs, "stop after N jobs (default: no limit)")->check(CLI::NonNegativeNumber);
  worker->add_option("--idle-exit", options->idle_exit_s, "stop after S seconds without a job (default: wait forever)")
      ->check(CLI::NonNegativeNumber);
  worker->add_option("--lease", options->lease_s, "seconds a claim holds without renewal before another worker may take "
                                                  "the job over (default: 60; renewed every third of it)")
      ->check(CLI::Range(1, 86400));
  worker->add_option("--results", options->results_dir, "where each job's JSON is written; kept when it cannot be stored "
                                                        "(default: $TMPDIR)");
  AddHistoryOptions(worker, &options->history, false);
  return [options](const CommandContext&) { return Worker(*options); };
}

}  // namespace duet
