// `duet profile` end to end: the hot function tops both .cpuprofile files, the trace is valid
// Chrome Trace Event JSON whose spans nest, GC events show up, engine flags reach the engines,
// the overhead benchmark prints its figures, and a bad workload path is a clear error.
#include <unistd.h>

#include <map>

#include <gtest/gtest.h>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kFixtures = DUET_TEST_FIXTURES;

std::filesystem::path OutDir(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-profile-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

nlohmann::json ReadJson(const std::filesystem::path& path) {
  return nlohmann::json::parse(Slurp(path), nullptr, /*allow_exceptions=*/false);
}

// The function with the most self time in a DevTools .cpuprofile, computed from its samples and
// timeDeltas as DevTools does (each sample weighs the time up to the next one).
std::string TopSelfFunction(const nlohmann::json& profile) {
  std::map<int, std::string> names;
  for (const auto& node : profile["nodes"]) names[node["id"].get<int>()] = node["callFrame"]["functionName"];
  const auto& samples = profile["samples"];
  const auto& deltas = profile["timeDeltas"];
  std::map<std::string, double> self;
  for (size_t i = 0; i + 1 < samples.size(); ++i) {
    self[names[samples[i].get<int>()]] += deltas[i + 1].get<double>();
  }
  std::string top;
  double best = -1;
  for (const auto& [name, us] : self) {
    if (name.empty() || name.front() == '(') continue;  // (root), (program), (idle), (garbage collector)
    if (us > best) {
      best = us;
      top = name;
    }
  }
  return top;
}

class ProfileHotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(OutDir("hot"));
    outcome_ = new Outcome(Duet("profile " + (kFixtures / "profile" / "hot").string() + " --time-budget 0.5 --out " +
                                dir_->string()));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    delete dir_;
  }
  static std::filesystem::path* dir_;
  static Outcome* outcome_;
};
std::filesystem::path* ProfileHotTest::dir_ = nullptr;
Outcome* ProfileHotTest::outcome_ = nullptr;

TEST_F(ProfileHotTest, TheHotFunctionIsTheTopSelfTimeEntryInBothProfiles) {
  ASSERT_EQ(outcome_->exit_code, 0) << outcome_->err << outcome_->out;
  for (const char* side : {"js", "py"}) {
    nlohmann::json profile = ReadJson(*dir_ / (std::string("hot.") + side + ".cpuprofile"));
    ASSERT_TRUE(profile.is_object()) << side;
    ASSERT_GT(profile["samples"].size(), 20u) << side;
    EXPECT_EQ(profile["samples"].size(), profile["timeDeltas"].size()) << side;
    EXPECT_LE(profile["startTime"].get<int64_t>(), profile["endTime"].get<int64_t>()) << side;
    EXPECT_EQ(profile["nodes"][0]["callFrame"]["functionName"], "(root)") << side;
    EXPECT_EQ(TopSelfFunction(profile), "hot_loop") << side;
    // hot_loop's call frame names the fixture file and its (0-based) line.
    bool found = false;
    for (const auto& node : profile["nodes"]) {
      const auto& frame = node["callFrame"];
      if (frame["functionName"] != "hot_loop") continue;
      found = true;
      EXPECT_NE(frame["url"].get<std::string>().find(std::string("hot.") + side), std::string::npos) << frame;
      EXPECT_EQ(frame["lineNumber"], side == std::string("js") ? 3 : 5) << frame;
    }
    EXPECT_TRUE(found) << side;
  }
}

