// One set of tests, run against both runtimes through the Runtime interface (the uvloop way:
// where behaviour is meant to match, the same test proves it in V8 and in CPython).
#include <gtest/gtest.h>

#include "session/session.h"
#include "python/runtime.h"
#include "node/runtime.h"

namespace duet {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(DUET_TEST_FIXTURES) / "runtime";

class RuntimeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(session_.Init().ok());
    runtime_ = GetParam() == "v8" ? static_cast<Runtime*>(&session_.js()) : &session_.python();
  }
  std::filesystem::path Script(const std::string& stem) const {
    return kFixtures / (stem + (GetParam() == "v8" ? ".js" : ".py"));
  }
  // Load + setup + one iteration; returns the first failure.
  Status LoadAndRun(const std::string& stem, nlohmann::json params = nlohmann::json::object()) {
    DUET_RETURN_IF_ERROR(runtime_->Load(Script(stem), params));
    DUET_RETURN_IF_ERROR(runtime_->Setup());
    Sample sample;
    return runtime_->RunOnce(&sample);
  }

  Session session_;
  Runtime* runtime_ = nullptr;
};

TEST_P(RuntimeTest, ReportsItsNameAndVersion) {
  EXPECT_EQ(runtime_->name(), GetParam());
  EXPECT_FALSE(runtime_->version().empty());
  EXPECT_EQ(runtime_->version().substr(0, GetParam() == "v8" ? 4 : 4), GetParam() == "v8" ? "10.2" : "3.11");
}

TEST_P(RuntimeTest, RunsTheWorkloadContractWithDuetModuleBindingAndRelativeImport) {
  ASSERT_TRUE(runtime_->Load(Script("ok"), {{"n", 21}}).ok());
  WorkloadExports exports = runtime_->exports();
  EXPECT_TRUE(exports.setup && exports.run && exports.verify);
  EXPECT_FALSE(exports.teardown);
  ASSERT_TRUE(runtime_->Setup().ok());
  Sample sample;
  Status ran = runtime_->RunOnce(&sample);
  ASSERT_TRUE(ran.ok()) << ran.ToString() << "\n" << ran.detail();
  EXPECT_GT(sample.wall_ns, 0u);

  nlohmann::json result;
  ASSERT_TRUE(runtime_->LastResult(&result).ok());
  EXPECT_EQ(result["runtime"], GetParam());
  EXPECT_EQ(result["params"], nlohmann::json({{"n", 21}}));
  EXPECT_EQ(result["now_is_integer"], true);
  EXPECT_EQ(result["crc"], 891568578);  // zlib.crc32(b"abc")
  EXPECT_EQ(result["doubled"], 42);
  bool passed = false;
  ASSERT_TRUE(runtime_->Verify(&passed).ok());
  EXPECT_TRUE(passed);
  EXPECT_TRUE(runtime_->Teardown().ok());
}

TEST_P(RuntimeTest, AwaitsAnAsyncRun) {
  Status ran = LoadAndRun("async_run");
  ASSERT_TRUE(ran.ok()) << ran.ToString();
  nlohmann::json result;
  ASSERT_TRUE(runtime_->LastResult(&result).ok());
  EXPECT_EQ(result, 45);
}

TEST_P(RuntimeTest, AwaitsTimersOnTheLoop) {
  Status ran = LoadAndRun("timers_run");
  ASSERT_TRUE(ran.ok()) << ran.ToString();
  nlohmann::json result;
  ASSERT_TRUE(runtime_->LastResult(&result).ok());
  EXPECT_EQ(result, true);
}

TEST_P(RuntimeTest, SyntaxErrorNamesFileAndLine) {
  Status loaded = runtime_->Load(Script("syntax_error"), nlohmann::json::object());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.file(), Script("syntax_error").string());
  EXPECT_EQ(loaded.line(), 3);
  EXPECT_NE(loaded.message().find("SyntaxError"), std::string::npos) << loaded.message();
}

