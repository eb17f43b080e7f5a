// duet-run/1 serialisation and its inverse; see json_report.h and docs/json-output.md.
#include "report/json_report.h"
#include "report/counters_json.h"
#include "report/web_ranking.h"

#include <optional>

namespace duet {
namespace {

nlohmann::json ErrorJson(std::optional<RuntimeId> runtime, const Status& status) {
  if (status.ok()) return nullptr;
  return {{"runtime", runtime ? nlohmann::json(RuntimeKey(*runtime)) : nlohmann::json(nullptr)},
          {"file", status.file().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.file())},
          {"line", status.line() > 0 ? nlohmann::json(status.line()) : nlohmann::json(nullptr)},
          {"message", status.message()},
          {"detail", status.detail().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.detail())}};
}

Status ErrorFromJson(const nlohmann::json& error) {
  if (!error.is_object()) return Status::Ok();
  auto text = [&](const char* key) { return error.value(key, nlohmann::json()).is_string() ? error[key].get<std::string>() : ""; };
  int line = error.value("line", nlohmann::json()).is_number_integer() ? error["line"].get<int>() : 0;
  return Status::Error(text("message"), text("file"), line, text("detail"));
}

std::optional<nlohmann::json> Present(const nlohmann::json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null()) return std::nullopt;
  return object[key];
}

// An empty object is a runtime that failed before it had counters.
std::optional<EngineCounters> OptionalCounters(const nlohmann::json& counters, RuntimeId runtime) {
  if (!counters.is_object() || counters.empty()) return std::nullopt;
  return CountersFromJson(counters, runtime);
}

nlohmann::json SetupJson(const SetupCost& setup) {
  nlohmann::json out = nlohmann::json::object();
  if (setup.rss_delta_bytes) out["rss_delta_bytes"] = *setup.rss_delta_bytes;
  if (setup.counters) out["counters"] = CountersJson(*setup.counters);
  return out;
}

RuntimeResult RuntimeFromJson(RuntimeId runtime, const nlohmann::json& r) {
  RuntimeResult rr;
  rr.runtime = runtime;
  auto wall = r.value("samples_ns", std::vector<uint64_t>{});
  auto cpu = r.value("cpu_samples_ns", std::vector<uint64_t>{});
  for (size_t i = 0; i < wall.size(); ++i) rr.samples.Add({wall[i], i < cpu.size() ? cpu[i] : 0});
  rr.warmup = r.value("warmup", 0);
  rr.block_warmups = r.value("block_warmups", 0);
  rr.result = Present(r, "result");
  if (auto verified = Present(r, "verified")) rr.verified = verified->get<bool>();
  rr.counters = OptionalCounters(r.value("counters", nlohmann::json::object()), runtime);
  const nlohmann::json setup = r.value("setup", nlohmann::json::object());
  if (auto rss = Present(setup, "rss_delta_bytes")) rr.setup.rss_delta_bytes = rss->get<int64_t>();
  rr.setup.counters = OptionalCounters(setup.value("counters", nlohmann::json::object()), runtime);
  rr.load = r.value("load", nlohmann::json());
  rr.error = ErrorFromJson(r.value("error", nlohmann::json()));
  return rr;
}

// A runtime key outside the table is an error rather than skipped: the document is not one duet wrote.
Status WorkloadFromJson(const nlohmann::json& w, WorkloadResult* out) {
  WorkloadResult& r = *out;
  r.pair.name = w.at("name").get<std::string>();
  r.pair.category = w.at("category").get<std::string>();
  r.pair.dir = w.value("path", "");
  r.pair.claim = w.value("claim", "");
  r.pair.params = w.value("params", nlohmann::json::object());
  const nlohmann::json plan = w.value("plan", nlohmann::json::object());
  r.plan.by_time = plan.value("mode", "time") == "time";
  if (auto runs = Present(plan, "runs")) r.plan.runs = runs->get<int>();
  if (auto budget = Present(plan, "time_budget_s")) r.plan.time_budget_s = budget->get<double>();
  r.plan.warmup_auto = plan.value("warmup", nlohmann::json("auto")) == "auto";
  if (!r.plan.warmup_auto) r.plan.warmup = plan["warmup"].get<int>();
  r.plan.blocks = plan.value("blocks", 5);
  if (auto match = Present(w, "results_match")) r.results_match = match->get<bool>();
  if (auto match = Present(w, "bodies_match")) r.bodies_match = match->get<bool>();
  const nlohmann::json error = w.value("error", nlohmann::json());
  r.error = ErrorFromJson(error);
  if (error.is_object() && error.value("runtime", nlohmann::json()).is_string()) {
    r.error_runtime = RuntimeFromKey(error["runtime"].get<std::string>());
    if (!r.error_runtime) return Status::Error("workload " + r.pair.id() + ": unknown runtime \"" + error["runtime"].get<std::string>() + "\"");
  }
  const nlohmann::json& runtimes = w.at("runtimes");
  for (const auto& [key, value] : runtimes.items()) {
    if (!RuntimeFromKey(key)) return Status::Error("workload " + r.pair.id() + ": unknown runtime \"" + key + "\"");
  }
  for (const RuntimeNames& runtime : kRuntimes) {  // session order, as the harness runs them
    const std::string key(runtime.key);
    if (runtimes.contains(key)) r.runtimes.push_back(RuntimeFromJson(runtime.id, runtimes[key]));
  }
  r.process = w.value("process", nlohmann::json::object());
  r.pair.web = w.value("web", nlohmann::json());
  return Status::Ok();
}

}  // namespace

