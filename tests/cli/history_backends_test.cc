// The history on both backends end to end through the duet command, against a real private
// PostgreSQL cluster the suite starts: the same runs recorded, listed, read back, reported and
// compared on SQLite and PostgreSQL; export/import between them losing nothing; schema
// migrations at connect time; machine fingerprints in compare and `history --machine`; and a
// --db that duet cannot serve being an error instead of a stray file.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "cli/duet_command.h"
#include "cli/synthetic_run.h"
#include "db/postgres_fixture.h"

namespace duet::testing {
namespace {

const std::string kGood = (std::filesystem::path(DUET_TEST_FIXTURES) / "workloads" / "good").string();
const std::string kThrows = (std::filesystem::path(DUET_TEST_FIXTURES) / "workloads" / "bad" / "throws").string();

using HistoryBackendsTest = PostgresTest;

nlohmann::json ListJson(const std::string& db, const std::string& extra = "") {
  Outcome listed = Duet("history --json --db '" + db + "' " + extra);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  return nlohmann::json::parse(listed.out, nullptr, false);
}

// The "run" documents of an export, in order: what must survive a move between backends.
nlohmann::json ExportedRuns(const std::string& db, const std::filesystem::path& file) {
  Outcome exported = Duet("history export -o " + file.string() + " --db '" + db + "'");
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  nlohmann::json doc = nlohmann::json::parse(Slurp(file));
  EXPECT_EQ(doc["schema"], "duet-history/1");
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& entry : doc["runs"]) runs.push_back(entry["run"]);
  return runs;
}

TEST_F(HistoryBackendsTest, RunsAreRecordedListedReadBackReportedAndComparedOnPostgres) {
  auto dir = TestDir();
  std::string url = NewDatabase();
  Outcome first = Duet("run " + kGood + "/double --runs 5 --warmup 0 --db '" + url + "' --json " + (dir / "a.json").string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("history: run 1 appended to postgresql:///"), std::string::npos) << first.err;
  // DUET_DB may name the server as well as --db.
  Outcome second = Shell("DUET_DB='" + url + "' " + DUET_BINARY + " run " + kGood + "/double --runs 7 --warmup 0");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("history: run 2 appended to postgresql:///"), std::string::npos) << second.err;

  nlohmann::json runs = ListJson(url);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["id"], 1);
  EXPECT_EQ(runs[1]["workload_count"], 1);
  EXPECT_EQ(runs[1]["workloads"][0]["workload"], "good/double");
  EXPECT_GT(runs[1]["workloads"][0]["v8_median_ns"].get<int64_t>(), 0);
  EXPECT_EQ(ListJson(url, "--workload nothing-matches").size(), 0u);

  Outcome exported = Duet("report 1 --export json -o " + (dir / "b.json").string() + " --db '" + url + "'");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(nlohmann::json::parse(Slurp(dir / "a.json")), nlohmann::json::parse(Slurp(dir / "b.json")));
  Outcome table = Duet("report latest --export table --db '" + url + "'");
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("good/double"), std::string::npos) << table.out;

  Outcome compared = Duet("compare 1 latest --db '" + url + "'");
  EXPECT_EQ(compared.exit_code, 0) << compared.err;
  EXPECT_NE(compared.out.find("A: history run 1"), std::string::npos) << compared.out;
  EXPECT_NE(compared.out.find("B: history run 2"), std::string::npos) << compared.out;
  EXPECT_EQ(compared.out.find("across machines"), std::string::npos) << compared.out;
}

