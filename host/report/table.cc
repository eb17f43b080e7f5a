// Terminal table rendering; see table.h.
#include "report/table.h"

#include <fmt/format.h>

namespace duet {

std::string FormatDuration(uint64_t ns) {
  double v = static_cast<double>(ns);
  if (ns < 1'000) return fmt::format("{:.0f} ns", v);
  if (ns < 1'000'000) return fmt::format("{:.1f} µs", v / 1e3);
  if (ns < 1'000'000'000) return fmt::format("{:.2f} ms", v / 1e6);
  return fmt::format("{:.2f} s", v / 1e9);
}

namespace {

// A runtime that failed, or that disagreed with its twin, has no time worth quoting.
std::string MedianCell(const WorkloadResult& w, const RuntimeResult* r) {
  if (r == nullptr || r->samples.empty() || !r->error.ok() || r->verified == false || w.results_match == false) {
    return "-";
  }
  return FormatDuration(r->samples.MedianWallNs());
}

std::string Verdict(const WorkloadResult& r) {
  if (r.results_match == false) return "MISMATCH";
  if (r.failed()) return r.error_runtime.empty() ? "FAILED" : "FAILED (" + r.error_runtime + ")";
  if (!r.results_match.has_value()) return "-";
  return *r.results_match ? "match" : "MISMATCH";
}

}  // namespace

std::string FormatFailure(const WorkloadResult& r) {
  std::string where = r.error.file().empty() ? "" : fmt::format(" at {}:{}", r.error.file(), r.error.line());
  std::string runtime = r.error_runtime.empty() ? "" : fmt::format(" [{}]", r.error_runtime);
  std::string text = fmt::format("{}{}{}: {}\n", r.pair.id(), runtime, where, r.error.message());
  if (!r.error.detail().empty()) {
    for (size_t start = 0; start < r.error.detail().size();) {
      size_t end = r.error.detail().find('\n', start);
      if (end == std::string::npos) end = r.error.detail().size();
      text += "    " + r.error.detail().substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return text;
}

void PrintTable(const std::vector<WorkloadResult>& results, std::FILE* out) {
  size_t width = 8;
  for (const auto& r : results) width = std::max(width, r.pair.id().size());
  fmt::print(out, "{:<{}}  {:>11}  {:>11}  {:>8}  {}\n", "workload", width, "js (v8)", "py (cpython)",
             "py/js", "results");
  for (const auto& r : results) {
    const RuntimeResult* js = r.Find("v8");
    const RuntimeResult* py = r.Find("cpython");
    std::string ratio = "-";
    if (!r.failed() && js && py && !js->samples.empty() && !py->samples.empty() && js->samples.MedianWallNs() > 0) {
      ratio = fmt::format("{:.2f}x", static_cast<double>(py->samples.MedianWallNs()) /
                                         static_cast<double>(js->samples.MedianWallNs()));
    }
    fmt::print(out, "{:<{}}  {:>11}  {:>11}  {:>8}  {}\n", r.pair.id(), width, MedianCell(r, js), MedianCell(r, py),
               ratio, Verdict(r));
  }
  bool any_failed = false;
  for (const auto& r : results) any_failed |= r.failed();
  if (!any_failed) return;
  fmt::print(out, "\nfailures:\n");
  for (const auto& r : results) {
    if (r.failed()) fmt::print(out, "{}", FormatFailure(r));
  }
}

}  // namespace duet
