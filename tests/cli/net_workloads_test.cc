// Network pairs through `duet run` (docs/net-workloads.md): every net/ workload at the tiny size in
// both runtimes, with the load generator's figures in the JSON and the table, and the failures a
// network pair can have (no port, a bad "load" block, a server that drops connections) reported.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::string kSource = DUET_SOURCE_DIR;
constexpr int kRuns = 3;

class NetWorkloadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    json_path_ = new std::string(::testing::TempDir() + "/net-" + std::to_string(getpid()) + ".json");
    outcome_ = new Outcome(Duet("run " + kSource + "/workloads/net --size tiny --runs " + std::to_string(kRuns) +
                                " --warmup 1 --no-history --json " + *json_path_));
    doc_ = new nlohmann::json(nlohmann::json::parse(Slurp(*json_path_), nullptr, /*allow_exceptions=*/false));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    delete doc_;
    delete json_path_;
  }
  static const nlohmann::json* Find(const std::string& name) {
    for (const auto& w : (*doc_)["workloads"]) {
      if (w["name"] == name) return &w;
    }
    return nullptr;
  }
  static inline Outcome* outcome_ = nullptr;
  static inline nlohmann::json* doc_ = nullptr;
  static inline std::string* json_path_ = nullptr;
};

TEST_F(NetWorkloadsTest, EveryPairServesExactlyTheGeneratedTrafficInBothRuntimes) {
  ASSERT_EQ(outcome_->exit_code, 0) << outcome_->out << outcome_->err;
  ASSERT_FALSE(doc_->is_discarded());
  for (const char* name : {"tcp-echo", "http-hello", "idle-connections", "fan-out", "http-workers"}) {
    const nlohmann::json* w = Find(name);
    ASSERT_NE(w, nullptr) << name;
    EXPECT_TRUE((*w)["error"].is_null()) << name << ": " << (*w)["error"].dump();
    EXPECT_EQ((*w)["results_match"], true) << name;
    const nlohmann::json& params = (*w)["params"];
    for (const char* rt : {"v8", "cpython"}) {
      const nlohmann::json& r = (*w)["runtimes"][rt];
      SCOPED_TRACE(std::string(name) + " " + rt);
      EXPECT_EQ(r["verified"], true);
      ASSERT_TRUE(r["load"].is_object()) << r.dump();
      const nlohmann::json& load = r["load"];
      EXPECT_EQ(load["connections"], params["connections"]);
      EXPECT_EQ(load["iterations"], kRuns);
      // Exact: request-bounded runs answer every request, and the warmup is not counted.
      uint64_t per_iteration = load["requests_per_iteration"].get<uint64_t>();
      EXPECT_EQ(per_iteration, params.contains("requests") ? params["requests"].get<uint64_t>()
                                                           : params["connections"].get<uint64_t>());
      EXPECT_EQ(load["requests"].get<uint64_t>(), kRuns * per_iteration);
      EXPECT_EQ(load["unfinished"], 0);
      EXPECT_GT(load["throughput_rps"].get<double>(), 0);
      EXPECT_GT(load["cpu_per_message_ns"].get<double>(), 0);
      // The medians' 95% intervals over the iterations hold the medians.
      for (const char* figure : {"throughput_rps", "cpu_per_message_ns"}) {
        const nlohmann::json& ci = load[std::string(figure) + "_ci95"];
        ASSERT_TRUE(ci.is_array()) << figure << load.dump();
        EXPECT_LE(ci[0].get<double>(), load[figure].get<double>()) << figure;
        EXPECT_GE(ci[1].get<double>(), load[figure].get<double>()) << figure;
      }
      const nlohmann::json& latency = load["latency_ns"];
      EXPECT_GT(latency["p50"].get<uint64_t>(), 0u);
      EXPECT_LE(latency["p50"].get<uint64_t>(), latency["p90"].get<uint64_t>());
      EXPECT_LE(latency["p90"].get<uint64_t>(), latency["p99"].get<uint64_t>());
      EXPECT_LE(latency["p99"].get<uint64_t>(), latency["p999"].get<uint64_t>());
      EXPECT_LE(latency["p999"].get<uint64_t>(), latency["max"].get<uint64_t>());
      EXPECT_EQ(r["samples_ns"].size(), static_cast<size_t>(kRuns));
      EXPECT_EQ(load["rss_per_connection_bytes"].is_number(), std::string(name) == "idle-connections");
      // Only http-workers serves from processes of its own; their CPU is in the process figure.
      EXPECT_EQ(load["children"].is_object(), std::string(name) == "http-workers") << load["children"];
    }
  }
  // http-workers: its 2 worker processes, each side its own (cluster workers re-running duet;
  // /usr/bin/python3 children), with their memory, and the CPU they spent serving.
  const nlohmann::json* workers = Find("http-workers");
  ASSERT_NE(workers, nullptr);
  for (const char* rt : {"v8", "cpython"}) {
    const nlohmann::json& load = (*workers)["runtimes"][rt]["load"];
    SCOPED_TRACE(rt);
    EXPECT_EQ((*workers)["runtimes"][rt]["result"]["workers"], 2);
    ASSERT_TRUE(load["children"].is_object());
    EXPECT_EQ(load["children"]["processes"], 2);
    EXPECT_GT(load["children"]["rss_bytes_per_process"].get<double>(), 1 << 20);
    // Starting an interpreter in a new process takes milliseconds, not microseconds, on any machine.
    EXPECT_GT(load["children"]["start_ns_per_process"].get<double>(), 1e6);
    EXPECT_GT(load["children"]["cpu_per_message_ns"].get<double>(), 0);
    EXPECT_GE(load["process_cpu_per_message_ns"].get<double>(), load["children"]["cpu_per_message_ns"].get<double>());
  }
  // fan-out: each request waits for its timers, so p50 is at least the timer delay.
  const nlohmann::json* fan = Find("fan-out");
  ASSERT_NE(fan, nullptr);
  uint64_t delay_ns = (*fan)["params"]["delay_ms"].get<uint64_t>() * 1000000;
  for (const char* rt : {"v8", "cpython"}) EXPECT_GE((*fan)["runtimes"][rt]["load"]["latency_ns"]["p50"].get<uint64_t>(), delay_ns) << rt;
}

