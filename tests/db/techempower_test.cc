// The TechEmpower database (host/db/techempower_db.h) on a real private PostgreSQL 15: the
// data and the servers' role, --pg-url into an existing server, the failure paths (stale
// directory, missing binaries, the server killed while in use), the response checks
// (host/load/techempower_check.h) failing against a deliberately wrong server, and the CLI
// over both (`duet pg start`, `duet web check`).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "db/postgres_database.h"
#include "db/postgres_fixture.h"
#include "db/server_process.h"
#include "load/techempower_check.h"

namespace duet::testing {
namespace {

// Whether `text` holds `part`; the whole text is shown when not.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not in: " << text;
}

std::map<std::string, Status> ByTarget(const std::vector<TechEmpowerCheck>& checks) {
  std::map<std::string, Status> out;
  for (const TechEmpowerCheck& check : checks) out[check.target] = check.status;
  return out;
}

TEST(TechEmpowerDbStart, LoadsTheDataAndGivesTheServersARoleOfLesserRights) {
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<TechEmpowerDb> db;
  TechEmpowerDbOptions options;
  options.cluster.settings = {"fsync=off"};
  ASSERT_TRUE(TechEmpowerDb::Start(options, &db).ok());
  auto loaded = std::chrono::steady_clock::now();
  ASSERT_NE(db->cluster(), nullptr);
  std::filesystem::path directory = db->cluster()->directory();
  EXPECT_TRUE(Contains(db->app_url(), "user=benchmarkdbuser"));

  std::unique_ptr<SqlDatabase> app;
  ASSERT_TRUE(PostgresDatabase::Open(db->app_url(), &app).ok());
  SqlRows rows;
  ASSERT_TRUE(app->Query("SELECT count(*), min(id), max(id), min(randomnumber), max(randomnumber), "
                         "count(DISTINCT randomnumber) FROM world", {}, &rows).ok());
  EXPECT_EQ(rows[0].Int(0), 10000);
  EXPECT_EQ(rows[0].Int(1), 1);
  EXPECT_EQ(rows[0].Int(2), 10000);
  EXPECT_GE(rows[0].Int(3), 1);
  EXPECT_LE(rows[0].Int(4), 10000);
  EXPECT_GT(rows[0].Int(5), 5000) << "randomNumber should be random, not a constant";
  rows.clear();  // Query appends
  ASSERT_TRUE(app->Query("SELECT id, message FROM fortune ORDER BY id", {}, &rows).ok());
  ASSERT_EQ(rows.size(), 12u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].Int(0), StandardFortunes()[i].id);
    EXPECT_EQ(rows[i].Text(1), StandardFortunes()[i].message);
  }
  nlohmann::json durability;
  ASSERT_TRUE(ReadDurability(app.get(), &durability).ok());
  EXPECT_EQ(durability, (nlohmann::json{{"fsync", "off"}, {"synchronous_commit", "on"}}));
  // The servers' role reads and updates, and no more.
  EXPECT_TRUE(app->Exec("UPDATE world SET randomnumber = 1 WHERE id = 1").ok());
  Status denied = app->Exec("DELETE FROM fortune");
  EXPECT_FALSE(denied.ok());
  EXPECT_TRUE(Contains(denied.ToString(), "permission denied"));
  EXPECT_FALSE(app->Exec("DROP TABLE world").ok());

  app.reset();
  auto stopping = std::chrono::steady_clock::now();
  EXPECT_TRUE(db->Stop().ok());
  auto stopped = std::chrono::steady_clock::now();
  EXPECT_FALSE(std::filesystem::exists(directory));
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::printf("initdb to loaded data %lld ms, stop and removal %lld ms\n", static_cast<long long>(ms(loaded - started)),
              static_cast<long long>(ms(stopped - stopping)));
}

TEST_F(PostgresTest, PgUrlLoadsTheTablesIntoAnExistingServerAndLeavesItRunning) {
  std::string url = NewDatabase();
  std::unique_ptr<TechEmpowerDb> db;
  TechEmpowerDbOptions options;
  options.pg_url = url;
  ASSERT_TRUE(TechEmpowerDb::Start(options, &db).ok());
  EXPECT_EQ(db->cluster(), nullptr);
  EXPECT_EQ(db->app_url(), url);
  // Loading twice replaces the tables rather than failing or doubling the rows.
  ASSERT_TRUE(TechEmpowerDb::Start(options, &db).ok());
  EXPECT_TRUE(db->Stop().ok());
  std::unique_ptr<SqlDatabase> check;
  ASSERT_TRUE(PostgresDatabase::Open(url, &check).ok());
  SqlRows rows;
  ASSERT_TRUE(check->Query("SELECT (SELECT count(*) FROM world), (SELECT count(*) FROM fortune)", {}, &rows).ok());
  EXPECT_EQ(rows[0].Int(0), 10000);
  EXPECT_EQ(rows[0].Int(1), 12);
}

