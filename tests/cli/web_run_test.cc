// The web pairs through `duet run`, at a tiny size, against a real PostgreSQL: a whole pair (both
// sides, every TechEmpower test type, duet's own private cluster) ranked in the terminal and the
// JSON with the database statements each request cost; and a server that goes wrong under load
// reported as a failure showing the bad response, while its twin keeps its numbers.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/duet_command.h"
#include "db/postgres_fixture.h"

namespace duet::testing {
namespace {

nlohmann::json ParseStdout(const Outcome& outcome) {
  nlohmann::json doc = nlohmann::json::parse(outcome.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << "stdout is not JSON:\n" << outcome.out << "\nstderr:\n" << outcome.err;
  return doc;
}

const nlohmann::json* Ranking(const nlohmann::json& doc, const std::string& test) {
  for (const nlohmann::json& ranking : doc["web"]["rankings"]) {
    if (ranking["test"] == test) return &ranking;
  }
  return nullptr;
}

std::ptrdiff_t CountOf(const std::string& text, const std::string& needle) {
  std::ptrdiff_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

// The HTML page `duet report` writes for a run's JSON.
std::string ReportPage(const std::string& run_json, const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-web-report-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (name + ".json")) << run_json;
  Outcome written = Duet("report " + (dir / (name + ".json")).string() + " -o " + (dir / (name + ".html")).string());
  EXPECT_EQ(written.exit_code, 0) << written.err;
  return Slurp(dir / (name + ".html"));
}

const nlohmann::json* EntryFor(const nlohmann::json& ranking, const std::string& runtime) {
  for (const nlohmann::json& entry : ranking["entries"]) {
    if (entry["runtime"] == runtime) return &entry;
  }
  return nullptr;
}

TEST(WebRunTest, APairRunsEveryTestTypeAgainstItsOwnPrivateClusterAndIsRanked) {
  Outcome outcome = Duet(std::string("run ") + DUET_WEB_DIR +
                         "/node-http-aiohttp --size tiny --runs 1 --warmup 0 --no-history --json -");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  nlohmann::json doc = ParseStdout(outcome);
  ASSERT_TRUE(doc.contains("web")) << outcome.out;
  EXPECT_EQ(doc["web"]["database"]["kind"], "private PostgreSQL cluster");
  EXPECT_TRUE(doc["web"]["database"]["fsync"].is_string());
  EXPECT_TRUE(doc["web"]["database"]["synchronous_commit"].is_string());
  std::set<std::string> tests;
  for (const nlohmann::json& ranking : doc["web"]["rankings"]) {
    tests.insert(ranking["test"].get<std::string>());
    ASSERT_EQ(ranking["entries"].size(), 2u) << ranking.dump();
    for (const nlohmann::json& entry : ranking["entries"]) {
      EXPECT_TRUE(entry["error"].is_null()) << entry.dump();
      EXPECT_GT(entry.value("throughput_rps", 0.0), 0) << entry.dump();
      // The room counts deliveries: 40 messages, each to both members.
      EXPECT_EQ(entry["requests"], ranking["test"] == "ws-room" ? 80 : 40) << entry.dump();
      EXPECT_GT(entry["cpu_per_request_ns"].get<double>(), 0) << entry.dump();
      // One iteration: the interval of its median is that one figure.
      ASSERT_TRUE(entry["throughput_rps_ci95"].is_array()) << entry.dump();
      EXPECT_EQ(entry["throughput_rps_ci95"][0], entry["throughput_rps"]) << entry.dump();
      EXPECT_EQ(entry["throughput_rps_ci95"][1], entry["throughput_rps"]) << entry.dump();
      EXPECT_TRUE(entry["cpu_per_request_ns_ci95"].is_array()) << entry.dump();
    }
    EXPECT_EQ(ranking["entries"][0]["rank"], 1);
    EXPECT_EQ(ranking["entries"][1]["rank"], 2);
    EXPECT_GE(ranking["entries"][0]["throughput_rps"].get<double>(), ranking["entries"][1]["throughput_rps"].get<double>());
  }
  EXPECT_EQ(tests, (std::set<std::string>{"json", "plaintext", "db", "queries-1", "queries-5", "queries-20", "fortunes",
                                          "updates-1", "updates-20", "ws-room"}));
  // Both servers passed the verifier and answered its deterministic requests alike (the room
  // has no verifier pass).
  ASSERT_EQ(doc["workloads"].size(), 10u);
  for (const nlohmann::json& w : doc["workloads"]) {
    if (w["web"]["label"] == "ws-room") EXPECT_TRUE(w["bodies_match"].is_null()) << w["name"];
    else EXPECT_EQ(w["bodies_match"], true) << w["name"];
  }
  // The WebSocket room: ws against aiohttp, every delivery counted, no database.
  const nlohmann::json* room = Ranking(doc, "ws-room");
  ASSERT_NE(room, nullptr);
  EXPECT_EQ((*room)["mode"], "ws-room");
  EXPECT_EQ((*room)["unit"], "deliveries");
  EXPECT_EQ((*room)["target"], "/room");
  EXPECT_EQ((*EntryFor(*room, "v8"))["framework"], "ws (on node:http)");
  EXPECT_EQ((*EntryFor(*room, "cpython"))["framework"], "aiohttp");
  for (const nlohmann::json& entry : (*room)["entries"]) EXPECT_TRUE(entry["db_statements_per_request"].is_null());
  EXPECT_EQ((*Ranking(doc, "json"))["unit"], "requests");
  // pg_stat_statements, exact: node-postgres runs one statement per world read and one batched
  // UPDATE; asyncpg runs at least as many (its pool also resets a connection it takes back).
  struct Expected {
    const char* test;
    double statements;
  };
  for (Expected expected : {Expected{"json", 0}, Expected{"db", 1}, Expected{"queries-5", 5}, Expected{"fortunes", 1},
                            Expected{"updates-20", 21}}) {
    const nlohmann::json* ranking = Ranking(doc, expected.test);
    ASSERT_NE(ranking, nullptr) << expected.test;
    const nlohmann::json* js = EntryFor(*ranking, "v8");
    const nlohmann::json* py = EntryFor(*ranking, "cpython");
    ASSERT_TRUE(js && py);
    EXPECT_EQ((*js)["db_statements_per_request"], expected.statements) << expected.test;
    EXPECT_GE((*py)["db_statements_per_request"].get<double>(), expected.statements) << expected.test;
  }
  // Plaintext was pipelined 16 deep.
  EXPECT_EQ((*Ranking(doc, "plaintext"))["pipeline"], 16);
  EXPECT_NE(outcome.err.find("web: TechEmpower's test types, ranked by requests/s"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("queries-20 (GET /queries?queries=20)"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("plaintext (GET /plaintext, pipelined 16 deep)"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("ws-room (a WebSocket room at /room, each message to every client)"), std::string::npos)
      << outcome.err;

  // `duet report` draws the same ranking: per test a chart (a bar and an interval per side) and
  // a table, labelled with the framework and its pair.
  std::string page = ReportPage(outcome.out, "ranked");
  EXPECT_EQ(CountOf(page, "<section id=\"web\""), 1) << page;
  EXPECT_EQ(CountOf(page, "<svg class=\"chart web-chart\""), 10);
  EXPECT_EQ(CountOf(page, "<rect class=\"web-bar\""), 20);
  EXPECT_EQ(CountOf(page, ">node:http (node-http-aiohttp)<"), 18);  // per test, the chart's label and the table's
  EXPECT_NE(page.find("<h3>plaintext <small>GET /plaintext, pipelined 16 deep</small></h3>"), std::string::npos);
  EXPECT_NE(page.find("<th>dlv/s</th>"), std::string::npos);
}

// `duet claims` takes the web servers into its verdicts: it starts the private cluster as `duet
// run` does, and judges the real-time claim on the room's deliveries per second, V8 over CPython.
TEST(WebRunTest, ClaimsStartTheDatabaseAndJudgeTheRoomOnItsDeliveries) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-web-claims-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Outcome outcome = Duet("claims --filter '^real-time$' --size tiny --runs 2 --warmup 0 --no-history --json " +
                         (dir / "verdicts.json").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.err.find("web: private PostgreSQL cluster ready"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("ws-room (a WebSocket room at /room"), std::string::npos) << outcome.err;
  nlohmann::json doc = nlohmann::json::parse(Slurp(dir / "verdicts.json"));
  const nlohmann::json& claim = doc["claims"][0];
  EXPECT_EQ(claim["id"], "real-time");
  const nlohmann::json& evidence = claim["conditions"][0]["evidence"][0];
  EXPECT_EQ(evidence["workload"], "web/node-http-aiohttp:ws-room");
  EXPECT_TRUE(evidence["measured"].get<bool>()) << evidence.dump();
  EXPECT_GT(evidence["value"].get<double>(), 0) << evidence.dump();
  EXPECT_EQ(evidence["ci95"].size(), 2u) << evidence.dump();
  EXPECT_EQ(doc["run"]["web"]["database"]["kind"], "private PostgreSQL cluster");
  EXPECT_NE(outcome.out.find("V8/CPython throughput above 1.00"), std::string::npos) << outcome.out;
}

// The database this test starts (--pg-url), shared with nothing else.
class WebRunWithDatabaseTest : public TechEmpowerTest {
 protected:
  // `duet run` of one test of a fixture pair whose JS side goes wrong under load: the run fails,
  // the JS side has a reason and no number, its Python twin (aiohttp) is ranked first with its
  // numbers. Returns the JS side's error; `doc` gets the run's JSON.
  std::string RunWhereJsGoesWrong(const std::string& fixture, const std::string& test, int runs, Outcome* outcome,
                                  nlohmann::json* doc) {
    *outcome = Duet(std::string("run ") + DUET_TEST_FIXTURES + "/web/" + fixture + " --filter ':" + test + "$' --runs " +
                    std::to_string(runs) + " --warmup 0 --no-history --json - --pg-url '" + db_->admin_url() + "'");
    EXPECT_EQ(outcome->exit_code, 1) << outcome->err;
    *doc = ParseStdout(*outcome);
    if (doc->is_discarded() || (*doc)["workloads"].size() != 1u) {
      ADD_FAILURE() << outcome->out;
      return "";
    }
    const nlohmann::json& workload = (*doc)["workloads"][0];
    EXPECT_EQ(workload["name"], fixture + ":" + test);
    EXPECT_EQ(workload["error"]["runtime"], "v8");
    const nlohmann::json* ranking = Ranking(*doc, test);
    const nlohmann::json* js = ranking ? EntryFor(*ranking, "v8") : nullptr;
    const nlohmann::json* py = ranking ? EntryFor(*ranking, "cpython") : nullptr;
    if (!js || !py) {
      ADD_FAILURE() << "no ranking of both sides for " << test << ": " << doc->dump();
      return "";
    }
    EXPECT_TRUE((*js)["rank"].is_null());
    EXPECT_FALSE(js->contains("throughput_rps")) << js->dump();
    std::string message = workload["error"]["message"].get<std::string>();
    EXPECT_NE((*js)["error"].get<std::string>().find(message), std::string::npos) << (*js)["error"] << " vs " << message;
    EXPECT_EQ((*py)["rank"], 1) << py->dump();
    EXPECT_GT((*py)["throughput_rps"].get<double>(), 0);
    EXPECT_NE(outcome->err.find("FAILED: "), std::string::npos) << outcome->err;
    return message;
  }
};

TEST_F(WebRunWithDatabaseTest, AServerThatGoesWrongUnderLoadFailsWithItsBadResponseAndItsTwinKeepsItsNumbers) {
  Outcome outcome;
  nlohmann::json doc;
  std::string error = RunWhereJsGoesWrong("turns-wrong", "json", 2, &outcome, &doc);
  EXPECT_NE(error.find("wrong_response"), std::string::npos) << error;
  EXPECT_NE(error.find("Hello, World?"), std::string::npos) << error;
  EXPECT_EQ(doc["web"]["database"]["kind"], "--pg-url");
  // The page too: one bar (the measured side), and the failed side's row with its reason.
  std::string page = ReportPage(outcome.out, "turns-wrong");
  EXPECT_EQ(CountOf(page, "<rect class=\"web-bar\""), 1);
  EXPECT_EQ(CountOf(page, "<td colspan=\"8\">FAILED: "), 1) << page;
}

// A room that drops one delivery (the fifth message the server gets never reaches one member)
// fails that side, naming the message lost, while aiohttp's room keeps its numbers.
TEST_F(WebRunWithDatabaseTest, ARoomThatLosesAMessageFailsAndItsTwinKeepsItsNumbers) {
  Outcome outcome;
  nlohmann::json doc;
  std::string error = RunWhereJsGoesWrong("room-drops", "ws-room", 1, &outcome, &doc);
  EXPECT_NE(error.find("lost_message 1"), std::string::npos) << error;
  // "client C got message N of client S without message M before it"
  EXPECT_NE(error.find(" before it"), std::string::npos) << error;
  EXPECT_EQ((*EntryFor(*Ranking(doc, "ws-room"), "cpython"))["requests"], 80);  // 40 messages, each to both members
}

}  // namespace
}  // namespace duet::testing