TEST_F(ProfileHotTest, TheSummaryListsTopSelfTimeGcShareAndJitActivityPerRuntime) {
  ASSERT_EQ(outcome_->exit_code, 0) << outcome_->err;
  const std::string& out = outcome_->out;
  for (const char* text : {"v8:", "cpython:", "top self time:", "GC:", "optimised while profiling",
                           "specialised (adaptive) instructions"}) {
    EXPECT_NE(out.find(text), std::string::npos) << text << " missing from:\n" << out;
  }
  // The first entry under each "top self time:" is hot_loop.
  for (size_t at = out.find("top self time:\n"); at != std::string::npos; at = out.find("top self time:\n", at + 1)) {
    std::string first = out.substr(at + 15, out.find('\n', at + 15) - (at + 15));
    EXPECT_NE(first.find("hot_loop"), std::string::npos) << first;
  }
  // hot_loop's bytecode has been specialised by the adaptive interpreter.
  size_t line = out.find("hot_loop", out.find("specialised (adaptive)"));
  ASSERT_NE(line, std::string::npos) << out;
}

TEST_F(ProfileHotTest, TheTraceIsChromeTraceEventJsonWithNestedMonotonicSpans) {
  ASSERT_EQ(outcome_->exit_code, 0) << outcome_->err;
  nlohmann::json trace = ReadJson(*dir_ / "hot.trace.json");
  ASSERT_TRUE(trace.is_object());
  ASSERT_TRUE(trace["traceEvents"].is_array());
  std::map<int, std::string> thread_names;
  std::map<int, std::vector<std::pair<double, double>>> open;  // tid -> enclosing spans
  std::map<int, int> iterations, samples;
  double last_ts = -1;
  for (const auto& e : trace["traceEvents"]) {
    for (const char* field : {"ph", "name", "pid", "tid"}) ASSERT_TRUE(e.contains(field)) << field << " in " << e;
    std::string ph = e["ph"];
    int tid = e["tid"];
    if (ph == "M") {
      if (e["name"] == "thread_name") thread_names[tid] = e["args"]["name"];
      continue;
    }
    ASSERT_TRUE(e["ts"].is_number()) << e;
    double ts = e["ts"];
    EXPECT_GE(ts, last_ts) << "not monotonic: " << e;
    last_ts = ts;
    if (ph == "i") {
      if (e["cat"] == "sample") ++samples[tid];
      continue;
    }
    ASSERT_EQ(ph, "X") << e;
    ASSERT_TRUE(e["dur"].is_number()) << e;
    double end = ts + e["dur"].get<double>();
    EXPECT_GE(e["dur"].get<double>(), 0) << e;
    auto& stack = open[tid];
    while (!stack.empty() && stack.back().second <= ts) stack.pop_back();
    if (!stack.empty()) {
      EXPECT_LE(end, stack.back().second + 0.001) << "span overlaps its neighbour: " << e;
    }
    stack.emplace_back(ts, end);
    if (e["cat"] == "iteration") ++iterations[tid];
  }
  EXPECT_EQ(thread_names[1], "V8");
  EXPECT_EQ(thread_names[3], "CPython");
  EXPECT_GE(iterations[1], 3);
  EXPECT_GE(iterations[3], 3);
  EXPECT_GT(samples[1], 20);
  EXPECT_GT(samples[3], 20);
}

TEST(ProfileCommandTest, GcEventsOfBothEnginesAppearForAGcHeavyWorkload) {
  auto dir = OutDir("gc");
  Outcome outcome = Duet("profile " + (kFixtures / "workloads" / "good" / "allocates").string() +
                         " --runs 5 --warmup 1 --out " + dir.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err << outcome.out;
  nlohmann::json trace = ReadJson(dir / "allocates.trace.json");
  std::map<int, int> gc;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("cat", "") != "gc") continue;
    ++gc[e["tid"].get<int>()];
    EXPECT_EQ(e["ph"], "X");
    EXPECT_TRUE(e["args"].contains("type")) << e;
  }
  EXPECT_GT(gc[2], 0) << "no V8 GC on the V8 GC track";
  EXPECT_GT(gc[4], 0) << "no CPython collection on the CPython GC track";
  EXPECT_NE(outcome.out.find("GC: "), std::string::npos);
}

