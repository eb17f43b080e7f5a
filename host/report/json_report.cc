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

nlohmann::json WorkloadResultJson(const WorkloadResult& r) {
  nlohmann::json runtimes = nlohmann::json::object();
  for (const RuntimeResult& rr : r.runtimes) {
    runtimes[rr.runtime] = {
        {"median_ns", rr.samples.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.samples.MedianWallNs())},
        {"median_cpu_ns", rr.samples.empty() ? nlohmann::json(nullptr) : nlohmann::json(rr.samples.MedianCpuNs())},
        {"samples_ns", rr.samples.WallNs()},
        {"cpu_samples_ns", rr.samples.CpuNs()},
        {"warmup", rr.warmup},
        {"result", rr.result ? *rr.result : nlohmann::json(nullptr)},
        {"verified", rr.verified ? nlohmann::json(*rr.verified) : nlohmann::json(nullptr)},
        {"error", ErrorJson(rr.runtime, rr.error)},
    };
  }
  nlohmann::json ratio = {{"cpython_over_v8", nullptr}};
  const RuntimeResult* js = r.Find("v8");
  const RuntimeResult* py = r.Find("cpython");
  // Only a workload that passed every check gets a ratio: a failure is never a timing.
  if (!r.failed() && js && py && !js->samples.empty() && !py->samples.empty() && js->samples.MedianWallNs() > 0) {
    ratio["cpython_over_v8"] =
        static_cast<double>(py->samples.MedianWallNs()) / static_cast<double>(js->samples.MedianWallNs());
  }
  return {
      {"name", r.pair.name},
      {"category", r.pair.category},
      {"path", r.pair.dir.string()},
      {"claim", r.pair.claim},
      {"params", r.pair.params},
      {"runs", r.runs},
      {"results_match", r.results_match ? nlohmann::json(*r.results_match) : nlohmann::json(nullptr)},
      {"error", ErrorJson(r.error_runtime, r.error)},
      {"runtimes", runtimes},
      {"ratio", ratio},
  };
}

nlohmann::json RunJson(const nlohmann::json& environment, const std::vector<WorkloadResult>& results) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const WorkloadResult& r : results) workloads.push_back(WorkloadResultJson(r));
  return {{"schema", kRunSchema}, {"environment", environment}, {"workloads", workloads}};
}

Status WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& doc) {
  std::string text = doc.dump(2) + "\n";
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

}  // namespace duet
