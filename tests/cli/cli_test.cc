// The duet command line, end to end: runs build/duet as a user would and asserts on its table,
// its duet-run/1 JSON and its exit codes.
#include <unistd.h>

#include <gtest/gtest.h>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kFixtures = DUET_TEST_FIXTURES;

const nlohmann::json* FindWorkload(const nlohmann::json& doc, const std::string& name) {
  for (const auto& w : doc["workloads"]) {
    if (w["name"] == name) return &w;
  }
  return nullptr;
}

class RunCommandTest : public ::testing::Test {
 protected:
  // One session over every fixture workload, shared by the tests below.
  static void SetUpTestSuite() {
    // ctest runs each test in its own process, maybe in parallel: one file per process.
    json_path_ = new std::string(::testing::TempDir() + "/fixtures-run-" + std::to_string(getpid()) + ".json");
    outcome_ = new Outcome(Duet("run " + (kFixtures / "workloads").string() + " --runs 3 --warmup 1 --json " + *json_path_));
    doc_ = new nlohmann::json(nlohmann::json::parse(Slurp(*json_path_)));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    delete doc_;
    delete json_path_;
  }
  static std::string* json_path_;
  static Outcome* outcome_;
  static nlohmann::json* doc_;
};
std::string* RunCommandTest::json_path_ = nullptr;
Outcome* RunCommandTest::outcome_ = nullptr;
nlohmann::json* RunCommandTest::doc_ = nullptr;

TEST_F(RunCommandTest, FailuresMakeTheExitCodeNonZeroButEveryWorkloadIsReported) {
  EXPECT_EQ(outcome_->exit_code, 1) << outcome_->err;
  EXPECT_EQ((*doc_)["schema"], "duet-run/1");
  EXPECT_EQ((*doc_)["workloads"].size(), 8u);
  for (const char* id : {"good/double", "bad/mismatch", "bad/throws", "bad/broken-manifest", "bad/verify-fails",
                         "bad/missing-script", "bad/setup-fails"}) {
    EXPECT_NE(outcome_->out.find(id), std::string::npos) << id << " missing from the table:\n" << outcome_->out;
  }
}

TEST_F(RunCommandTest, AGoodWorkloadHasSamplesMediansRatioAndMatchingResults) {
  const nlohmann::json* w = FindWorkload(*doc_, "double");
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE((*w)["error"].is_null());
  EXPECT_EQ((*w)["results_match"], true);
  EXPECT_EQ((*w)["params"], nlohmann::json({{"x", 21}}));
  for (const char* runtime : {"v8", "cpython"}) {
    const auto& r = (*w)["runtimes"][runtime];
    EXPECT_EQ(r["samples_ns"].size(), 3u) << runtime;  // --runs overrides the manifest's 4
    EXPECT_EQ(r["warmup"], 1) << runtime;
    EXPECT_GT(r["median_ns"].get<int64_t>(), 0) << runtime;
    EXPECT_EQ(r["result"]["doubled"], 42) << runtime;
    EXPECT_EQ(r["verified"], true) << runtime;
  }
  EXPECT_GT((*w)["ratio"]["cpython_over_v8"].get<double>(), 0.0);
  EXPECT_NE(outcome_->out.find("match"), std::string::npos);
}

TEST_F(RunCommandTest, AMismatchIsAFailureWithBothValuesNeverATiming) {
  const nlohmann::json* w = FindWorkload(*doc_, "mismatch");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ((*w)["results_match"], false);
  std::string message = (*w)["error"]["message"];
  EXPECT_NE(message.find("{\"answer\":41}"), std::string::npos) << message;
  EXPECT_NE(message.find("{\"answer\":42}"), std::string::npos) << message;
  EXPECT_NE(outcome_->out.find("MISMATCH"), std::string::npos);
  EXPECT_TRUE((*w)["ratio"]["cpython_over_v8"].is_null());
  // The samples themselves are kept: nothing measured is lost.
  EXPECT_EQ((*w)["runtimes"]["v8"]["samples_ns"].size(), 3u);
}