Status ResultsFromRunJson(const nlohmann::json& doc, SessionRecord* session, std::vector<WorkloadResult>* results) {
  if (!doc.is_object() || doc.value("schema", "") != kRunSchema) {
    return Status::Error(std::string("not a ") + kRunSchema + " document (its \"schema\" field says otherwise)");
  }
  try {
    session->environment = doc.value("environment", nlohmann::json::object());
    session->calibration = doc.value("calibration", nlohmann::json::object());
    session->warnings = doc.value("warnings", std::vector<std::string>{});
    if (doc.contains("web") && doc["web"].is_object()) session->web_database = doc["web"].value("database", nlohmann::json());
    for (const nlohmann::json& w : doc.at("workloads")) {
      WorkloadResult result;
      Status read = WorkloadFromJson(w, &result);
      if (!read.ok()) return Status::Error(std::string("malformed ") + kRunSchema + " document: " + read.message());
      results->push_back(std::move(result));
    }
  } catch (const nlohmann::json::exception& e) {
    // Hand-edited or foreign files: name what is wrong rather than crash.
    return Status::Error(std::string("malformed ") + kRunSchema + " document: " + e.what());
  }
  return Status::Ok();
}

Status ReadRunJson(const std::filesystem::path& path, nlohmann::json* doc) {
  DUET_RETURN_IF_ERROR(ReadJsonFile(path, doc));
  if (!doc->is_object() || doc->value("schema", "") != kRunSchema) {
    return Status::Error(std::string("not a ") + kRunSchema + " document (no \"schema\": \"" + kRunSchema + "\")",
                         path.string(), 1);
  }
  return Status::Ok();
}

nlohmann::json SummaryJson(const Summary& s) {
  if (s.count == 0) return nullptr;
  auto ns = [](double v) { return static_cast<int64_t>(v + 0.5); };
  return {{"count", s.count},
          {"median_ns", ns(s.median)},
          {"mean_ns", ns(s.mean)},
          {"stdev_ns", ns(s.stdev)},
          {"min_ns", ns(s.min)},
          {"max_ns", ns(s.max)},
          {"q1_ns", ns(s.q1)},
          {"q3_ns", ns(s.q3)},
          {"median_ci95_ns", {ns(s.median_ci_low), ns(s.median_ci_high)}},
          {"cv", s.mean > 0 ? s.stdev / s.mean : 0.0},
          {"outliers", s.outliers}};
}

nlohmann::json WorkloadResultJson(const WorkloadResult& r) {
  nlohmann::json runtimes = nlohmann::json::object();
  for (const RuntimeResult& rr : r.runtimes) {
    const std::string key(RuntimeKey(rr.runtime));
    runtimes[key] = {
        {"median_ns", rr.samples.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.samples.MedianWallNs())},
        {"median_cpu_ns", rr.samples.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.samples.MedianCpuNs())},
        {"samples_ns", rr.samples.WallNs()},
        {"cpu_samples_ns", rr.samples.CpuNs()},
        {"warmup", rr.warmup},
        {"block_warmups", rr.block_warmups},
        {"stats", {{"wall", SummaryJson(WallSummary(rr))}, {"cpu", SummaryJson(CpuSummary(rr))}}},
        {"counters", rr.counters ? CountersJson(*rr.counters) : nlohmann::json::object()},
        {"setup", SetupJson(rr.setup)},
        {"result", rr.result ? *rr.result : nlohmann::json(nullptr)},
        {"verified", rr.verified ? nlohmann::json(*rr.verified) : nlohmann::json(nullptr)},
        {"error", ErrorJson(rr.runtime, rr.error)},
    };
    if (!rr.load.is_null()) runtimes[key]["load"] = rr.load;
  }
  nlohmann::json ratio = {{"cpython_over_v8", nullptr}, {"ci95", nullptr}, {"significant", nullptr}};
  if (auto estimate = CpythonOverV8(r)) {
    ratio = {{"cpython_over_v8", estimate->ratio},
             {"ci95", {estimate->low, estimate->high}},
             {"significant", estimate->significant}};
  }
  const SamplingPlan& plan = r.plan;
  return {
      {"name", r.pair.name},
      {"category", r.pair.category},
      {"path", r.pair.dir.string()},
      {"claim", r.pair.claim},
      {"params", r.pair.params},
      {"plan",
       {{"mode", plan.by_time ? "time" : "runs"},
        {"runs", plan.by_time ? nlohmann::json(nullptr) : nlohmann::json(plan.runs)},
        {"time_budget_s", plan.by_time ? nlohmann::json(plan.time_budget_s) : nlohmann::json(nullptr)},
        {"warmup", plan.warmup_auto ? nlohmann::json("auto") : nlohmann::json(plan.warmup)},
        {"blocks", plan.blocks}}},
      {"results_match", r.results_match ? nlohmann::json(*r.results_match) : nlohmann::json(nullptr)},
      {"bodies_match", r.bodies_match ? nlohmann::json(*r.bodies_match) : nlohmann::json(nullptr)},
      {"error", ErrorJson(r.error_runtime, r.error)},
      {"runtimes", runtimes},
      {"ratio", ratio},
      {"process", r.process.is_null() ? nlohmann::json::object() : r.process},
      {"web", r.pair.web},
  };
}

nlohmann::json RunJson(const SessionRecord& session, const std::vector<WorkloadResult>& results) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const WorkloadResult& r : results) workloads.push_back(WorkloadResultJson(r));
  nlohmann::json doc = {{"schema", kRunSchema},
                        {"environment", session.environment},
                        {"calibration", session.calibration},
                        {"warnings", session.warnings},
                        {"workloads", workloads}};
  nlohmann::json rankings = WebRankingJson(results);
  if (!session.web_database.is_null() || !rankings.empty()) {
    doc["web"] = {{"database", session.web_database}, {"rankings", rankings}};
  }
  return doc;
}

}  // namespace duet