TEST_F(NetWorkloadsTest, TheTableShowsThroughputAndCpuPerRequest) {
  EXPECT_NE(outcome_->out.find("req/s"), std::string::npos) << outcome_->out;
  EXPECT_NE(outcome_->out.find("CPU/req"), std::string::npos) << outcome_->out;
  EXPECT_NE(outcome_->out.find("RSS/conn"), std::string::npos) << outcome_->out;
}

TEST_F(NetWorkloadsTest, TheTableFits150ColumnsOrTheTerminalsWidth) {
  ASSERT_EQ(outcome_->exit_code, 0) << outcome_->err;
  // Off a terminal (here stdout is a file): at most 150 columns, the load figures wrapped onto
  // more lines of their row. Unwrapped, the net rows were about 240 columns wide.
  EXPECT_LE(WidestLine(outcome_->out), 150u) << outcome_->out;
  std::string table = std::string(DUET_BINARY) + " report " + *json_path_ + " --export table";
  std::string narrow = OnTerminal(table, 120);
  EXPECT_LE(WidestLine(narrow), 120u) << narrow;
  EXPECT_GT(std::count(narrow.begin(), narrow.end(), '\n'), std::count(outcome_->out.begin(), outcome_->out.end(), '\n'))
      << "a narrower terminal wraps more:\n" << narrow << "\nthan 150 columns:\n" << outcome_->out;
  // A terminal wide enough for every cell: one line per workload under the header, then the
  // note on whose GC the js column counts.
  std::string wide = OnTerminal(table, 400);
  EXPECT_GT(WidestLine(wide), 150u) << wide;
  EXPECT_EQ(std::count(wide.begin(), wide.end(), '\n'), 7) << wide;
}

