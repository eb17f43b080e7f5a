// The web ranking; see web_ranking.h. Built from the results alone (their pair's "web" record and
// each runtime's load summary), so `duet report` on a saved run gets the same tables.
#include "report/web_ranking.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "harness/workload_pair.h"
#include "report/table.h"

namespace duet {
namespace {

nlohmann::json Entry(const WorkloadResult& r, const RuntimeResult& rt) {
  const nlohmann::json& frameworks = r.pair.web.value("frameworks", nlohmann::json::object());
  std::string framework = frameworks.value(std::string(RuntimeLanguage(rt.runtime)), std::string(RuntimeKey(rt.runtime)));
  nlohmann::json entry = {{"framework", framework},
                          {"runtime", RuntimeKey(rt.runtime)},
                          {"workload", r.pair.category + "/" + r.pair.name},
                          {"pool", r.pair.params.value("pool", nlohmann::json())},
                          {"connections", r.pair.params.value("connections", nlohmann::json())}};
  // A failure is never a number: the side's own error, or the pair's when the side has none.
  Status error = !rt.error.ok() ? rt.error : Status::Ok();
  if (error.ok() && (rt.load.is_null() || rt.load.value("iterations", 0) == 0)) {
    error = !r.error.ok() ? r.error : Status::Error("no measured iteration");
  }
  if (!error.ok()) {
    entry["error"] = error.ToString();
    return entry;
  }
  const nlohmann::json& load = rt.load;
  entry["error"] = nullptr;
  entry["throughput_rps"] = load["throughput_rps"];
  entry["throughput_rps_ci95"] = load.value("throughput_rps_ci95", nlohmann::json());
  entry["latency_ns"] = {{"p50", load["latency_ns"]["p50"]}, {"p99", load["latency_ns"]["p99"]}, {"p999", load["latency_ns"]["p999"]}};
  entry["cpu_per_request_ns"] = load["cpu_per_message_ns"];
  entry["process_cpu_per_request_ns"] = load.value("process_cpu_per_message_ns", nlohmann::json());
  // The interval of the CPU figure the ranking shows: the whole server process's where measured.
  entry["cpu_per_request_ns_ci95"] = load.value("process_cpu_per_message_ns", nlohmann::json()).is_number()
                                         ? load.value("process_cpu_per_message_ns_ci95", nlohmann::json())
                                         : load.value("cpu_per_message_ns_ci95", nlohmann::json());
  entry["rss_bytes_max"] = load.value("rss_bytes_max", nlohmann::json());
  entry["db_statements_per_request"] = load.value("db_statements_per_request", nlohmann::json());
  entry["requests"] = load["requests"];
  return entry;
}

}  // namespace

WebRankingCells RankingCells(const nlohmann::json& e) {
  WebRankingCells cells;
  std::string workload = e["workload"].get<std::string>();
  size_t slash = workload.find('/') + 1;
  cells.pair = workload.substr(slash, workload.rfind(':') - slash);
  if (!e["error"].is_null()) return cells;
  // The interval of the median over the iterations: rows whose intervals overlap are not told apart.
  const nlohmann::json& ci = e["throughput_rps_ci95"];
  const nlohmann::json& cpu = e["process_cpu_per_request_ns"].is_number() ? e["process_cpu_per_request_ns"]
                                                                           : e["cpu_per_request_ns"];
  cells.throughput = fmt::format("{:.0f}", e["throughput_rps"].get<double>());
  cells.interval = ci.is_array() ? fmt::format("{:.0f}-{:.0f}", ci[0].get<double>(), ci[1].get<double>()) : "-";
  cells.p50 = FormatDuration(e["latency_ns"]["p50"].get<uint64_t>());
  cells.p99 = FormatDuration(e["latency_ns"]["p99"].get<uint64_t>());
  cells.p999 = FormatDuration(e["latency_ns"]["p999"].get<uint64_t>());
  cells.cpu = FormatDuration(static_cast<uint64_t>(cpu.get<double>()));
  cells.rss = e["rss_bytes_max"].is_number() ? FormatBytes(e["rss_bytes_max"].get<double>()) : "-";
  cells.statements = e["db_statements_per_request"].is_number()
                         ? fmt::format("{:.2f}", e["db_statements_per_request"].get<double>())
                         : "-";
  return cells;
}

std::string WebRankingTitle(const nlohmann::json& ranking) {
  std::string target = ranking["target"].get<std::string>();
  if (ranking.value("mode", "http") == std::string(LoadModeName(LoadMode::kRoom))) {
    return fmt::format("a WebSocket room at {}, each message to every client", target);
  }
  int pipeline = ranking["pipeline"].get<int>();
  return fmt::format("GET {}{}", target, pipeline > 1 ? fmt::format(", pipelined {} deep", pipeline) : "");
}

std::string WebRankingUnit(const nlohmann::json& ranking) {
  return ranking.value("unit", "requests") == "deliveries" ? "dlv" : "req";
}

nlohmann::json WebRankingJson(const std::vector<WorkloadResult>& results) {
  nlohmann::json rankings = nlohmann::json::array();
  for (const WebTest& test : WebTests()) {
    nlohmann::json entries = nlohmann::json::array();
    for (const WorkloadResult& r : results) {
      if (!r.pair.is_web() || r.pair.web.value("label", "") != test.label) continue;
      for (const RuntimeResult& rt : r.runtimes) entries.push_back(Entry(r, rt));
    }
    if (entries.empty()) continue;
    // Measured entries by throughput, highest first; failures after them, in run order.
    std::stable_sort(entries.begin(), entries.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      bool a_ok = a["error"].is_null(), b_ok = b["error"].is_null();
      if (a_ok != b_ok) return a_ok;
      return a_ok && a["throughput_rps"].get<double>() > b["throughput_rps"].get<double>();
    });
    int rank = 0;
    for (nlohmann::json& e : entries) e["rank"] = e["error"].is_null() ? nlohmann::json(++rank) : nlohmann::json();
    rankings.push_back({{"test", test.label}, {"check", test.test}, {"target", test.target},
                        {"pipeline", test.pipeline}, {"mode", LoadModeName(test.mode)}, {"unit", test.unit()},
                        {"entries", entries}});
  }
  return rankings;
}