TEST_P(RuntimeTest, ExceptionInRunNamesTheThrowingLineAndKeepsTheStack) {
  Status ran = LoadAndRun("throws");
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.file(), Script("throws").string());
  EXPECT_EQ(ran.line(), 3);
  EXPECT_NE(ran.message().find("out of range on purpose"), std::string::npos) << ran.message();
  EXPECT_NE(ran.message().find(GetParam() == "v8" ? "RangeError" : "ValueError"), std::string::npos);
  // The stack / traceback names the caller too.
  EXPECT_NE(ran.detail().find(GetParam() == "v8" ? "at run" : "in run"), std::string::npos) << ran.detail();
}

TEST_P(RuntimeTest, MissingRunIsAnError) {
  Status loaded = runtime_->Load(Script("no_run"), nlohmann::json::object());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("run"), std::string::npos);
  EXPECT_EQ(loaded.file(), Script("no_run").string());
}

TEST_P(RuntimeTest, BindingTypeErrorsReadTheSameInBothLanguages) {
  ASSERT_TRUE(LoadAndRun("bad_binding_call").ok());
  nlohmann::json result;
  ASSERT_TRUE(runtime_->LastResult(&result).ok());
  EXPECT_EQ(result, "TypeError: crc32(): argument 1 (data) must be bytes");
}

TEST_P(RuntimeTest, ExecPassesArgumentsAndReturnsTheExitCode) {
  int exit_code = -1;
  testing::internal::CaptureStdout();
  Status status = runtime_->Exec(Script("exec_args"), {"7", "--flag", "two words"}, &exit_code);
  std::string out = testing::internal::GetCapturedStdout();
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(exit_code, 7);
  EXPECT_EQ(out, "[\"7\",\"--flag\",\"two words\"]\n");
}

TEST_P(RuntimeTest, RuntimeStaysUsableAfterAFailure) {
  ASSERT_FALSE(LoadAndRun("throws").ok());
  (void)runtime_->Teardown();  // what a failed workload's teardown says is not the question here
  Status ran = LoadAndRun("ok", {{"n", 1}});
  EXPECT_TRUE(ran.ok()) << ran.ToString();
}

INSTANTIATE_TEST_SUITE_P(BothRuntimes, RuntimeTest, ::testing::Values("v8", "cpython"),
                         [](const auto& info) { return info.param; });

TEST(NodeRuntimeTest, APromiseThatNeverSettlesIsAnErrorNotAHang) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  ASSERT_TRUE(session.js().Load(kFixtures / "never_settles.js", nlohmann::json::object()).ok());
  ASSERT_TRUE(session.js().Setup().ok());
  Sample sample;
  Status ran = session.js().RunOnce(&sample);
  ASSERT_FALSE(ran.ok());
  EXPECT_NE(ran.message().find("never settled"), std::string::npos) << ran.message();
}

TEST(NodeRuntimeTest, AnUnhandledRejectionFailsTheIterationWithItsLocation) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  ASSERT_TRUE(session.js().Load(kFixtures / "unhandled_rejection.js", nlohmann::json::object()).ok());
  ASSERT_TRUE(session.js().Setup().ok());
  Sample sample;
  Status ran = session.js().RunOnce(&sample);
  ASSERT_FALSE(ran.ok());
  EXPECT_NE(ran.message().find("nobody handles this"), std::string::npos) << ran.message();
  EXPECT_EQ(ran.line(), 3);
  // The runtime goes on: the next iteration of a good workload runs.
  ASSERT_TRUE(session.js().Load(kFixtures / "async_run.js", nlohmann::json::object()).ok());
  EXPECT_TRUE(session.js().RunOnce(&sample).ok());
}

// Each Load is a fresh Node environment: globals, process and the module cache start clean.
TEST(NodeRuntimeTest, EachWorkloadGetsAFreshEnvironment) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  for (int load = 0; load < 2; ++load) {
    ASSERT_TRUE(session.js().Load(kFixtures / "leaves_traces.js", nlohmann::json::object()).ok());
    Sample sample;
    ASSERT_TRUE(session.js().RunOnce(&sample).ok());
    nlohmann::json seen;
    ASSERT_TRUE(session.js().LastResult(&seen).ok());
    EXPECT_EQ(seen, (nlohmann::json{{"global", nullptr}, {"process", nullptr}, {"counter", 0}})) << "load " << load;
    ASSERT_TRUE(session.js().RunOnce(&sample).ok());  // within one environment the marks stay
    ASSERT_TRUE(session.js().LastResult(&seen).ok());
    EXPECT_EQ(seen["counter"], 1);
    EXPECT_EQ(seen["global"], "left");
    ASSERT_TRUE(session.js().Teardown().ok());
  }
}