TEST(TechEmpowerDbStart, AStaleDirectoryOrMissingBinariesAreClearErrors) {
  std::filesystem::path stale = ::testing::TempDir() + "/duet-stale-te-" + std::to_string(getpid());
  std::filesystem::create_directories(stale / "data");
  std::unique_ptr<TechEmpowerDb> db;
  TechEmpowerDbOptions options;
  options.cluster.directory = stale;
  Status status = TechEmpowerDb::Start(options, &db);
  EXPECT_TRUE(Contains(status.ToString(), "stale cluster directory"));
  EXPECT_TRUE(std::filesystem::exists(stale / "data")) << "a stale directory is reported, never removed or reused";
  std::filesystem::remove_all(stale);

  options.cluster.directory.clear();
  options.cluster.bin_dir = "/nonexistent/postgresql/bin";
  status = TechEmpowerDb::Start(options, &db);
  EXPECT_TRUE(Contains(status.ToString(), "/nonexistent/postgresql/bin/initdb is missing"));
  EXPECT_EQ(db, nullptr);

  options.pg_url = "postgresql:///no_such_database?host=/nonexistent";
  EXPECT_FALSE(TechEmpowerDb::Start(options, &db).ok());
}

// The checks against a server whose every database-backed answer is wrong in its own way.
TEST_F(TechEmpowerTest, ChecksFailAgainstADeliberatelyWrongServer) {
  ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(std::string("/usr/bin/python3 ") + DUET_TEST_FIXTURES "/web/wrong_server.py", "/",
                           std::chrono::seconds(10), &error))
      << error;
  TechEmpowerCheckOptions options;
  options.db = admin_.get();
  auto checks = ByTarget(CheckTechEmpowerServer(server.port(), options));
  // What the wrong server gets right passes: the checks are not merely strict.
  for (const char* target : {"/json", "/plaintext", "/db", "/queries?queries=2", "/queries", "/queries?queries=foo",
                             "/plaintext (16 pipelined)"}) {
    EXPECT_TRUE(checks[target].ok()) << target << ": " << checks[target].ToString();
  }
  EXPECT_TRUE(Contains(checks["/queries?queries=0"].ToString(), "expected an array of 1 worlds"));
  EXPECT_TRUE(Contains(checks["/queries?queries=501"].ToString(), "expected an array of 500 worlds"));
  EXPECT_TRUE(Contains(checks["/fortunes"].ToString(), "the fortunes page differs"));
  EXPECT_TRUE(Contains(checks["/updates?queries=2"].ToString(), "after the update, not the"));
}

