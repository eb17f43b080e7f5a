// duet-run/1 serialisation; see json_report.h and docs/json-schema.md.
#include "report/json_report.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace duet {
namespace {

nlohmann::json ErrorJson(const std::string& runtime, const Status& status) {
  if (status.ok()) return nullptr;
  return {{"runtime", runtime.empty() ? nlohmann::json(nullptr) : nlohmann::json(runtime)},
          {"file", status.file().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.file())},
          {"line", status.line() > 0 ? nlohmann::json(status.line()) : nlohmann::json(nullptr)},
          {"message", status.message()},
          {"detail", status.detail().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.detail())}};
}

}  // namespace

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
    runtimes[rr.runtime] = {
        {"median_ns", rr.samples.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.samples.MedianWallNs())},
        {"median_cpu_ns", rr.samples.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.samples.MedianCpuNs())},
        {"samples_ns", rr.samples.WallNs()},
        {"cpu_samples_ns", rr.samples.CpuNs()},
        {"warmup", rr.warmup},
        {"stats", {{"wall", SummaryJson(WallSummary(rr))}, {"cpu", SummaryJson(CpuSummary(rr))}}},
        {"counters", rr.counters.is_null() ? nlohmann::json::object() : rr.counters},
        {"setup", rr.setup.is_null() ? nlohmann::json::object() : rr.setup},
        {"result", rr.result ? *rr.result : nlohmann::json(nullptr)},
        {"verified", rr.verified ? nlohmann::json(*rr.verified) : nlohmann::json(nullptr)},
        {"error", ErrorJson(rr.runtime, rr.error)},
    };
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
      {"error", ErrorJson(r.error_runtime, r.error)},
      {"runtimes", runtimes},
      {"ratio", ratio},
      {"process", r.process.is_null() ? nlohmann::json::object() : r.process},
  };
}

nlohmann::json RunJson(const SessionRecord& session, const std::vector<WorkloadResult>& results) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const WorkloadResult& r : results) workloads.push_back(WorkloadResultJson(r));
  return {{"schema", kRunSchema},
          {"environment", session.environment},
          {"calibration", session.calibration},
          {"warnings", session.warnings},
          {"workloads", workloads}};
}

Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Error("cannot write " + tmp.string());
    out << text;
    if (!out.flush()) return Status::Error("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Error("cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
  return Status::Ok();
}

Status WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& doc) {
  return WriteFileAtomically(path, doc.dump(2) + "\n");
}

}  // namespace duet