TEST_F(RunCommandTest, AThrowingRunNamesRuntimeFileAndLine) {
  const nlohmann::json* w = FindWorkload(*doc_, "throws");
  ASSERT_NE(w, nullptr);
  const auto& error = (*w)["error"];
  EXPECT_EQ(error["runtime"], "v8");
  EXPECT_EQ(error["line"], 3);
  EXPECT_NE(error["file"].get<std::string>().find("throws.js"), std::string::npos);
  EXPECT_NE(error["message"].get<std::string>().find("deliberate failure"), std::string::npos);
  // The Python twin still ran and kept its numbers.
  EXPECT_EQ((*w)["runtimes"]["cpython"]["samples_ns"].size(), 3u);
  EXPECT_NE(outcome_->out.find("throws.js:3"), std::string::npos) << outcome_->out;
}

TEST_F(RunCommandTest, AFailingSetupIsReportedAndTeardownStillRuns) {
  const nlohmann::json* w = FindWorkload(*doc_, "setup-fails");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ((*w)["error"]["runtime"], "v8");
  EXPECT_NE((*w)["error"]["message"].get<std::string>().find("setup failed on purpose"), std::string::npos);
  EXPECT_NE((*w)["runtimes"]["cpython"]["error"]["message"].get<std::string>().find("setup failed on purpose"),
            std::string::npos);
}

TEST_F(RunCommandTest, ABrokenManifestNamesTheLine) {
  const nlohmann::json* w = FindWorkload(*doc_, "broken-manifest");
  ASSERT_NE(w, nullptr);
  EXPECT_NE((*w)["error"]["file"].get<std::string>().find("workload.json"), std::string::npos);
  EXPECT_EQ((*w)["error"]["line"], 3);
}

TEST_F(RunCommandTest, AFailedVerifyAndAMissingScriptAreFailures) {
  const nlohmann::json* verify = FindWorkload(*doc_, "verify-fails");
  ASSERT_NE(verify, nullptr);
  EXPECT_EQ((*verify)["error"]["runtime"], "v8");
  EXPECT_EQ((*verify)["runtimes"]["v8"]["verified"], false);
  const nlohmann::json* missing = FindWorkload(*doc_, "missing-script");
  ASSERT_NE(missing, nullptr);
  EXPECT_NE((*missing)["error"]["message"].get<std::string>().find("missing-script.py"), std::string::npos);
}

TEST_F(RunCommandTest, TheJsonValidatesAgainstTheDocumentedSchema) {
  std::string command = std::string("/usr/bin/python3 ") + DUET_SOURCE_DIR + "/tests/cli/check_schema.py " +
                        DUET_SOURCE_DIR + "/docs/duet-run.schema.json " + *json_path_;
  EXPECT_EQ(std::system(command.c_str()), 0);
}

TEST(CliTest, FilterSelectsWorkloadsAndAllGoodIsExitZero) {
  Outcome outcome = Duet("run " + (kFixtures / "workloads").string() + " --filter '^good/' --runs 2 --warmup 0");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("good/double"), std::string::npos);
  EXPECT_EQ(outcome.out.find("bad/"), std::string::npos) << outcome.out;
}

TEST(CliTest, TheHistoryLineComesAfterTheTableNeverInsideIt) {
  std::string db = ::testing::TempDir() + "/history-order-" + std::to_string(getpid()) + ".sqlite";
  // Both streams into one file, as a terminal or `2>&1 | less` shows them.
  Outcome outcome = Shell(std::string(DUET_BINARY) + " run " + (kFixtures / "workloads" / "good").string() +
                          " --runs 2 --warmup 0 --db " + db + " 2>&1");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
  std::vector<std::string> lines;
  std::istringstream text(outcome.out);
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.starts_with("workload "); });
  ASSERT_NE(header, lines.end()) << outcome.out;
  ASSERT_GE(lines.end() - header, 5) << outcome.out;
  EXPECT_TRUE(header[1].starts_with("good/") && header[2].starts_with("good/")) << outcome.out;
  EXPECT_TRUE(header[3].starts_with("js GC: the main isolate's")) << outcome.out;  // the table's note
  EXPECT_TRUE(header[4].starts_with("history: run ")) << outcome.out;
  EXPECT_EQ(lines.end() - header, 5) << outcome.out;
}