// Prepare readies an environment for one script ahead of Load (a cold start's untimed part); Load
// uses it once, for that script only, and prepares anew for any other.
TEST(NodeRuntimeTest, APreparedEnvironmentServesOneLoadOfItsScript) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  ASSERT_TRUE(session.js().Prepare(kFixtures / "leaves_traces.js").ok());
  ASSERT_TRUE(session.js().Load(kFixtures / "leaves_traces.js", nlohmann::json::object()).ok());
  Sample sample;
  ASSERT_TRUE(session.js().RunOnce(&sample).ok());
  nlohmann::json seen;
  ASSERT_TRUE(session.js().LastResult(&seen).ok());
  EXPECT_EQ(seen["global"], nullptr);
  // A second Load of the same script without Prepare still gets an environment of its own.
  ASSERT_TRUE(session.js().Load(kFixtures / "leaves_traces.js", nlohmann::json::object()).ok());
  ASSERT_TRUE(session.js().RunOnce(&sample).ok());
  ASSERT_TRUE(session.js().LastResult(&seen).ok());
  EXPECT_EQ(seen["global"], nullptr);
  // Prepared for one script, loading another imports the other.
  ASSERT_TRUE(session.js().Prepare(kFixtures / "leaves_traces.js").ok());
  ASSERT_TRUE(session.js().Load(kFixtures / "ok.js", {{"n", 21}}).ok());
  ASSERT_TRUE(session.js().Setup().ok());
  ASSERT_TRUE(session.js().RunOnce(&sample).ok());
  ASSERT_TRUE(session.js().LastResult(&seen).ok());
  EXPECT_EQ(seen["doubled"], 42) << seen.dump();
  EXPECT_EQ(seen["params"]["n"], 21) << seen.dump();
  ASSERT_TRUE(session.js().Teardown().ok());
}

// Running out of heap at a module's top level, where the import's promise never settles, names
// the script and the limit; the runtime then loads the next workload at the normal limit.
TEST(NodeRuntimeTest, HeapExhaustedAtTheTopLevelNamesTheScript) {
  Session session;
  ASSERT_TRUE(session.Init({.js_max_heap_bytes = size_t{32} << 20}).ok());
  Status loaded = session.js().Load(kFixtures / "heap_at_top_level.js", nlohmann::json::object());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("JavaScript heap out of memory during import"), std::string::npos) << loaded.ToString();
  EXPECT_NE(loaded.message().find("32 MiB"), std::string::npos) << loaded.ToString();
  EXPECT_NE(loaded.file().find("heap_at_top_level.js"), std::string::npos) << loaded.ToString();
  ASSERT_TRUE(session.js().Load(kFixtures / "ok.js", {{"n", 21}}).ok());
  Sample sample;
  EXPECT_TRUE(session.js().Setup().ok());
  EXPECT_TRUE(session.js().RunOnce(&sample).ok());
}

// worker_threads work inside a workload; the engine counters say they are the main isolate's.
TEST(NodeRuntimeTest, WorkersRunAndTheCountersSayWhoseTheyAre) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  ASSERT_TRUE(session.js().Load(kFixtures / "in_a_worker.js", nlohmann::json::object()).ok());
  session.js().BeginCounters();
  Sample sample;
  Status ran = session.js().RunOnce(&sample);
  ASSERT_TRUE(ran.ok()) << ran.ToString();
  nlohmann::json result;
  ASSERT_TRUE(session.js().LastResult(&result).ok());
  EXPECT_EQ(result["sum"], 499999500000);
  EXPECT_TRUE(session.js().EndCounters().main_isolate_only);
  EXPECT_TRUE(session.js().Teardown().ok());
}

}  // namespace
}  // namespace duet