TEST_F(NetWorkloadsTest, TheJsonValidatesAgainstTheDocumentedSchema) {
  std::string command = "/usr/bin/python3 " + kSource + "/tests/cli/check_schema.py " + kSource +
                        "/docs/duet-run.schema.json " + *json_path_;
  EXPECT_EQ(std::system(command.c_str()), 0);
}

// The standalone drivers serve on their own loop while `duet load` runs as a child process; the
// servers count the same traffic as in duet. idle-connections is measured in duet only (docs/net-workloads.md).
TEST_F(NetWorkloadsTest, EchoAndHttpPairsRunInStandaloneNodeAndPython) {
  for (const auto& [runner, driver, runtime] : {std::tuple{std::string(DUET_NODE_BASELINE), "driver.mjs", "v8"},
                                                std::tuple{std::string("/usr/bin/python3"), "driver.py", "cpython"}}) {
    std::string path = ::testing::TempDir() + "/net-standalone-" + std::to_string(getpid()) + ".json";
    std::string command = "DUET_BIN=" + std::string(DUET_BINARY) + " " + runner + " " + kSource + "/tools/standalone/" +
                          driver + " --filter '(tcp-echo|http-hello|fan-out|http-workers)$' --size tiny --runs 2 --warmup 0 --json " +
                          path + " " + kSource + "/workloads/net >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    nlohmann::json doc = nlohmann::json::parse(Slurp(path), nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(doc.is_discarded()) << command;
    ASSERT_EQ(doc["workloads"].size(), 4u);
    for (const auto& w : doc["workloads"]) {
      const nlohmann::json* in_duet = Find(w["name"]);
      ASSERT_NE(in_duet, nullptr);
      EXPECT_EQ(w["runtimes"][runtime]["result"], (*in_duet)["runtimes"][runtime]["result"]) << w["name"] << " " << driver;
      EXPECT_EQ(w["runtimes"][runtime]["verified"], true) << w["name"] << " " << driver;
    }
  }
}

// No worker outlives the run that started it: cluster workers end with their IPC channel,
// SO_REUSEPORT children with their stdin, and teardown waits for both. The pair runs from a copy
// in a folder of its own, so that its processes are told apart from other tests' by their path.
TEST(NetWorkersTest, NoWorkerProcessOutlivesTheRun) {
  std::filesystem::path root = Scratch("workers-" + std::to_string(getpid()));
  std::filesystem::create_directories(root / "net");
  for (const char* pair : {"http-workers", "http-hello"}) {
    std::filesystem::copy(kSource + "/workloads/net/" + pair, root / "net" / pair, std::filesystem::copy_options::recursive);
  }
  std::filesystem::copy_file(kSource + "/workloads/package.json", root / "package.json");  // "type": "module"
  Outcome outcome = Duet("run " + (root / "net" / "http-workers").string() + " --size tiny --runs 1 --warmup 0 --no-history");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string cmdline = Slurp(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    EXPECT_EQ(cmdline.find(root.string()), std::string::npos) << entry.path() << ": " << cmdline;
  }
}

TEST(NetFailuresTest, NoPortABadLoadBlockAndDroppedConnectionsAreClearFailures) {
  auto [outcome, doc] = DuetJson("run " + kSource + "/tests/fixtures/net --runs 2 --warmup 0 --no-history");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.out;
  ASSERT_TRUE(doc.is_object()) << outcome.err;
  std::map<std::string, nlohmann::json> errors;
  for (const auto& w : doc["workloads"]) errors[w["name"]] = w["error"];
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors["no-port"]["message"].get<std::string>().find("\"port\""), std::string::npos) << errors["no-port"];
  EXPECT_NE(errors["no-port"]["file"].get<std::string>().find("no-port.js"), std::string::npos) << errors["no-port"];
  EXPECT_NE(errors["bad-load"]["message"].get<std::string>().find("\"mode\""), std::string::npos) << errors["bad-load"];
  EXPECT_NE(errors["bad-load"]["file"].get<std::string>().find("workload.json"), std::string::npos);
  EXPECT_NE(errors["resets"]["message"].get<std::string>().find("errors (EOF"), std::string::npos) << errors["resets"];
}

