// The table from a Status's kind to duet's exit code (cli/exit_codes.h), and README.md's copy of it.
// It is in duet_tests, not duet_cli_tests: it includes host/ headers rather than running the binary.
#include "cli/exit_codes.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace duet {
namespace {

TEST(ExitCodesTest, EachKindHasItsExitCode) {
  // The values scripts and CI test `$?` against (README.md, docs/bad-workloads.md, design §8).
  EXPECT_EQ(ExitCode(StatusCode::kOk), 0);
  EXPECT_EQ(ExitCode(StatusCode::kScript), 1);
  EXPECT_EQ(ExitCode(StatusCode::kInternal), 1);
  EXPECT_EQ(ExitCode(StatusCode::kUsage), 2);
  EXPECT_EQ(ExitCode(StatusCode::kTimeout), 3);
  EXPECT_EQ(ExitCode(StatusCode::kIo), 4);
  EXPECT_EQ(kExitWorkloadFailed, 1);
  EXPECT_EQ(ExitCode(StatusCode::kTimeout), Watchdog::kExitUnstoppable);
}

TEST(ExitCodesTest, TheTableHasOneRowPerKind) {
  std::set<StatusCode> codes;
  for (const ExitCodeRow& row : kExitCodeTable) {
    EXPECT_TRUE(codes.insert(row.code).second) << row.name;
    EXPECT_EQ(ExitCode(row.code), row.exit_code) << row.name;
  }
  EXPECT_EQ(codes.size(), static_cast<size_t>(StatusCode::kInternal) + 1);
}

TEST(ExitCodesTest, FailReturnsTheStatusExitCode) {
  ::testing::internal::CaptureStderr();
  int code = Fail(Status::Io("cannot write x.json"), "duet test");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "duet test: cannot write x.json\n");
  EXPECT_EQ(code, 4);
}

// README.md shows the table to users: each row as the X-macro writes it, so the two cannot drift.
TEST(ExitCodesTest, TheReadmeShowsEveryRow) {
  std::ifstream in(std::filesystem::path(DUET_TEST_FIXTURES) / ".." / ".." / "README.md");
  ASSERT_TRUE(in) << "README.md";
  std::stringstream text;
  text << in.rdbuf();
  for (const ExitCodeRow& row : kExitCodeTable) {
    std::string line = "| " + std::to_string(row.exit_code) + " | `" + row.name + "` | " + row.meaning + " |";
    EXPECT_NE(text.str().find(line + "\n"), std::string::npos) << "README.md lacks the row\n" << line;
  }
}

}  // namespace
}  // namespace duet