// The database dies under a running server: the cluster says how, and the checks report the
// server's failures as failures, with the response shown, while the rest still passes.
TEST(TechEmpowerDbStart, AServerKilledMidRunIsAClearError) {
  std::unique_ptr<TechEmpowerDb> db;
  TechEmpowerDbOptions options;
  options.cluster.settings = {"fsync=off"};
  ASSERT_TRUE(TechEmpowerDb::Start(options, &db).ok());
  ServerProcess server;
  std::string error;
  std::string command = std::string(DUET_NODE_BASELINE) + " js/node-http.js --db '" + db->app_url() + "'";
  ASSERT_TRUE(server.Start(command, DUET_WEB_DIR, std::chrono::seconds(20), &error)) << error;
  TechEmpowerCheckOptions check_options;
  check_options.repeat = 1;
  EXPECT_TRUE(ByTarget(CheckTechEmpowerServer(server.port(), check_options))["/db"].ok());

  ASSERT_TRUE(db->cluster()->CheckRunning().ok());
  kill(db->cluster()->pid(), SIGKILL);
  Status running;
  for (int i = 0; i < 200 && running.ok(); ++i) {
    running = db->cluster()->CheckRunning();
    if (running.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(Contains(running.ToString(), "the server exited while in use (signal Killed)"));
  auto checks = ByTarget(CheckTechEmpowerServer(server.port(), check_options));
  EXPECT_TRUE(checks["/json"].ok()) << checks["/json"].ToString();
  EXPECT_TRUE(Contains(checks["/db"].ToString(), "status 500, not 200"));
  std::filesystem::path directory = db->cluster()->directory();
  (void)db->Stop();  // whether it reports the crash is not this test's question; the cleanup is
  EXPECT_FALSE(std::filesystem::exists(directory)) << "the directory is removed after a crash too";
}

// `duet pg start --techempower` as a developer runs it: the URL on stdout, a database that
// answers, and on Ctrl-C (SIGINT) a clean stop with the directory gone.
TEST(DuetPgStart, PrintsTheUrlKeepsTheServerUntilInterruptedThenRemovesIt) {
  ServerProcess duet;
  std::string url, error;
  ASSERT_TRUE(duet.StartForLine(std::string(DUET_BINARY) + " pg start --techempower", "/", std::chrono::seconds(60), &url,
                                &error))
      << error;
  std::unique_ptr<SqlDatabase> app;
  ASSERT_TRUE(PostgresDatabase::Open(url, &app).ok()) << url;
  SqlRows rows;
  ASSERT_TRUE(app->Query("SELECT count(*) FROM world", {}, &rows).ok());
  EXPECT_EQ(rows[0].Int(0), 10000);
  app.reset();
  int status = duet.SignalAndWait(SIGINT, std::chrono::seconds(20));
  ASSERT_TRUE(WIFEXITED(status)) << "duet pg start did not stop on SIGINT; stderr:\n" << duet.Stderr();
  EXPECT_EQ(WEXITSTATUS(status), 0) << duet.Stderr();
  EXPECT_TRUE(Contains(duet.Stderr(), "stopped and removed"));
  std::string directory = url.substr(url.find("host=") + 5);
  directory = directory.substr(0, directory.find('&'));
  EXPECT_FALSE(std::filesystem::exists(directory)) << directory;
}

// A duet that dies without stopping its cluster (SIGKILL here; Ctrl-C in `duet run`, which has no
// handler for it) leaves neither a server nor a directory: the server dies with its parent and
// the cleanup process removes the directory. This test adopts the orphans (a subreaper) so that
// it can see them end and reap them, which PID 1 of a container may not do.
TEST(DuetPgStart, AKilledDuetLeavesNoServerAndNoDirectory) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  ServerProcess duet;
  std::string url, error;
  ASSERT_TRUE(duet.StartForLine(std::string(DUET_BINARY) + " pg start", "/", std::chrono::seconds(60), &url, &error))
      << error;
  std::string directory = url.substr(url.find("host=") + 5);
  directory = directory.substr(0, directory.find('&'));
  ASSERT_TRUE(std::filesystem::exists(directory)) << url;
  ASSERT_NE(duet.SignalAndWait(SIGKILL, std::chrono::seconds(10)), -1);
  // The server (SIGQUIT from its parent's death) and the cleanup process are now ours to reap.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int orphans = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t reaped = waitpid(-1, nullptr, WNOHANG);
    if (reaped > 0) {
      ++orphans;
      continue;
    }
    if (reaped < 0 && errno == ECHILD) break;  // nothing of duet's is left running
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1) << "a child of duet still runs 20 s after duet was killed";
  EXPECT_GE(orphans, 2) << "the server and the cleanup process";
  EXPECT_FALSE(std::filesystem::exists(directory)) << directory << " is left behind";
}

// `duet web check` exits 1 and names what is wrong, line by line.
TEST(DuetWebCheck, ExitsOneAndNamesTheFailuresOfAWrongServer) {
  ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(std::string("/usr/bin/python3 ") + DUET_TEST_FIXTURES "/web/wrong_server.py", "/",
                           std::chrono::seconds(10), &error))
      << error;
  std::string command = std::string(DUET_BINARY) + " web check --repeat 1 --port " + std::to_string(server.port());
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  EXPECT_TRUE(Contains(output, "/json                        ok"));
  EXPECT_TRUE(Contains(output, "/fortunes                    the fortunes page differs"));
  EXPECT_TRUE(Contains(output, "/queries?queries=501         expected an array of 500 worlds"));
}

}  // namespace
}  // namespace duet::testing
