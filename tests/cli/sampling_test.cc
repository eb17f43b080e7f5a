// Issue-3 behaviour through the CLI: the sampling plan (--runs, --time-budget, --warmup auto, block
// warm-ups), engine counters, calibration and machine record, CSV/Markdown exports, and a
// calibrated busy loop whose medians must scale with its work.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kGood = std::filesystem::path(DUET_TEST_FIXTURES) / "workloads/good";
const std::filesystem::path kCalls = std::filesystem::path(DUET_TEST_FIXTURES) / "sampling";

TEST(SamplingTest, RunsAndWarmupCountsAreExact) {
  auto [outcome, doc] = DuetJson("run " + (kGood / "double").string() + " --runs 7 --warmup 4");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto& w = doc["workloads"][0];
  EXPECT_EQ(w["plan"]["mode"], "runs");
  EXPECT_EQ(w["plan"]["warmup"], 4);
  for (const char* rt : {"v8", "cpython"}) {
    EXPECT_EQ(w["runtimes"][rt]["samples_ns"].size(), 7u) << rt;
    EXPECT_EQ(w["runtimes"][rt]["warmup"], 4) << rt;
    EXPECT_EQ(w["runtimes"][rt]["stats"]["wall"]["count"], 7) << rt;
  }
}

TEST(SamplingTest, TimeBudgetBoundsSamplingPerRuntime) {
  // allocates takes milliseconds per iteration, so 0.3 s holds a bounded number of samples.
  auto [outcome, doc] = DuetJson("run " + (kGood / "allocates").string() + " --time-budget 0.3 --warmup 1");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto& w = doc["workloads"][0];
  EXPECT_EQ(w["plan"]["mode"], "time");
  EXPECT_DOUBLE_EQ(w["plan"]["time_budget_s"].get<double>(), 0.3);
  for (const char* rt : {"v8", "cpython"}) {
    const auto& samples = w["runtimes"][rt]["samples_ns"];
    ASSERT_GE(samples.size(), 3u) << rt;  // the minimum, even for slow iterations
    uint64_t total = 0, longest = 0;
    for (const auto& s : samples) {
      total += s.get<uint64_t>();
      longest = std::max(longest, s.get<uint64_t>());
    }
    // Each of the 5 blocks may overrun by at most one iteration.
    EXPECT_LE(total, 300'000'000ull + 5 * longest) << rt;
  }
}

TEST(SamplingTest, RunsAndTimeBudgetAreExclusive) {
  EXPECT_EQ(Duet("run " + kGood.string() + " --runs 3 --time-budget 1").exit_code, 2);
}

// Every run() call is one of the counted kinds: the fixture returns how many calls it saw.
TEST(SamplingTest, ShortIterationsGetOneUntimedIterationPerBlockAfterTheOtherRuntime) {
  auto [outcome, doc] = DuetJson("run " + (kCalls / "calls").string() + " --runs 6 --warmup 2 --blocks 3");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  for (const char* rt : {"v8", "cpython"}) {
    const auto& lane = doc["workloads"][0]["runtimes"][rt];
    // Each block follows the other runtime's (the first follows the last runtime's warmup).
    EXPECT_EQ(lane["block_warmups"], 3) << rt;
    EXPECT_EQ(lane["samples_ns"].size(), 6u) << rt;
    EXPECT_EQ(lane["result"], 2 + 3 + 6) << rt;
  }
}

TEST(SamplingTest, LongIterationsGetNoBlockWarmup) {
  auto [outcome, doc] =
      DuetJson("run " + (kCalls / "calls").string() + " --runs 3 --warmup 1 --blocks 3 --param busy_ms=60");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  for (const char* rt : {"v8", "cpython"}) {
    const auto& lane = doc["workloads"][0]["runtimes"][rt];
    EXPECT_EQ(lane["block_warmups"], 0) << rt;
    EXPECT_EQ(lane["result"], 1 + 3) << rt;
  }
}

TEST(SamplingTest, AutomaticWarmupStopsOnceSteadyAndReportsItsCount) {
  auto [outcome, doc] = DuetJson("run " + (kGood / "double").string() + " --runs 3 --warmup auto");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto& w = doc["workloads"][0];
  EXPECT_EQ(w["plan"]["warmup"], "auto");
  for (const char* rt : {"v8", "cpython"}) {
    int warmup = w["runtimes"][rt]["warmup"];
    EXPECT_GE(warmup, 5) << rt;   // the steadiness window
    EXPECT_LE(warmup, 30) << rt;  // the cap
  }
}