TEST(CliTest, JsonToStdoutKeepsStdoutParseable) {
  Outcome outcome = Duet("run " + (kFixtures / "workloads/good/double").string() + " --runs 1 --warmup 0 --json -");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  nlohmann::json doc = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(doc["workloads"][0]["name"], "double");
  EXPECT_NE(outcome.err.find("good/double"), std::string::npos);  // the table moved to stderr
}

TEST(CliTest, ExecRunsPlainScriptsWithArgumentsAndExitCodes) {
  for (const char* script : {"exec_args.js", "exec_args.py"}) {
    Outcome outcome = Duet("exec " + (kFixtures / "runtime" / script).string() + " 5 --not-a-duet-flag");
    EXPECT_EQ(outcome.exit_code, 5) << script << outcome.err;
    EXPECT_EQ(outcome.out, "[\"5\",\"--not-a-duet-flag\"]\n") << script;
  }
}

// A script runs as runpy.run_path(path, run_name="__main__") runs it, without importing runpy
// (nor pkgutil, typing, re: a bare start-up pays for none of them); a file that holds compiled
// code (runpy checks for the magic number first) runs as that code.
TEST(CliTest, ExecRunsAFileAsMainAsRunpyWouldWithoutImportingIt) {
  const std::string expected =
      "name __main__\nis_main_module True\nfile_is_argv0 True\n"
      "spec None loader None cached None package ''\nimported []\n";
  std::string script = (kFixtures / "runtime" / "exec_main_state.py").string();
  Outcome source = Duet("exec " + script);
  EXPECT_EQ(source.exit_code, 0) << source.err;
  EXPECT_EQ(source.out, expected);

  auto compiled_file = std::filesystem::path(::testing::TempDir()) / "exec_main_state_compiled.py";
  Outcome compiled = Shell("/usr/bin/python3 -c \"import py_compile, sys; py_compile.compile(sys.argv[1], sys.argv[2], "
                           "doraise=True)\" " + script + " " + compiled_file.string() + " && " + DUET_BINARY +
                           " exec " + compiled_file.string());
  EXPECT_EQ(compiled.exit_code, 0) << compiled.err;
  EXPECT_EQ(compiled.out, expected);
}

// `duet exec x.py` starts CPython as python3 does, environment and signal handlers included;
// the harness's interpreter is isolated and would print ignore_environment 1.
TEST(CliTest, ExecStartsPythonAsPython3DoesFromTheEnvironment) {
  std::string script = (kFixtures / "runtime" / "exec_environment.py").string();
  for (const char* environment : {"PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0",
                                  "PYTHONUNBUFFERED= PYTHONDONTWRITEBYTECODE= PYTHONHASHSEED=random"}) {
    std::string prefix = std::string("env ") + environment + " PYTHONPATH=" + ::testing::TempDir() + " ";
    Outcome python3 = Shell(prefix + "/usr/bin/python3 " + script);
    Outcome duet = Shell(prefix + DUET_BINARY + " exec " + script);
    ASSERT_EQ(python3.exit_code, 0) << python3.err;
    EXPECT_EQ(duet.exit_code, 0) << duet.err;
    EXPECT_NE(python3.out.find("ignore_environment 0"), std::string::npos) << python3.out;
    EXPECT_EQ(duet.out, python3.out) << environment;
  }
}

// A script for one runtime does not pay for the other: a .py script never maps libnode (or
// libpq), a .js script maps Node's libraries and still not libpq.
TEST(CliTest, ExecMapsOnlyTheLibrariesTheScriptNeeds) {
  Outcome python = Duet("exec " + (kFixtures / "runtime" / "mapped_libraries.py").string());
  EXPECT_EQ(python.exit_code, 0) << python.err;
  EXPECT_EQ(python.out, "libnode.so.108 False\nlibduet_node.so False\nlibpq.so.5 False\nlibduet_pg.so False\n");
  Outcome node = Duet("exec " + (kFixtures / "runtime" / "mapped_libraries.js").string());
  EXPECT_EQ(node.exit_code, 0) << node.err;
  EXPECT_EQ(node.out, "libnode.so.108 True\nlibduet_node.so True\nlibpq.so.5 False\nlibduet_pg.so False\n");
}

