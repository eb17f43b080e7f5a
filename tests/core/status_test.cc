// Status codes where they are made: each kind of failure carries the code the command line maps
// to an exit code, and a message passed on with more context keeps it.
#include "core/status.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/file_io.h"
#include "harness/workload_pair.h"

namespace duet {
namespace {

const std::filesystem::path kFixtures = DUET_TEST_FIXTURES;

TEST(StatusTest, NamedConstructorsSayTheKind) {
  EXPECT_EQ(Status::Ok().code(), StatusCode::kOk);
  EXPECT_EQ(Status().code(), StatusCode::kOk);
  EXPECT_EQ(Status::Error("x").code(), StatusCode::kInternal);
  EXPECT_EQ(Status::Usage("x").code(), StatusCode::kUsage);
  EXPECT_EQ(Status::ScriptError("x", "a.py", 3).code(), StatusCode::kScript);
  EXPECT_EQ(Status::Timeout("x").code(), StatusCode::kTimeout);
  EXPECT_EQ(Status::Io("x").code(), StatusCode::kIo);
  for (Status failed : {Status::Error("x"), Status::Usage("x"), Status::ScriptError("x"), Status::Timeout("x"),
                        Status::Io("x")}) {
    EXPECT_FALSE(failed.ok()) << failed.ToString();
  }
}

TEST(StatusTest, WithCodeKeepsTheKindAndIsNeverOk) {
  Status script = Status::ScriptError("boom", "w.js", 7, "stack");
  Status passed_on = Status::WithCode(script.code(), "load: " + script.message(), script.file(), script.line());
  EXPECT_EQ(passed_on.code(), StatusCode::kScript);
  EXPECT_EQ(passed_on.ToString(), "w.js:7: load: boom");
  // A failure with an OK code would read as success wherever ok() is asked.
  Status odd = Status::WithCode(StatusCode::kOk, "failed");
  EXPECT_FALSE(odd.ok());
  EXPECT_EQ(odd.code(), StatusCode::kInternal);
}

TEST(StatusTest, PrefixedAddsContextAndKeepsEverythingElse) {
  Status timeout = Status::Timeout("ran past 5 s", "w.py", 3, "traceback").Prefixed("the web pairs' database: ");
  EXPECT_EQ(timeout.code(), StatusCode::kTimeout);
  EXPECT_EQ(timeout.ToString(), "w.py:3: the web pairs' database: ran past 5 s");
  EXPECT_EQ(timeout.detail(), "traceback");
  EXPECT_TRUE(Status::Ok().Prefixed("history: ").ok());  // a success stays one, without a message
  EXPECT_EQ(Status::Ok().Prefixed("history: ").message(), "");
}

TEST(StatusTest, FilesThatCannotBeReadOrWrittenAreIo) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-status-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_EQ(WriteFileAtomically(dir / "no-such-folder" / "f.json", "{}").code(), StatusCode::kIo);
  nlohmann::json doc;
  EXPECT_EQ(ReadJsonFile(dir / "absent.json", &doc).code(), StatusCode::kIo);
  // A file that is there but malformed is the input's fault, as a bad workload.json is.
  std::ofstream(dir / "broken.json") << "{\n  \"a\": [,]\n}\n";
  Status broken = ReadJsonFile(dir / "broken.json", &doc);
  EXPECT_EQ(broken.code(), StatusCode::kScript);
  EXPECT_EQ(broken.line(), 2);
  std::filesystem::remove_all(dir);
}

TEST(StatusTest, WorkloadsNameTheirKind) {
  std::vector<WorkloadPair> pairs;
  EXPECT_EQ(DiscoverWorkloads({"/no/such/folder"}, &pairs).code(), StatusCode::kUsage);
  WorkloadPair broken = ReadWorkloadPair(kFixtures / "workloads" / "bad" / "broken-manifest");
  EXPECT_EQ(broken.problem.code(), StatusCode::kScript) << broken.problem.ToString();
}

}  // namespace
}  // namespace duet