TEST_F(HistoryBackendsTest, ExportAndImportMoveRunsBetweenBackendsLosingNothing) {
  auto dir = TestDir();
  std::string sqlite = (dir / "first.sqlite").string(), url = NewDatabase(), back = (dir / "back.sqlite").string();
  // Real runs (with a failing workload) and synthetic ones with 60 samples a side.
  ASSERT_EQ(Duet("run " + kGood + "/double --runs 4 --warmup 0 --db " + sqlite).exit_code, 0);
  ASSERT_EQ(Duet("run " + kGood + "/double " + kThrows + " --runs 3 --warmup 0 --db " + sqlite).exit_code, 1);
  nlohmann::json synthetic = SyntheticRun({{"synthetic", "a", 1e6, 3e6}, {"synthetic", "b", 2e3, 9e3}}, 7);
  WriteText(dir / "synthetic.json",
            nlohmann::json({{"schema", "duet-history/1"}, {"runs", {{{"id", 1}, {"run", synthetic}}}}}).dump());
  ASSERT_EQ(Duet("history import " + (dir / "synthetic.json").string() + " --db " + sqlite).exit_code, 0);

  nlohmann::json from_sqlite = ExportedRuns(sqlite, dir / "1.json");
  ASSERT_EQ(from_sqlite.size(), 3u);
  EXPECT_EQ(from_sqlite[2], synthetic);
  Outcome imported = Duet("history import " + (dir / "1.json").string() + " --db '" + url + "'");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("imported 3 run(s) into postgresql:///"), std::string::npos) << imported.err;
  nlohmann::json from_postgres = ExportedRuns(url, dir / "2.json");
  EXPECT_EQ(from_postgres, from_sqlite);
  ASSERT_EQ(Duet("history import " + (dir / "2.json").string() + " --db " + back).exit_code, 0);
  EXPECT_EQ(ExportedRuns(back, dir / "3.json"), from_sqlite);

  // The listings agree too: every column, ids included, since both started empty.
  EXPECT_EQ(ListJson(url), ListJson(sqlite));
  EXPECT_EQ(ListJson(back), ListJson(sqlite));

  // An import is one transaction: a broken entry leaves the target as it was.
  WriteText(dir / "broken.json", R"({"schema": "duet-history/1", "runs": [{"id": 1, "run": {"schema": "duet-run/1"}}, {"id": 2}]})");
  Outcome broken = Duet("history import " + (dir / "broken.json").string() + " --db '" + url + "'");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("without its \"run\""), std::string::npos) << broken.err;
  EXPECT_EQ(ListJson(url).size(), 3u);
}