TEST(ProfileCommandTest, V8FlagsReachTheEngine) {
  std::string probe = (kFixtures / "profile" / "flags" / "probe.js").string();
  EXPECT_NE(Duet("exec " + probe).out.find("gc: undefined"), std::string::npos);
  Outcome flagged = Duet("--v8-flags=--expose-gc exec " + probe);
  EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
  EXPECT_NE(flagged.out.find("gc: function"), std::string::npos) << flagged.out;
}

TEST(ProfileCommandTest, NoOptLeavesNothingOptimisedInTheProfileSummary) {
  std::string hot = (kFixtures / "profile" / "hot").string();
  auto dir = OutDir("noopt");
  Outcome plain = Duet("profile " + hot + " --runtime js --time-budget 0.3 --out " + dir.string());
  Outcome noopt = Duet("profile " + hot + " --runtime js --time-budget 0.3 --v8-flags=--no-opt --out " + dir.string());
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(noopt.exit_code, 0) << noopt.err;
  EXPECT_EQ(plain.out.find("JIT: 0 functions optimised"), std::string::npos) << plain.out;
  EXPECT_NE(noopt.out.find("JIT: 0 functions optimised"), std::string::npos) << noopt.out;
  EXPECT_EQ(noopt.out.find("cpython:"), std::string::npos) << "--runtime js profiled Python too";
}

TEST(ProfileCommandTest, DeoptimisationsAreReportedWithTheirReasons) {
  Outcome outcome = Duet("profile " + (kFixtures / "profile" / "deopt").string() + " --runtime js --out " +
                         OutDir("deopt").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.out.find(", 0 deoptimisations"), std::string::npos) << outcome.out;
  size_t line = outcome.out.find("    deopt ");
  ASSERT_NE(line, std::string::npos) << outcome.out;
  std::string text = outcome.out.substr(line, outcome.out.find('\n', line) - line);
  EXPECT_NE(text.find("deopt.js:"), std::string::npos) << text;
  EXPECT_LT(text.find("): "), text.size() - 4) << "no reason after the location: " << text;
}

TEST(ProfileCommandTest, PyOptReachesSysXoptions) {
  std::string probe = (kFixtures / "profile" / "flags" / "probe.py").string();
  Outcome outcome = Duet("-X duet_probe=7 --py-opt dev exec " + probe);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("('duet_probe', '7')"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("('dev', True)"), std::string::npos) << outcome.out;
}

TEST(ProfileCommandTest, TheOverheadBenchmarkPrintsSlowdownAndSampleRatePerRuntime) {
  Outcome outcome = Duet("profile " + (kFixtures / "profile" / "hot").string() +
                         " --bench-overhead --overhead-blocks 2 --overhead-runs 2 --warmup 1");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  for (const char* runtime : {" v8 ", " cpython "}) {
    size_t line = outcome.out.find(runtime);
    ASSERT_NE(line, std::string::npos) << runtime << " missing:\n" << outcome.out;
    std::string text = outcome.out.substr(line, outcome.out.find('\n', line) - line);
    EXPECT_NE(text.find("slowdown"), std::string::npos) << text;
    EXPECT_NE(text.find("sample rate"), std::string::npos) << text;
  }
}

TEST(ProfileCommandTest, ABadWorkloadIsAClearUsageError) {
  Outcome missing = Duet("profile /no/such/workload");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no workload folder or workload named '/no/such/workload'"), std::string::npos)
      << missing.err;
  Outcome not_workload = Duet("profile " + (kFixtures / "profile").string());
  EXPECT_EQ(not_workload.exit_code, 2);
  EXPECT_NE(not_workload.err.find("has no workload.json"), std::string::npos) << not_workload.err;
  Outcome throws = Duet("profile " + (kFixtures / "workloads" / "bad" / "throws").string() + " --runs 1 --out " +
                        OutDir("throws").string());
  EXPECT_EQ(throws.exit_code, 1);
  EXPECT_NE(throws.out.find("FAILED"), std::string::npos) << throws.out;
  EXPECT_NE(throws.out.find("throws."), std::string::npos) << "the failure should name the file:\n" << throws.out;
}

}  // namespace
}  // namespace duet::testing
