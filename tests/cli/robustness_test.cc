// Nothing measured is lost (design §8): a `duet run` killed with SIGKILL in the middle leaves the
// history and the --json file of the run before it intact. The bad-workload corpus itself is
// tests/bad/run_corpus.py (ctest BadWorkloadCorpus).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kFixtures = DUET_TEST_FIXTURES;

TEST(KilledRunTest, SigkillMidRunKeepsThePreviousHistoryAndJson) {
  auto dir = std::filesystem::path(DUET_TEST_OUTPUT) / "killed-run";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string db = (dir / "history.sqlite").string();
  std::string json = (dir / "run.json").string();
  std::string good = (kFixtures / "workloads" / "good" / "double").string();
  ASSERT_EQ(Duet("run " + good + " --runs 3 --warmup 0 --db " + db + " --json " + json).exit_code, 0);
  std::string before = Slurp(json);

  // The same run again, but sampling for a minute: killed while it measures and holds the files.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string out = (dir / "killed.out").string();
    if (freopen(out.c_str(), "w", stdout) == nullptr || freopen(out.c_str(), "a", stderr) == nullptr) _exit(126);
    execl(DUET_BINARY, "duet", "run", good.c_str(), "--time-budget", "60", "--warmup", "0", "--db", db.c_str(),
          "--json", json.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "duet ended before the kill: " << Slurp(dir / "killed.out");

  // The previous run is still whole: listed by `duet history`, and the JSON is the old document.
  Outcome listed = Duet("history --json --db " + db);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json runs = nlohmann::json::parse(listed.out);
  ASSERT_EQ(runs.size(), 1u) << listed.out;
  EXPECT_EQ(Slurp(json), before);
  EXPECT_EQ(Duet("report " + json + " --export csv").exit_code, 0);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find("run.json.tmp"), std::string::npos) << entry.path();
  }
}

// A FIFO (or /dev/null, /dev/stdout) is written in place: renaming the temporary file over it
// would have replaced the node itself (it once turned /dev/null into a regular file).
TEST(AtomicOutputTest, JsonToAFifoIsWrittenThroughItNotRenamedOverIt) {
  auto dir = std::filesystem::path(DUET_TEST_OUTPUT) / "json-fifo";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string fifo = (dir / "run.json").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = Slurp(fifo); });  // blocks until duet opens it for writing
  std::string good = (kFixtures / "workloads" / "good" / "double").string();
  Outcome run = Duet("run " + good + " --runs 2 --warmup 0 --no-history --json " + fifo);
  if (run.exit_code != 0) {
    std::ofstream unblock(fifo);  // lets the reader finish
  }
  reader.join();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  nlohmann::json doc = nlohmann::json::parse(received, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << received;
  EXPECT_EQ(doc["workloads"].size(), 1u);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string(), "run.json");
  }
}

}  // namespace
}  // namespace duet::testing