TEST_F(HistoryBackendsTest, MigrationsRunAtConnectOnBothBackendsAndANewerSchemaIsRefused) {
  auto dir = TestDir();
  // A history as duet wrote it before machine fingerprints: schema version 1, one run.
  std::string old_db = (dir / "v1.sqlite").string();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(old_db.c_str(), &raw), SQLITE_OK);
  nlohmann::json environment = SyntheticRun({}, 1)["environment"];
  std::string script =
      "CREATE TABLE runs(id INTEGER PRIMARY KEY, schema TEXT NOT NULL, timestamp TEXT, duet_version TEXT, "
      "git_commit TEXT, command_line TEXT, environment TEXT NOT NULL, calibration TEXT NOT NULL, warnings TEXT NOT NULL);"
      "CREATE TABLE workloads(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, position INTEGER NOT NULL, workload "
      "TEXT NOT NULL, failed INTEGER NOT NULL, results_match INTEGER, ratio REAL, ratio_low REAL, ratio_high REAL, "
      "document TEXT NOT NULL);"
      "CREATE TABLE statistics(workload_id INTEGER NOT NULL, runtime TEXT NOT NULL, count INTEGER NOT NULL, "
      "median_ns INTEGER, median_ci_low_ns INTEGER, median_ci_high_ns INTEGER, mean_ns INTEGER, stdev_ns INTEGER, "
      "min_ns INTEGER, max_ns INTEGER, q1_ns INTEGER, q3_ns INTEGER, outliers INTEGER, PRIMARY KEY(workload_id, runtime));"
      "CREATE TABLE samples(workload_id INTEGER NOT NULL, runtime TEXT NOT NULL, idx INTEGER NOT NULL, wall_ns INTEGER "
      "NOT NULL, cpu_ns INTEGER NOT NULL, PRIMARY KEY(workload_id, runtime, idx)) WITHOUT ROWID;"
      "INSERT INTO runs VALUES(1, 'duet-run/1', '2026-01-01T00:00:00Z', '0.1.0', 'abc', 'duet run', '" +
      environment.dump() + "', '{}', '[]'); PRAGMA user_version = 1;";
  ASSERT_EQ(sqlite3_exec(raw, script.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
  sqlite3_close(raw);
  nlohmann::json runs = ListJson(old_db);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["machine"].get<std::string>().size(), 12u) << "backfilled by migration 2";
  Outcome version = Shell("/usr/bin/python3 -c \"import sqlite3; print(sqlite3.connect('" + old_db +
                          "').execute('PRAGMA user_version').fetchone()[0])\"");
  EXPECT_EQ(version.out, "3\n") << version.err;

  std::string url = NewDatabase();
  ASSERT_EQ(ListJson(url).size(), 0u);
  std::unique_ptr<SqlDatabase> pg;
  ASSERT_TRUE(PostgresDatabase::Open(url, &pg).ok());
  SqlRows rows;
  ASSERT_TRUE(pg->Query("SELECT version FROM duet_schema", {}, &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 3);
  ASSERT_TRUE(pg->Exec("UPDATE duet_schema SET version = 99").ok());
  Outcome newer = Duet("history --db '" + url + "'");
  EXPECT_EQ(newer.exit_code, 1);
  EXPECT_NE(newer.err.find("written by a newer duet (schema version 99"), std::string::npos) << newer.err;
}

TEST_F(HistoryBackendsTest, ComparingAcrossMachinesIsRefusedUnlessAskedAndHistoryFiltersByMachine) {
  auto dir = TestDir();
  std::string url = NewDatabase();
  nlohmann::json here = SyntheticRun({{"synthetic", "shift", 1e6, 3e6}}, 1);
  nlohmann::json there = SyntheticRun({{"synthetic", "shift", 1e6, 3e6}}, 2);
  there["environment"]["machine"]["cpu_model"] = "another CPU";
  there["environment"]["versions"]["v8"] = "11.3";
  std::string a = WriteRun(dir / "here.json", here), b = WriteRun(dir / "there.json", there);

  Outcome refused = Duet("compare " + a + " " + b);
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("not comparable"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("cpu_model: \"synthetic\" -> \"another CPU\""), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--cross-machine"), std::string::npos) << refused.err;
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  Outcome allowed = Duet("compare " + a + " " + b + " --cross-machine");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_NE(allowed.out.find("across machines"), std::string::npos) << allowed.out;
  EXPECT_NE(allowed.out.find("v8: \"10.2\" -> \"11.3\""), std::string::npos) << allowed.out;
  EXPECT_NE(allowed.out.find("synthetic/shift"), std::string::npos) << allowed.out;

  // In the history: two machines, and a real run on this one.
  WriteText(dir / "both.json", nlohmann::json({{"schema", "duet-history/1"},
                                               {"runs", {{{"id", 1}, {"run", here}}, {{"id", 2}, {"run", there}}}}})
                                   .dump());
  ASSERT_EQ(Duet("history import " + (dir / "both.json").string() + " --db '" + url + "'").exit_code, 0);
  ASSERT_EQ(Duet("run " + kGood + "/double --runs 3 --warmup 0 --no-history --json " + (dir / "real.json").string())
                .exit_code, 0);
  ASSERT_EQ(Duet("run " + kGood + "/double --runs 3 --warmup 0 --db '" + url + "'").exit_code, 0);
  nlohmann::json all = ListJson(url);
  ASSERT_EQ(all.size(), 3u);
  std::string machine_there = all[1]["machine"];
  EXPECT_NE(all[0]["machine"], machine_there);
  nlohmann::json filtered = ListJson(url, "--machine " + machine_there.substr(0, 6));
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0]["id"], 2);
  nlohmann::json this_machine = ListJson(url, "--machine this");
  ASSERT_EQ(this_machine.size(), 1u);
  EXPECT_EQ(this_machine[0]["id"], 3);
  // The real run's JSON carries the fingerprint and what it is made of.
  nlohmann::json machine = nlohmann::json::parse(Slurp(dir / "real.json"))["environment"]["machine"];
  EXPECT_EQ(machine["fingerprint"], this_machine[0]["machine"]);
  EXPECT_GT(machine["memory_bytes"].get<int64_t>(), 0);
  Outcome refused_in_history = Duet("compare 1 2 --db '" + url + "'");
  EXPECT_EQ(refused_in_history.exit_code, 2) << refused_in_history.err;
}

TEST(HistoryLocationTest, AUrlDuetCannotServeIsAnErrorNotAStrayFile) {
  auto dir = TestDir();
  std::string in_dir = "cd " + dir.string() + " && ";
  Outcome mysql = Shell(in_dir + DUET_BINARY + " history --db mysql://localhost/duet");
  EXPECT_EQ(mysql.exit_code, 1);
  EXPECT_NE(mysql.err.find("mysql:// URL, which duet cannot serve"), std::string::npos) << mysql.err;
  // A PostgreSQL server that is not there: a connection error, and no folder named "postgresql:".
  Outcome absent = Shell(in_dir + DUET_BINARY + " history --db 'postgresql:///duet?host=" + dir.string() + "'");
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_NE(absent.err.find("cannot connect"), std::string::npos) << absent.err;
  Outcome run = Shell(in_dir + "DUET_DB='postgresql://u:secret@/duet?host=" + dir.string() + "' " + DUET_BINARY +
                      " run " + kGood + "/double --runs 1 --warmup 0");
  EXPECT_EQ(run.exit_code, 0) << "the measurement stands: " << run.err;
  EXPECT_NE(run.err.find("the run was not recorded"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("secret"), std::string::npos) << "passwords stay out of messages: " << run.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "nothing created in the working directory";
}

}  // namespace
}  // namespace duet::testing
