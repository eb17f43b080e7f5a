// The parallel/* pairs through the duet command: every kind of worker (threads, processes) for
// both bounds agrees across runtimes at the tiny size, worker counts above the CPU count say they
// are oversubscribed, and no worker outlives duet when a workload times out or duet is killed.
#include <gtest/gtest.h>

#include <sched.h>

#include <chrono>
#include <thread>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::string kParallel = std::string(DUET_SOURCE_DIR) + "/workloads/parallel";

// One tiny run of a parallel pair with `params` (--param flags), both runtimes, one sample.
nlohmann::json RunTiny(const std::string& pair, const std::string& params) {
  auto [outcome, doc] = DuetJson("run " + kParallel + "/" + pair + " --size tiny --runs 1 --warmup 0 " + params);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out << outcome.err;
  if (!doc.is_object() || doc["workloads"].size() != 1) {
    ADD_FAILURE() << outcome.err;
    return nlohmann::json();
  }
  const nlohmann::json& w = doc["workloads"][0];
  EXPECT_TRUE(w["error"].is_null()) << pair << " " << params << ": " << w["error"].dump();
  EXPECT_EQ(w["results_match"], true) << pair << " " << params;
  for (const char* rt : {"v8", "cpython"}) EXPECT_EQ(w["runtimes"][rt]["verified"], true) << pair << " " << params << " " << rt;
  return w;
}

TEST(ParallelTest, EveryKindAndBoundAgreesAcrossRuntimesAtTheTinySize) {
  for (const char* kind : {"threads", "processes"}) {
    for (const char* bound : {"cpu", "io"}) {
      nlohmann::json w = RunTiny("jobs", std::string("--param kind=") + kind + " --param bound=" + bound);
      if (w.is_null()) continue;
      const nlohmann::json& result = w["runtimes"]["cpython"]["result"];
      EXPECT_EQ(result["kind"], kind);
      EXPECT_EQ(result["workers"], 2);
      EXPECT_EQ(result["total"], std::string(bound) == "cpu" ? 303 : 4);  // primes below 2000; waits
    }
    nlohmann::json w = RunTiny("worker-start", std::string("--param kind=") + kind);
    if (!w.is_null()) {
      EXPECT_EQ(w["runtimes"]["v8"]["result"]["started"], 2);
    }
  }
}

TEST(ParallelTest, MoreWorkersThanCoresAreLabelledOversubscribed) {
  auto [outcome, doc] = DuetJson("run " + kParallel + "/jobs --size tiny --runs 1 --warmup 0 --param kind=threads "
                                 "--param workers=3");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out << outcome.err;
  // The CPUs duet may run on (its affinity, as both twins count them): 2 in CI, where 3 are too many.
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  int cores = CPU_COUNT(&set);
  const nlohmann::json& result = doc["workloads"][0]["runtimes"]["v8"]["result"];
  EXPECT_EQ(result["workers"], 3);
  EXPECT_EQ(result["oversubscribed"], 3 > cores) << cores << " cores";
  // "N" is the CPU count: never oversubscribed.
  nlohmann::json w = RunTiny("jobs", "--param kind=threads --param workers='\"N\"'");
  ASSERT_FALSE(w.is_null());
  EXPECT_EQ(w["runtimes"]["cpython"]["result"]["oversubscribed"], false);
}

// The processes of the session `sid` (ps -s), but for the shell that asks.
std::string SessionProcesses(const std::string& sid) {
  return Shell("ps -o pid=,args= -s " + sid + " | grep -v ' ps -o ' | grep -v grep || true").out;
}

// Waits (at most 10 s) for every process of session `sid` to end; returns those still there.
std::string LeftBehind(const std::string& sid) {
  std::string left;
  for (int i = 0; i < 100; ++i) {
    left = SessionProcesses(sid);
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return left;
}

// duet runs in a session of its own (setsid), so every worker it starts, however it was started,
// is found by its session id afterwards.
std::string StartInSession(const std::filesystem::path& dir, const std::string& args, bool background) {
  std::filesystem::remove(dir / "sid");
  std::string sid_file = (dir / "sid").string();
  std::string command = "setsid -w sh -c 'echo $$ > " + sid_file + "; exec " + std::string(DUET_BINARY) + " " + args +
                        "' >" + (dir / "out").string() + " 2>" + (dir / "err").string() + (background ? " &" : "");
  Shell(command);
  for (int i = 0; i < 50 && Slurp(sid_file).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string sid = Slurp(sid_file);
  while (!sid.empty() && sid.back() == '\n') sid.pop_back();
  return sid;
}

TEST(ParallelTest, NoWorkerOutlivesAWorkloadThatTimesOut) {
  auto dir = Scratch("parallel-timeout");
  for (const char* kind : {"processes", "threads"}) {
    // A job of minutes, stopped after 2 s: the watchdog interrupts run(), teardown stops the pool.
    // Small tasks (10000 numbers each): a thread cannot be stopped, only finish its task.
    std::string sid = StartInSession(dir, std::string("run ") + kParallel + "/jobs --runs 1 --warmup 0 --no-history " +
                                              "--timeout 2 --param kind=" + kind +
                                              " --param limit=400000000 --param chunks=40000",
                                     /*background=*/false);
    ASSERT_FALSE(sid.empty());
    std::string said = Slurp(dir / "err") + Slurp(dir / "out");
    EXPECT_NE(said.find("timed out"), std::string::npos) << kind << ": " << said;
    EXPECT_EQ(LeftBehind(sid), "") << kind;
  }
}

TEST(ParallelTest, NoWorkerProcessOutlivesDuetKilledMidJob) {
  auto dir = Scratch("parallel-killed");
  // Minutes of small tasks (10000 numbers each): a worker process notices that its parent is gone
  // when it next looks for a task (a JS child's IPC channel disconnects, a Python worker's task
  // pipe reaches end of file), so a task in flight ends first.
  std::string sid = StartInSession(dir, "run " + kParallel + "/jobs --runs 1 --warmup 0 --no-history " +
                                            "--param limit=20000000 --param chunks=2000",
                                   /*background=*/true);
  ASSERT_FALSE(sid.empty());
  // Until both runtimes' workers are up (2 JS children, then Python's pool and its resource tracker).
  for (int i = 0; i < 300 && SessionProcesses(sid).find("multiprocessing") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(SessionProcesses(sid).find("multiprocessing"), std::string::npos) << Slurp(dir / "err");
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the JS job is under way
  // SIGKILL to duet alone (the session leader): no teardown runs; the workers must notice by themselves.
  Shell("kill -KILL " + sid);
  EXPECT_EQ(LeftBehind(sid), "");
}

}  // namespace
}  // namespace duet::testing
