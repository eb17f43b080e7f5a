// Messages a user reads, through the CLI: number options name their bounds as a person would, a
// place without a line is just the file, counts agree with their nouns, and `--name=` is an
// empty value rather than a reason to take the next word.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = DUET_TEST_FIXTURES;

TEST(MessagesTest, NumberOptionsNameTheirBoundsAsNumbersAPersonWouldWrite) {
  struct Case {
    std::string args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"run --runs -3", "--runs: must be a whole number of 0 or more, not -3"},
           {"run --runs 2.5", "--runs: must be a whole number of 0 or more, not 2.5"},
           {"run --warmup -1", "--warmup: must be 'auto' or a whole number of 0 or more, not -1"},
           {"run --blocks 0", "--blocks: must be a whole number of 1 or more, not 0"},
           {"run --time-budget 0", "--time-budget: must be a number above 0, not 0"},
           {"run --timeout -1", "--timeout: must be a number of at least 0, not -1"},
           {"profile cpu/fib --interval-us 10", "--interval-us: must be a whole number from 50 to 1000000, not 10"},
           {"compare 1 2 --alpha 2", "--alpha: must be a number of at least 0 and at most 1, not 2"},
       }) {
    Outcome outcome = Duet(c.args);
    EXPECT_EQ(outcome.exit_code, 2) << c.args;
    EXPECT_EQ(outcome.err.substr(0, outcome.err.find('\n')), c.message) << c.args;
    EXPECT_EQ(outcome.err.find("0.000000"), std::string::npos) << c.args << ": " << outcome.err;
  }
}

TEST(MessagesTest, APlaceWithoutALineIsTheFileAlone) {
  fs::path claims = Scratch("claims") / "claims.json";
  std::ofstream(claims) << R"({"schema": "duet-claims/1", "claims": [{"id": "c", "claim": "x", "workloads": []}]})";
  Outcome outcome = Duet("claims --claims " + claims.string());
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "duet: " + claims.string() + ": claim 'c' lists no workloads\n");

  // In the run table's failure list too: a workload whose script is missing has no line to name.
  Outcome run = Duet("run " + (kFixtures / "workloads" / "bad" / "missing-script").string() + " --runs 3 --no-history");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out.find(":0"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("missing-script.py"), std::string::npos) << run.out;
}

TEST(MessagesTest, TheProfileSummaryCountsInTheSingularForOne) {
  fs::path dir = Scratch("profile");
  Outcome outcome = Duet("profile " + (kFixtures / "profile" / "hot").string() + " --runs 1 --warmup 0 --out " + dir.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("v8: 1 iteration in "), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("cpython: 1 iteration in "), std::string::npos) << outcome.out;
  std::smatch plural_one;
  EXPECT_FALSE(std::regex_search(outcome.out, plural_one, std::regex(R"((^|[^0-9.])1 [a-z]+s\b)")))
      << plural_one.str() << " in\n" << outcome.out;
}

TEST(MessagesTest, AnEmptyValueAfterEqualsStaysEmpty) {
  fs::path dir = Scratch("empty");
  std::ofstream(dir / "args.js") << "console.log(JSON.stringify(process.argv.slice(2)));\n";
  // Before: --v8-flags took "exec" as the flags, and "args.js" became the subcommand.
  Outcome exec = Duet("--v8-flags= exec " + (dir / "args.js").string() + " --x= y");
  EXPECT_EQ(exec.exit_code, 0) << exec.err;
  EXPECT_EQ(exec.out, "[\"--x=\",\"y\"]\n") << "the script's own arguments must pass untouched";

  // A subcommand's option alike: an empty --filter matches everything; the path stays a path.
  Outcome list = Duet("list --filter= " + (kFixtures / "workloads" / "good").string());
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("good/double"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("good/allocates"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace duet::testing