TEST(SamplingTest, StatisticsCountersCalibrationAndMachineAreRecorded) {
  auto [outcome, doc] = DuetJson("run " + (kGood / "allocates").string() + " --runs 5 --warmup 1");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto& w = doc["workloads"][0];
  for (const char* rt : {"v8", "cpython"}) {
    const auto& wall = w["runtimes"][rt]["stats"]["wall"];
    EXPECT_LE(wall["median_ci95_ns"][0].get<int64_t>(), wall["median_ns"].get<int64_t>()) << rt;
    EXPECT_GE(wall["median_ci95_ns"][1].get<int64_t>(), wall["median_ns"].get<int64_t>()) << rt;
    EXPECT_LE(wall["min_ns"].get<int64_t>(), wall["median_ns"].get<int64_t>()) << rt;
    // Both collectors ran while this workload allocated.
    EXPECT_GT(w["runtimes"][rt]["counters"]["gc"]["pauses"]["count"].get<int>(), 0) << rt;
    EXPECT_GT(w["runtimes"][rt]["counters"]["gc"]["pauses"]["total_ns"].get<int64_t>(), 0) << rt;
  }
  EXPECT_GT(w["runtimes"]["v8"]["counters"]["heap"]["limit_bytes"].get<int64_t>(), 0);
  // Load + setup memory per runtime, for bytes-per-object figures.
  for (const char* rt : {"v8", "cpython"}) EXPECT_TRUE(w["runtimes"][rt]["setup"].contains("rss_delta_bytes")) << rt;
  EXPECT_GT(w["runtimes"]["v8"]["setup"]["counters"]["heap"]["used_bytes"].get<int64_t>(), 0);
  EXPECT_TRUE(w["runtimes"]["cpython"]["setup"]["counters"].contains("allocated_blocks_delta"));
  EXPECT_GT(w["runtimes"]["v8"]["counters"]["code"]["bytecode_and_metadata_bytes"].get<int64_t>(), 0);
  EXPECT_TRUE(w["runtimes"]["cpython"]["counters"]["gc"]["by_generation"].contains("0"));
  EXPECT_TRUE(w["ratio"]["significant"].is_boolean());
  EXPECT_LE(w["ratio"]["ci95"][0].get<double>(), w["ratio"]["cpython_over_v8"].get<double>());
  EXPECT_GT(w["process"]["rss_bytes_after"].get<int64_t>(), 0);

  EXPECT_GT(doc["calibration"]["clock"]["min_step_ns"].get<int64_t>(), 0);
  EXPECT_GT(doc["calibration"]["harness_overhead_ns"]["v8"].get<int64_t>(), 0);
  EXPECT_GT(doc["calibration"]["harness_overhead_ns"]["cpython"].get<int64_t>(), 0);
  const auto& machine = doc["environment"]["machine"];
  EXPECT_GT(machine["cores"].get<int>(), 0);
  EXPECT_EQ(machine["load_average"].size(), 3u);
  EXPECT_FALSE(doc["environment"]["versions"]["git_commit"].get<std::string>().empty());
  EXPECT_TRUE(doc["warnings"].is_array());
}

