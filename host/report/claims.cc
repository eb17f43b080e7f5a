// Claims: reading workloads/claims.json and judging each claim on measured results; see claims.h.
#include "report/claims.h"

#include <fmt/format.h>

#include "report/json_report.h"
#include "report/table.h"

namespace duet {
namespace {

const char* const kQuantities[] = {"cpython_over_v8", "setup_rss_cpython_over_v8", "scaling"};

// Reads one evidence entry: a workload id, or an object whose fields override the claim's defaults.
Status ReadEvidence(const nlohmann::json& claim, const nlohmann::json& entry, EvidenceSpec* e) {
  nlohmann::json merged = claim;
  merged.erase("workloads");
  if (entry.is_string()) {
    merged["workload"] = entry;
  } else if (entry.is_object()) {
    merged.update(entry);
  } else {
    return Status::Error("a workload entry must be \"category/name\" or an object");
  }
  e->workload = merged.value("workload", "");
  if (e->workload.empty()) return Status::Error("a workload entry names no workload");
  e->label = merged.value("label", e->workload);
  e->quantity = merged.value("quantity", "cpython_over_v8");
  if (std::find(std::begin(kQuantities), std::end(kQuantities), e->quantity) == std::end(kQuantities)) {
    return Status::Error("unknown quantity '" + e->quantity + "'");
  }
  std::string when = merged.value("supported_when", "above");
  if (when != "above" && when != "below") return Status::Error("supported_when must be \"above\" or \"below\"");
  e->supported_above = when == "above";
  e->threshold = merged.value("threshold", 1.0);
  e->runtime = merged.value("runtime", "");
  e->params = merged.value("params", nlohmann::json::object());
  e->baseline_params = merged.value("baseline_params", nlohmann::json());
  if (e->quantity == "scaling" && (e->runtime.empty() || !e->baseline_params.is_object())) {
    return Status::Error("quantity \"scaling\" needs \"runtime\" and \"baseline_params\"");
  }
  return Status::Ok();
}

// The first result of `workload` whose params hold every key of `overrides` with that value.
const WorkloadResult* FindResult(const std::vector<WorkloadResult>& results, const std::string& workload,
                                 const nlohmann::json& overrides) {
  for (const WorkloadResult& r : results) {
    if (r.pair.id() != workload) continue;
    bool holds = true;
    for (const auto& [key, value] : overrides.items()) holds &= r.pair.params.value(key, nlohmann::json()) == value;
    if (holds) return &r;
  }
  return nullptr;
}

EvidenceResult Judge(const EvidenceSpec& spec, const std::vector<WorkloadResult>& results) {
  EvidenceResult e;
  e.spec = spec;
  const WorkloadResult* w = FindResult(results, spec.workload, spec.params);
  if (w == nullptr) {
    e.note = "not in this run";
    return e;
  }
  if (w->failed()) {
    e.note = "failed: " + w->error.ToString();
    return e;
  }
  if (spec.quantity == "cpython_over_v8") {
    auto ratio = CpythonOverV8(*w);
    if (!ratio) {
      e.note = "no ratio";
      return e;
    }
    e.value = ratio->ratio, e.low = ratio->low, e.high = ratio->high, e.has_interval = true;
  } else if (spec.quantity == "setup_rss_cpython_over_v8") {
    const RuntimeResult* v8 = w->Find("v8");
    const RuntimeResult* py = w->Find("cpython");
    auto rss = [](const RuntimeResult* r) { return r ? r->setup.value("rss_delta_bytes", 0.0) : 0.0; };
    if (!(rss(v8) > 0) || !(rss(py) > 0)) {
      e.note = "no setup memory figure";
      return e;
    }
    e.value = e.low = e.high = rss(py) / rss(v8);
  } else {  // scaling
    const WorkloadResult* base = FindResult(results, spec.workload, spec.baseline_params);
    if (base == nullptr || base->failed()) {
      e.note = base == nullptr ? "baseline not in this run" : "baseline failed: " + base->error.ToString();
      return e;
    }
    const RuntimeResult* r = w->Find(spec.runtime);
    const RuntimeResult* b = base->Find(spec.runtime);
    if (!Quotable(*w, r) || !Quotable(*base, b)) {
      e.note = "no samples from " + spec.runtime;
      return e;
    }
    RatioEstimate ratio = RatioOfMedians(WallTimes(*r), WallTimes(*b));
    e.value = ratio.ratio, e.low = ratio.low, e.high = ratio.high, e.has_interval = true;
  }
  e.measured = true;
  // The whole interval must lie on the claim's side of the threshold.
  e.supports = spec.supported_above ? e.low > spec.threshold : e.high < spec.threshold;
  e.contradicts = spec.supported_above ? e.high < spec.threshold : e.low > spec.threshold;
  return e;
}

}  // namespace

Status LoadClaims(const std::filesystem::path& path, std::vector<ClaimSpec>* claims) {
  nlohmann::json doc;
  DUET_RETURN_IF_ERROR(ReadJsonFile(path, &doc));
  if (!doc.is_object() || doc.value("schema", "") != "duet-claims/1" || !doc.value("claims", nlohmann::json()).is_array()) {
    return Status::Error("not a duet-claims/1 document (\"schema\" and a \"claims\" array)", path.string(), 1);
  }
  for (const nlohmann::json& c : doc["claims"]) {
    ClaimSpec spec;
    spec.id = c.value("id", "");
    spec.claim = c.value("claim", "");
    spec.question = c.value("question", "");
    if (spec.id.empty() || spec.claim.empty()) return Status::Error("a claim without \"id\" or \"claim\"", path.string());
    if (!c.value("workloads", nlohmann::json()).is_array() || c["workloads"].empty()) {
      return Status::Error("claim '" + spec.id + "' lists no workloads", path.string());
    }
    for (const nlohmann::json& entry : c["workloads"]) {
      EvidenceSpec e;
      Status read = ReadEvidence(c, entry, &e);
      if (!read.ok()) return Status::Error("claim '" + spec.id + "': " + read.message(), path.string());
      spec.evidence.push_back(std::move(e));
    }
    claims->push_back(std::move(spec));
  }
  return Status::Ok();
}

std::vector<Measurement> MeasurementsFor(const std::vector<ClaimSpec>& claims) {
  std::vector<Measurement> out;
  auto add = [&](const std::string& workload, const nlohmann::json& params) {
    for (const auto& m : out) {
      if (m.workload == workload && m.params == params) return;
    }
    out.push_back({workload, params});
  };
  for (const auto& claim : claims) {
    for (const auto& e : claim.evidence) {
      add(e.workload, e.params);
      if (e.baseline_params.is_object()) add(e.workload, e.baseline_params);
    }
  }
  return out;
}

std::vector<ClaimVerdict> JudgeClaims(const std::vector<ClaimSpec>& claims, const std::vector<WorkloadResult>& results) {
  std::vector<ClaimVerdict> verdicts;
  for (const ClaimSpec& claim : claims) {
    ClaimVerdict v;
    v.spec = claim;
    size_t measured = 0, supporting = 0, contradicting = 0;
    for (const EvidenceSpec& spec : claim.evidence) {
      v.evidence.push_back(Judge(spec, results));
      measured += v.evidence.back().measured;
      supporting += v.evidence.back().supports;
      contradicting += v.evidence.back().contradicts;
    }
    if (measured == 0) {
      v.verdict = "not measured";
    } else if (supporting == measured) {
      v.verdict = "supported";
    } else if (contradicting == measured) {
      v.verdict = "contradicted";
    } else {
      v.verdict = "depends";
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

std::vector<ClaimVerdict> MeasuredClaims(const std::vector<ClaimVerdict>& verdicts) {
  std::vector<ClaimVerdict> out;
  for (const auto& v : verdicts) {
    if (v.verdict != "not measured") out.push_back(v);
  }
  return out;
}

std::string FormatEvidenceValue(const EvidenceResult& e) {
  if (!e.measured) return "-";
  if (!e.has_interval) return fmt::format("{:.2f}x (one measurement each)", e.value);
  return fmt::format("{:.2f}x [{:.2f}-{:.2f}]", e.value, e.low, e.high);
}

std::string DescribeRule(const EvidenceSpec& spec) {
  std::string quantity = spec.quantity == "cpython_over_v8"             ? "CPython/V8 time"
                         : spec.quantity == "setup_rss_cpython_over_v8" ? "CPython/V8 setup memory"
                                                                        : spec.runtime + " time ratio";
  return fmt::format("{} {} {:.2f}", quantity, spec.supported_above ? "above" : "below", spec.threshold);
}

std::string EvidenceOutcome(const EvidenceResult& e) {
  if (!e.measured) return e.note;
  return e.supports ? "supports" : e.contradicts ? "contradicts" : "inconclusive";
}

std::string FormatClaims(const std::vector<ClaimVerdict>& verdicts) {
  std::string text;
  for (const auto& v : verdicts) {
    text += fmt::format("{}: {}\n  claim: {}\n", v.spec.id, v.verdict, v.spec.claim);
    if (!v.spec.question.empty()) text += "  question: " + v.spec.question + "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : v.evidence) {
      rows.push_back({"   ", e.spec.label, FormatEvidenceValue(e), DescribeRule(e.spec),
                      EvidenceOutcome(e)});
    }
    text += FormatColumns({"   ", "evidence", "measured [95% CI]", "supported when", "verdict"}, rows, {0, 1, 3, 4});
    text += "\n";
  }
  return text;
}

nlohmann::json ClaimsJson(const std::vector<ClaimVerdict>& verdicts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : verdicts) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& e : v.evidence) {
      nlohmann::json item = {{"workload", e.spec.workload},  {"label", e.spec.label},
                             {"quantity", e.spec.quantity},  {"params", e.spec.params},
                             {"supported_when", e.spec.supported_above ? "above" : "below"},
                             {"threshold", e.spec.threshold}, {"measured", e.measured}};
      if (e.measured) {
        item["value"] = e.value;
        item["ci95"] = e.has_interval ? nlohmann::json{e.low, e.high} : nlohmann::json(nullptr);
        item["supports"] = e.supports;
        item["outcome"] = EvidenceOutcome(e);
      } else {
        item["note"] = e.note;
      }
      evidence.push_back(std::move(item));
    }
    out.push_back({{"id", v.spec.id}, {"claim", v.spec.claim}, {"question", v.spec.question},
                   {"verdict", v.verdict}, {"evidence", evidence}});
  }
  return {{"schema", "duet-claims-verdict/1"}, {"claims", out}};
}

}  // namespace duet
