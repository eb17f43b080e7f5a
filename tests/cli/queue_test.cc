// The job queue end to end through `duet queue` and `duet worker`, against a real private
// PostgreSQL cluster: two workers draining ten jobs each exactly once, a worker killed mid-job
// whose job another finishes after the lease, and the database going away mid-run (a clear
// error, the run's JSON kept, the job left for the next worker).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cli/duet_command.h"
#include "cli/synthetic_run.h"
#include "db/postgres_fixture.h"

namespace duet::testing {
namespace {

const std::string kDouble = (std::filesystem::path(DUET_TEST_FIXTURES) / "workloads" / "good" / "double").string();
// 5 iterations of `ms` milliseconds per runtime: a job whose length the test knows.
const std::string kSleeps = (std::filesystem::path(DUET_TEST_FIXTURES) / "queue" / "sleeps").string();

using QueueTest = PostgresTest;

// `duet ARGS` as a child of the test (so it can be killed and waited for), stderr to `err`.
pid_t StartDuet(const std::string& args, const std::filesystem::path& err) {
  std::string command = "exec " + std::string(DUET_BINARY) + " " + args + " >/dev/null 2>" + err.string();
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

nlohmann::json Jobs(const std::string& url) {
  Outcome status = Duet("queue status --json --db '" + url + "'");
  EXPECT_EQ(status.exit_code, 0) << status.err;
  return nlohmann::json::parse(status.out, nullptr, false);
}

// Waits (up to 30 s) until job 1 is running.
bool WaitUntilRunning(const std::string& url) {
  for (int i = 0; i < 300; ++i) {
    nlohmann::json jobs = Jobs(url);
    if (jobs.is_array() && !jobs.empty() && jobs[0]["state"] == "running") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST_F(QueueTest, TwoWorkersDrainTenTinyJobsEachExactlyOnce) {
  auto dir = TestDir();
  std::string url = NewDatabase();
  Outcome added = Duet("queue add --repeat 10 --db '" + url + "' -- " + kDouble + " --runs 1 --warmup 0");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.err.find("added job(s) 1..10"), std::string::npos) << added.err;

  auto started = std::chrono::steady_clock::now();
  std::string worker = "worker --idle-exit 1 --db '" + url + "' --results " + dir.string();
  pid_t a = StartDuet(worker, dir / "a.err"), b = StartDuet(worker, dir / "b.err");
  int status_a = 0, status_b = 0;
  waitpid(a, &status_a, 0);
  waitpid(b, &status_b, 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() - 1;  // idle exit
  EXPECT_EQ(status_a, 0) << Slurp(dir / "a.err");
  EXPECT_EQ(status_b, 0) << Slurp(dir / "b.err");
  std::printf("queue: 10 jobs by 2 workers in %.2f s (%.1f jobs/s)\n", seconds, 10 / seconds);

  nlohmann::json jobs = Jobs(url);
  ASSERT_EQ(jobs.size(), 10u);
  std::set<int64_t> runs;
  std::set<std::string> workers;
  for (const auto& job : jobs) {
    EXPECT_EQ(job["state"], "done") << job.dump();
    EXPECT_EQ(job["attempts"], 1) << job.dump();
    runs.insert(job["run_id"].get<int64_t>());
    workers.insert(job["worker"].get<std::string>());
  }
  EXPECT_EQ(runs.size(), 10u) << "each job stored once, as its own run";
  EXPECT_EQ(workers.size(), 2u) << "both workers took jobs";
  Outcome history = Duet("history --json --db '" + url + "'");
  EXPECT_EQ(nlohmann::json::parse(history.out).size(), 10u) << history.err;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().extension(), ".err") << "a stored job's JSON is removed: " << entry.path();
  }
}

TEST_F(QueueTest, AKilledWorkersJobIsFinishedByAnotherAfterItsLeaseAndStoredOnce) {
  auto dir = TestDir();
  std::string url = NewDatabase();
  ASSERT_EQ(Duet("queue add --db '" + url + "' -- " + kSleeps + " --param ms=300").exit_code, 0);
  pid_t doomed = StartDuet("worker --lease 2 --db '" + url + "'", dir / "doomed.err");
  ASSERT_TRUE(WaitUntilRunning(url)) << Slurp(dir / "doomed.err");
  std::string doomed_name = Jobs(url)[0]["worker"];
  ASSERT_EQ(kill(doomed, SIGKILL), 0);
  waitpid(doomed, nullptr, 0);

  Outcome rescuer = Duet("worker --lease 2 --max-jobs 1 --idle-exit 10 --db '" + url + "'");
  ASSERT_EQ(rescuer.exit_code, 0) << rescuer.err;
  EXPECT_NE(rescuer.err.find("job 1 (attempt 2)"), std::string::npos) << rescuer.err;
  nlohmann::json job = Jobs(url)[0];
  EXPECT_EQ(job["state"], "done");
  EXPECT_EQ(job["attempts"], 2);
  EXPECT_NE(job["worker"], doomed_name);
  EXPECT_EQ(nlohmann::json::parse(Duet("history --json --db '" + url + "'").out).size(), 1u);
}

TEST_F(QueueTest, TheDatabaseGoingAwayMidRunIsAClearErrorKeepsTheJsonAndLeavesTheJobToRetry) {
  auto dir = TestDir();
  std::string url = NewDatabase();
  ASSERT_EQ(Duet("queue add --db '" + url + "' -- " + kSleeps + " --param ms=300").exit_code, 0);
  pid_t worker = StartDuet("worker --lease 3 --results " + dir.string() + " --db '" + url + "'", dir / "worker.err");
  ASSERT_TRUE(WaitUntilRunning(url)) << Slurp(dir / "worker.err");
  // The server drops the worker's connection, as when the database goes away.
  std::unique_ptr<SqlDatabase> admin;
  ASSERT_TRUE(PostgresDatabase::Open(url, &admin).ok());
  ASSERT_TRUE(admin->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND pid <> pg_backend_pid()").ok());
  int status = 0;
  waitpid(worker, &status, 0);
  std::string err = Slurp(dir / "worker.err");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << err;
  EXPECT_NE(err.find("terminating connection"), std::string::npos) << err;
  std::string kept = (dir / "duet-job-1-1.json").string();
  EXPECT_NE(err.find("the job's result is kept in " + kept), std::string::npos) << err;
  nlohmann::json run = nlohmann::json::parse(Slurp(kept), nullptr, false);
  ASSERT_FALSE(run.is_discarded()) << err;
  EXPECT_EQ(run["workloads"][0]["name"], "sleeps");

  nlohmann::json job = Jobs(url)[0];
  EXPECT_EQ(job["state"], "running") << "left for its lease to run out";
  Outcome next = Duet("worker --lease 2 --max-jobs 1 --idle-exit 10 --db '" + url + "'");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  job = Jobs(url)[0];
  EXPECT_EQ(job["state"], "done");
  EXPECT_EQ(job["attempts"], 2);
}

TEST(QueueLocationTest, TheQueueNeedsPostgres) {
  auto dir = TestDir();
  Outcome sqlite = Duet("queue status --db " + (dir / "h.sqlite").string());
  EXPECT_EQ(sqlite.exit_code, 1);
  EXPECT_NE(sqlite.err.find("the job queue needs a PostgreSQL history"), std::string::npos) << sqlite.err;
}

}  // namespace
}  // namespace duet::testing