// The formats come from `duet report --help` (report/formats.h's table), so a new row is tested
// without a line here: each `duet run --NAME FILE` writes what `duet report RUN --export NAME`
// writes from the run's JSON.
TEST(SamplingTest, EveryRunExportIsWhatReportWritesFromTheRunsJson) {
  std::smatch listed;
  std::string report_help = Duet("report --help").out;
  ASSERT_TRUE(std::regex_search(report_help, listed, std::regex(R"(--export TEXT:\{([a-z,]+)\})"))) << report_help;
  std::string run_help = Duet("run --help").out;
  std::string dir = ::testing::TempDir() + "/exports-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::vector<std::string> formats;
  std::string args = "run " + kGood.string() + " --runs 3 --warmup 0 --no-history --json " + dir + "/run.json";
  std::istringstream names(listed[1].str());
  for (std::string name; std::getline(names, name, ',');) {
    if (name == "json" || run_help.find("  --" + name + " ") == std::string::npos) continue;
    formats.push_back(name);
    args += " --" + name + " " + dir + "/run." + name;
  }
  EXPECT_EQ(formats, (std::vector<std::string>{"html", "markdown", "csv", "gbench"}));
  Outcome outcome = Duet(args);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  for (const std::string& name : formats) {
    std::string exported = dir + "/report." + name;
    ASSERT_EQ(Duet("report " + dir + "/run.json --export " + name + " -o " + exported).exit_code, 0) << name;
    std::string from_run = Slurp(dir + "/run." + name), from_report = Slurp(exported);
    // The page is titled with the file it was written from (run.json, run.html): the rest is the same.
    if (name == "html") from_report = std::regex_replace(from_report, std::regex("duet report: run\\.json"), "duet report: run.html");
    EXPECT_EQ(from_run, from_report) << name;
  }
  std::string csv = Slurp(dir + "/run.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')).rfind("workload,category,runtime,samples,warmup,median_ns", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);  // header + 2 workloads x 2 runtimes
  EXPECT_NE(csv.find("double,good,cpython,3,0,"), std::string::npos) << csv;
  std::string md = Slurp(dir + "/run.markdown");
  EXPECT_NE(md.find("| workload | js (v8) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| good/allocates |"), std::string::npos) << md;
  EXPECT_NE(Slurp(dir + "/run.html").find("<svg class=\"chart ratio-chart\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(SamplingTest, ParamOverridesReachBothRuntimes) {
  // A path after --param is a path, not a second parameter.
  auto [outcome, doc] = DuetJson("run --param x=50 " + (kGood / "double").string() + " --runs 1 --warmup 0");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(doc["workloads"][0]["runtimes"]["v8"]["result"]["doubled"], 100);
  EXPECT_EQ(doc["workloads"][0]["runtimes"]["cpython"]["result"]["doubled"], 100);
}

// The validation against a reference: twice the work must cost twice the time, in each runtime.
// Both sizes run in one session, one right after the other, so the machine's drift between
// minutes (large on shared VMs) does not land between them; five sessions (CPython's speed varies
// by a few percent from one process to the next), and the median of their ratios is what must
// lie in [1.9, 2.1].
TEST(SamplingTest, MediansScaleLinearlyWithACalibratedBusyLoop) {
  std::string fixtures = (std::filesystem::path(DUET_TEST_FIXTURES) / "calibration").string();
  std::map<std::string, std::vector<double>> ratios;
  for (int session = 0; session < 5; ++session) {
    auto [outcome, doc] = DuetJson("run " + fixtures + " --runs 15 --warmup 5");
    ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
    ASSERT_EQ(doc["workloads"].size(), 2u);
    const auto& single = doc["workloads"][0];  // busy, work W (sorted by path)
    const auto& twice = doc["workloads"][1];   // busy-double, work 2W
    ASSERT_EQ(twice["params"]["work"].get<int>(), 2 * single["params"]["work"].get<int>());
    for (const char* rt : {"v8", "cpython"}) {
      // CPU time of the main thread: what the loop costs, without other processes' scheduling.
      ratios[rt].push_back(twice["runtimes"][rt]["median_cpu_ns"].get<double>() /
                           single["runtimes"][rt]["median_cpu_ns"].get<double>());
    }
  }
  // ±10%: CPU time of the same loop still drifts a few percent when other processes share the
  // two cores (2.11 was seen under load); a harness that adds a fixed cost per iteration or
  // times the wrong span misses the band by far more. So did one that kept the last result alive
  // through the next run: CPython's samples alternated 15.0/16.9 ms, and with an odd count the
  // median took either side (ratios 1.68-2.31 across sessions; 2.00-2.01 since).
  for (auto& [rt, values] : ratios) {
    std::sort(values.begin(), values.end());
    EXPECT_GE(values[2], 1.8) << rt;
    EXPECT_LE(values[2], 2.2) << rt;
  }
}

}  // namespace
}  // namespace duet::testing

namespace duet::testing {
namespace {

TEST(SamplingTest, TraceMallocAddsCpythonPeakTracedMemory) {
  std::string allocates = (kGood / "allocates").string();
  auto [plain, without] = DuetJson("run " + allocates + " --runs 2 --warmup 0");
  auto [traced, with] = DuetJson("run " + allocates + " --runs 2 --warmup 0 --trace-malloc");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(traced.exit_code, 0) << traced.err;
  EXPECT_TRUE(without["workloads"][0]["runtimes"]["cpython"]["counters"]["traced_peak_bytes"].is_null());
  // 50 000 dicts with a list each cannot fit in less than a few MiB.
  EXPECT_GT(with["workloads"][0]["runtimes"]["cpython"]["counters"]["traced_peak_bytes"].get<int64_t>(), 4 << 20);
}

}  // namespace
}  // namespace duet::testing