// bench/net.py at a tiny size: every server (the workload's own files in duet, node 18, python3 with
// uvloop and with the stock loop; the C floor) answers every request, and CPU per request
// comes from its main thread.
TEST(NetBenchTest, EveryServerAnswersEveryRequestAndTheRatiosArePrinted) {
  for (const char* workload : {"tcp-echo", "http-hello"}) {
    std::string json = ::testing::TempDir() + "/net-bench-" + std::to_string(getpid()) + ".json";
    std::string command = "/usr/bin/python3 " + kSource + "/bench/net.py --duet " + DUET_BINARY + " --workload " +
                          workload + " --rounds 1 --connections 2 --requests 200 --json " + json + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    nlohmann::json doc = nlohmann::json::parse(Slurp(json));
    ASSERT_EQ(doc["schema"], "duet-net-bench/1");
    for (const char* server : {"floor", "duet-js", "node18", "duet-py", "uvloop", "stock"}) {
      SCOPED_TRACE(std::string(workload) + " " + server);
      ASSERT_TRUE(doc["rounds"].contains(server));
      const auto& round = doc["rounds"][server][0];
      EXPECT_EQ(round["completed"], 200);
      EXPECT_EQ(round["errors"], 0);
      EXPECT_GT(round["per_second"].get<double>(), 0);
      EXPECT_GT(round["cpu_ns"].get<double>(), 0);
      EXPECT_LE(round["p50_us"].get<double>(), round["p99_us"].get<double>());
    }
    // The two user-time ratios are also given above the floor, where there is one.
    EXPECT_EQ(doc["ratios"].size(), 6u) << doc["ratios"].dump();
    const auto& medians = doc["medians"];
    EXPECT_DOUBLE_EQ(medians["stock"]["user_above_floor_ns"].get<double>(),
                     medians["stock"]["user_ns"].get<double>() - medians["floor"]["user_ns"].get<double>());
  }
}

// bench/net.py --workload node-http: a node:http server file in `duet exec` (Node itself) and in
// node 18, under duet load and under wrk, each answering without errors.
TEST(NetBenchTest, ANodeHttpServerIsMeasuredInDuetAndNode18UnderDuetLoadAndWrk) {
  for (const char* client : {"duet", "wrk"}) {
    std::string json = ::testing::TempDir() + "/net-bench-node-http-" + std::to_string(getpid()) + ".json";
    std::string command = "/usr/bin/python3 " + kSource + "/bench/net.py --duet " + DUET_BINARY +
                          " --workload node-http --rounds 1 --connections 2 --requests 200 --wrk-seconds 1 --client " +
                          client + " --json " + json + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    nlohmann::json doc = nlohmann::json::parse(Slurp(json));
    EXPECT_EQ(doc["rounds"].size(), 3u) << doc["rounds"].dump();  // floor, duet-js, node18
    for (const char* server : {"floor", "duet-js", "node18"}) {
      SCOPED_TRACE(std::string(client) + " " + server);
      const auto& round = doc["rounds"][server][0];
      EXPECT_GE(round["completed"].get<int>(), 200);
      EXPECT_EQ(round["errors"], 0);
      EXPECT_GT(round["cpu_ns"].get<double>(), 0);
    }
    EXPECT_EQ(doc["ratios"].size(), 2u) << doc["ratios"].dump();  // duet-js/node18: throughput, CPU per request
    for (const auto& ratio : doc["ratios"]) {  // one round: its own ratio is the ratio of the medians
      ASSERT_FALSE(ratio["per_round"].is_null()) << ratio.dump();
      EXPECT_EQ(ratio["per_round"]["rounds"], 1);
      EXPECT_DOUBLE_EQ(ratio["per_round"]["median"].get<double>(), ratio["value"].get<double>()) << ratio.dump();
    }
  }
}

}  // namespace
}  // namespace duet::testing