std::string FormatWebRanking(const std::vector<WorkloadResult>& results, const nlohmann::json& database) {
  nlohmann::json rankings = WebRankingJson(results);
  if (rankings.empty()) return "";
  std::string text = "\nweb: TechEmpower's test types, ranked by requests/s (the WebSocket room by deliveries/s)";
  if (database.is_object()) {
    text += fmt::format(" (PostgreSQL: {}, fsync {}, synchronous_commit {})", database.value("kind", "?"),
                        database.value("fsync", "?"), database.value("synchronous_commit", "?"));
  }
  text += "\n";
  for (const nlohmann::json& ranking : rankings) {
    std::string unit = WebRankingUnit(ranking);
    text += fmt::format("\n{} ({})\n", ranking["test"].get<std::string>(), WebRankingTitle(ranking));
    text += fmt::format("  {:>2}  {:<30} {:<8} {:>9} {:>15} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9}\n", "#", "framework",
                        "runtime", unit + "/s", "95% interval", "p50", "p99", "p99.9", "CPU/" + unit, "RSS",
                        "DB st/" + unit);
    // CPU/req: every server thread (waitress's workers too), so the WSGI servers compare fairly.
    // A framework in two pairs (Fastify) is measured twice: its pair tells the rows apart.
    std::map<std::string, int> seen;
    for (const nlohmann::json& e : ranking["entries"]) ++seen[e["framework"].get<std::string>()];
    for (const nlohmann::json& e : ranking["entries"]) {
      WebRankingCells cells = RankingCells(e);
      std::string framework = e["framework"].get<std::string>();
      if (seen[framework] > 1) framework += " (" + cells.pair + ")";
      std::string runtime = e["runtime"].get<std::string>();
      if (!e["error"].is_null()) {
        text += fmt::format("  {:>2}  {:<30} {:<8} FAILED: {}\n", "-", framework, runtime, e["error"].get<std::string>());
        continue;
      }
      text += fmt::format("  {:>2}  {:<30} {:<8} {:>9} {:>15} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9}\n",
                          e["rank"].get<int>(), framework, runtime, cells.throughput, cells.interval, cells.p50,
                          cells.p99, cells.p999, cells.cpu, cells.rss, cells.statements);
    }
  }
  return text;
}

}  // namespace duet