TEST(CliTest, ExecPrintsNonAsciiTextAsUtf8InAnyLocale) {
  for (const char* locale : {"C.UTF-8", "C"}) {
    setenv("LC_ALL", locale, 1);  // duet inherits it through the shell
    for (const char* script : {"exec_unicode.js", "exec_unicode.py"}) {
      Outcome outcome = Duet("exec " + (kFixtures / "runtime" / script).string());
      EXPECT_EQ(outcome.exit_code, 0) << locale << " " << script << outcome.err;
      EXPECT_EQ(outcome.out, "h\u00e9llo \u2713 \u65e5\u672c\n") << locale << " " << script;
    }
  }
  unsetenv("LC_ALL");
}

TEST(CliTest, ExecReportsUncaughtErrorsWithLocation) {
  for (const char* script : {"throws.js", "throws.py"}) {
    // Run as a plain script: importing it only defines functions, so call through a wrapper.
    auto wrapper = std::filesystem::path(::testing::TempDir()) /
                   (std::string("call_") + script + (std::string(script).ends_with(".js") ? ".mjs" : ""));
    std::ofstream out(wrapper);
    std::string fixture = (kFixtures / "runtime" / script).string();
    if (std::string(script).ends_with(".js")) {
      out << "import { run } from '" << fixture << "';\nrun();\n";
    } else {
      out << "import runpy\nrunpy.run_path('" << fixture << "')['run'](None)\n";
    }
    out.close();
    Outcome outcome = Duet("exec " + wrapper.string());
    EXPECT_EQ(outcome.exit_code, 1) << script;
    EXPECT_NE(outcome.err.find(fixture), std::string::npos) << outcome.err;
    EXPECT_NE(outcome.err.find("out of range on purpose"), std::string::npos) << outcome.err;
  }
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Duet("run --runs not-a-number").exit_code, 2);
  EXPECT_EQ(Duet("run /no/such/folder").exit_code, 2);
  // Found with tests/fuzz (a string param that is not UTF-8): nlohmann's dump threw, aborting duet.
  Outcome not_utf8 = Duet("run --param \"n=$(printf '\\377')\" " + std::string(DUET_SOURCE_DIR) + "/workloads/cpu/fib");
  EXPECT_EQ(not_utf8.exit_code, 2) << not_utf8.err;
  EXPECT_NE(not_utf8.err.find("--param is not valid UTF-8"), std::string::npos) << not_utf8.err;
  Outcome help = Duet("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("exec"), std::string::npos);
  // A --filter that selects nothing, as a claims --filter that matches no claim: nothing to measure.
  Outcome nothing = Duet("run " + (kFixtures / "workloads" / "good").string() + " --filter no-such-workload --no-history");
  EXPECT_EQ(nothing.exit_code, 2) << nothing.err;
  EXPECT_EQ(nothing.err, "duet: no workloads matched\n");
  Outcome bad_regex = Duet("list --filter '('");
  EXPECT_EQ(bad_regex.exit_code, 2) << bad_regex.err;
  EXPECT_NE(bad_regex.err.find("--filter: invalid regular expression '('"), std::string::npos) << bad_regex.err;
}

// The exports are the run's record: one that cannot be written fails the run with the I/O exit code
// (cli/exit_codes.h), after the table, even though every workload passed.
TEST(CliTest, AnExportThatCannotBeWrittenExitsWithTheIoCode) {
  std::string unwritable = (Scratch("io") / "no-such-folder" / "run.json").string();
  Outcome outcome = Duet("run " + (kFixtures / "workloads" / "good" / "double").string() +
                         " --runs 3 --warmup 0 --no-history --json " + unwritable);
  EXPECT_EQ(outcome.exit_code, 4) << outcome.err;
  EXPECT_NE(outcome.err.find("duet: cannot write " + unwritable), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.out.find("good/double"), std::string::npos) << outcome.out;  // the table is still printed
  // A file that is not there to read is I/O too, where `duet report` reads a run.
  Outcome missing = Duet("report " + (Scratch("io") / "absent.json").string() + " --export table");
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace duet::testing
