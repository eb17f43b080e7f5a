// Claims: reading workloads/claims.json and judging each claim on measured results; see claims.h.
#include "report/claims.h"

#include <fmt/format.h>

#include "report/json_report.h"
#include "report/table.h"

namespace duet {
namespace {

// The quantities a piece of evidence may measure, and how a rule names each (Judge computes them).
struct Quantity {
  const char* name;
  const char* rule;  // "{}": the runtime, for "scaling"
};
constexpr Quantity kQuantities[] = {
    {"cpython_over_v8", "CPython/V8 time"},
    {"setup_rss_cpython_over_v8", "CPython/V8 setup memory"},
    {"scaling", "{} time ratio"},
    {"throughput_v8_over_cpython", "V8/CPython throughput"},
};

const Quantity* FindQuantity(const std::string& name) {
  for (const Quantity& q : kQuantities) {
    if (name == q.name) return &q;
  }
  return nullptr;
}

// A network pair's per-iteration throughputs (its load summary's samples); empty when there are none.
std::vector<double> ThroughputSamples(const RuntimeResult* r) {
  if (r == nullptr || !r->load.is_object() || !r->load.contains("throughput_rps_samples")) return {};
  return r->load["throughput_rps_samples"].get<std::vector<double>>();
}

// Reads one evidence entry: a workload id, or an object whose fields override the defaults (the
// claim's fields, then the condition's).
Status ReadEvidence(const nlohmann::json& defaults, const nlohmann::json& entry, EvidenceSpec* e) {
  nlohmann::json merged = defaults;
  for (const char* key : {"workloads", "conditions", "sources", "label", "pending", "id", "caveat", "min_cores"}) {
    merged.erase(key);
  }
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
  if (FindQuantity(e->quantity) == nullptr) {
    return Status::Error("unknown quantity '" + e->quantity + "'");
  }
  std::string when = merged.value("supported_when", "above");
  if (when != "above" && when != "below") return Status::Error("supported_when must be \"above\" or \"below\"");
  e->supported_above = when == "above";
  e->threshold = merged.value("threshold", 1.0);
  if (std::string runtime = merged.value("runtime", ""); !runtime.empty()) {
    e->runtime = RuntimeFromKey(runtime);
    if (!e->runtime) return Status::Error("unknown runtime '" + runtime + "' (v8 or cpython)");
  }
  e->params = merged.value("params", nlohmann::json::object());
  e->baseline_params = merged.value("baseline_params", nlohmann::json());
  e->pending = merged.value("pending", "");
  if (e->quantity == "scaling" && (!e->runtime || !e->baseline_params.is_object())) {
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
  if (!spec.pending.empty()) {
    e.note = "not measured yet: " + spec.pending;
    return e;
  }
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
    const RuntimeResult* v8 = w->Find(RuntimeId::kV8);
    const RuntimeResult* py = w->Find(RuntimeId::kCPython);
    auto rss = [](const RuntimeResult* r) { return r && r->setup.rss_delta_bytes ? static_cast<double>(*r->setup.rss_delta_bytes) : 0.0; };
    if (!(rss(v8) > 0) || !(rss(py) > 0)) {
      e.note = "no setup memory figure";
      return e;
    }
    e.value = e.low = e.high = rss(py) / rss(v8);
  } else if (spec.quantity == "throughput_v8_over_cpython") {
    std::vector<double> v8 = ThroughputSamples(w->Find(RuntimeId::kV8));
    std::vector<double> py = ThroughputSamples(w->Find(RuntimeId::kCPython));
    if (v8.empty() || py.empty()) {
      e.note = "no throughput samples (not a network workload, or a run recorded before they were kept)";
      return e;
    }
    RatioEstimate ratio = RatioOfMedians(v8, py);
    e.value = ratio.ratio, e.low = ratio.low, e.high = ratio.high, e.has_interval = true;
  } else {  // scaling
    const WorkloadResult* base = FindResult(results, spec.workload, spec.baseline_params);
    if (base == nullptr || base->failed()) {
      e.note = base == nullptr ? "baseline not in this run" : "baseline failed: " + base->error.ToString();
      return e;
    }
    const RuntimeResult* r = w->Find(*spec.runtime);
    const RuntimeResult* b = base->Find(*spec.runtime);
    if (!Quotable(*w, r) || !Quotable(*base, b)) {
      e.note = "no samples from " + std::string(RuntimeKey(*spec.runtime));
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

const char* const kTiers[] = {"plain", "ecosystem"};
const char* const kBounds[] = {"cpu", "io", "memory", "startup"};

template <size_t N>
bool OneOf(const std::string& value, const char* const (&allowed)[N]) {
  return std::find(std::begin(allowed), std::end(allowed), value) != std::end(allowed);
}

Status ReadSources(const nlohmann::json& item, std::vector<ClaimSource>* sources) {
  for (const nlohmann::json& s : item.value("sources", nlohmann::json::array())) {
    ClaimSource source{s.value("article", ""), s.value("quote", ""), s.value("against", false)};
    if (source.article.empty() || source.quote.empty()) return Status::Error("a source needs \"article\" and \"quote\"");
    sources->push_back(std::move(source));
  }
  return Status::Ok();
}

// One condition: its fields, then its workload entries under the claim's and its own defaults.
Status ReadCondition(const nlohmann::json& claim, const nlohmann::json& c, ConditionSpec* out) {
  out->id = c.value("id", "");
  out->label = c.value("label", "");
  out->tier = c.value("tier", "plain");
  out->workers = c.value("workers", "1");
  out->parallelism = c.value("parallelism", "");
  out->bound = c.value("bound", "cpu");
  out->sizes = c.value("sizes", std::vector<std::string>{"quick", "full"});
  out->pending = c.value("pending", "");
  out->min_cores = c.value("min_cores", 0);
  if (out->id.empty() || out->label.empty()) return Status::Error("a condition needs \"id\" and \"label\"");
  if (!OneOf(out->tier, kTiers) || !OneOf(out->bound, kBounds) || (out->workers != "1" && out->workers != "N")) {
    return Status::Error("condition '" + out->id + "': tier must be plain or ecosystem, workers 1 or N, "
                         "bound cpu, io, memory or startup");
  }
  nlohmann::json workloads = c.value("workloads", nlohmann::json::array());
  if (!workloads.is_array() || (workloads.empty() && out->pending.empty())) {
    return Status::Error("condition '" + out->id + "' lists no workloads and says nothing of why (\"pending\")");
  }
  nlohmann::json defaults = claim;
  defaults.update(c);
  for (const nlohmann::json& entry : workloads) {
    EvidenceSpec e;
    DUET_RETURN_IF_ERROR(ReadEvidence(defaults, entry, &e));
    out->evidence.push_back(std::move(e));
  }
  return Status::Ok();
}

Status ReadClaim(const nlohmann::json& c, ClaimSpec* spec) {
  spec->id = c.value("id", "");
  spec->claim = c.value("claim", "");
  spec->question = c.value("question", "");
  spec->origin = c.value("origin", "");
  spec->caveat = c.value("caveat", "");
  if (spec->id.empty() || spec->claim.empty()) return Status::Error("a claim without \"id\" or \"claim\"");
  auto fail = [&](const Status& s) { return Status::Error("claim '" + spec->id + "': " + s.message()); };
  if (Status read = ReadSources(c, &spec->sources); !read.ok()) return fail(read);
  nlohmann::json conditions = c.value("conditions", nlohmann::json());
  if (!conditions.is_array()) {
    // duet-claims/1: the claim's own workloads are its one, unnamed condition.
    if (!c.value("workloads", nlohmann::json()).is_array() || c["workloads"].empty()) {
      return Status::Error("claim '" + spec->id + "' lists no workloads");
    }
    conditions = nlohmann::json::array({{{"id", "all"}, {"label", "all its workloads"}, {"workloads", c["workloads"]}}});
  }
  if (conditions.empty()) return Status::Error("claim '" + spec->id + "' lists no conditions");
  for (const nlohmann::json& entry : conditions) {
    ConditionSpec condition;
    if (Status read = ReadCondition(c, entry, &condition); !read.ok()) return fail(read);
    spec->evidence.insert(spec->evidence.end(), condition.evidence.begin(), condition.evidence.end());
    spec->conditions.push_back(std::move(condition));
  }
  return Status::Ok();
}

ConditionVerdict JudgeCondition(const ConditionSpec& spec, const std::vector<WorkloadResult>& results, int cores) {
  ConditionVerdict c;
  c.spec = spec;
  for (const EvidenceSpec& e : spec.evidence) {
    c.evidence.push_back(Judge(e, results));
    const EvidenceResult& judged = c.evidence.back();
    c.supporting += judged.supports;
    c.contradicting += judged.contradicts;
    c.inconclusive += judged.measured && !judged.supports && !judged.contradicts;
  }
  if (c.measured() == 0) {
    // Pending evidence alone is "not measured yet"; workloads missing from the run are "not measured".
    bool all_pending = !spec.pending.empty() ||
                       std::all_of(spec.evidence.begin(), spec.evidence.end(), [](const EvidenceSpec& e) { return !e.pending.empty(); });
    c.verdict = all_pending ? "not measured yet" : "not measured";
  } else if (spec.min_cores > 0 && cores < spec.min_cores) {
    // The figures stand, but they do not measure what the condition asks on this machine.
    c.verdict = "inconclusive on this machine";
    c.note = cores == 0 ? fmt::format("needs {} cores; the run does not say how many its machine had", spec.min_cores)
                        : fmt::format("needs {} cores, this machine has {}: the load generator competes with the "
                                      "servers for them",
                                      spec.min_cores, cores);
  } else if (c.supporting == c.measured()) {
    c.verdict = "supported";
  } else if (c.contradicting == c.measured()) {
    c.verdict = "contradicted";
  } else if (c.supporting > 0 && c.contradicting > 0) {
    c.verdict = "mixed";
  } else {
    c.verdict = "inconclusive";
  }
  return c;
}

// "supported for A and B; contradicted for C; not measured yet for D": the conditions grouped by
// verdict, in a fixed order. A claim with one unnamed condition (duet-claims/1) gets its verdict alone.
std::string OverallVerdict(const std::string& verdict, const std::vector<ConditionVerdict>& conditions) {
  if (conditions.size() == 1 && conditions[0].spec.id == "all") return verdict;
  std::string out;
  for (const char* kind : {"supported", "contradicted", "mixed", "inconclusive", "inconclusive on this machine",
                           "not measured", "not measured yet"}) {
    std::vector<std::string> labels;
    for (const auto& c : conditions) {
      if (c.verdict == kind) labels.push_back(c.spec.label);
    }
    if (labels.empty()) continue;
    std::string list;
    for (size_t i = 0; i < labels.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == labels.size() ? " and " : ", ") + labels[i];
    }
    out += (out.empty() ? "" : "; ") + std::string(kind) + " for " + list;
  }
  return out;
}

}  // namespace

Status LoadClaims(const std::filesystem::path& path, std::vector<ClaimSpec>* claims,
                  std::vector<UntestableClaim>* untestable) {
  nlohmann::json doc;
  DUET_RETURN_IF_ERROR(ReadJsonFile(path, &doc));
  // The claims file says what `duet claims` measures, as its command line does: one that is
  // wrong is a usage error (exit 2), which the command has always answered.
  std::string schema = doc.is_object() ? doc.value("schema", "") : "";
  if ((schema != "duet-claims/1" && schema != "duet-claims/2") || !doc.value("claims", nlohmann::json()).is_array()) {
    return Status::Usage("not a duet-claims/2 document (\"schema\" and a \"claims\" array)", path.string(), 1);
  }
  for (const nlohmann::json& c : doc["claims"]) {
    ClaimSpec spec;
    Status read = ReadClaim(c, &spec);
    if (!read.ok()) return Status::Usage(read.message(), path.string());
    claims->push_back(std::move(spec));
  }
  if (untestable == nullptr) return Status::Ok();
  for (const nlohmann::json& u : doc.value("untestable", nlohmann::json::array())) {
    UntestableClaim item{u.value("claim", ""), u.value("reason", ""), {}};
    Status read = ReadSources(u, &item.sources);
    if (!read.ok() || item.claim.empty() || item.reason.empty()) {
      return Status::Usage("an untestable claim needs \"claim\", \"reason\" and its \"sources\"", path.string());
    }
    untestable->push_back(std::move(item));
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
  // Resident-memory figures first: once other workloads have grown the heap and freed it, malloc
  // reuses that memory without raising RSS, and a setup's RSS growth reads as almost nothing.
  for (bool memory : {true, false}) {
    for (const auto& claim : claims) {
      for (const auto& e : claim.evidence) {
        if (!e.pending.empty() || (e.quantity == "setup_rss_cpython_over_v8") != memory) continue;
        add(e.workload, e.params);
        if (e.baseline_params.is_object()) add(e.workload, e.baseline_params);
      }
    }
  }
  return out;
}

int MachineCores(const nlohmann::json& environment) {
  const nlohmann::json* machine = environment.is_object() && environment.contains("machine") ? &environment["machine"] : nullptr;
  if (machine == nullptr || !machine->is_object() || !machine->value("cores", nlohmann::json()).is_number_integer()) return 0;
  return (*machine)["cores"].get<int>();
}

std::vector<ClaimVerdict> JudgeClaims(const std::vector<ClaimSpec>& claims, const std::vector<WorkloadResult>& results,
                                      int cores) {
  std::vector<ClaimVerdict> verdicts;
  for (const ClaimSpec& claim : claims) {
    ClaimVerdict v;
    v.spec = claim;
    size_t measured = 0, supported = 0, contradicted = 0;
    for (const ConditionSpec& condition : claim.conditions) {
      ConditionVerdict c = JudgeCondition(condition, results, cores);
      v.evidence.insert(v.evidence.end(), c.evidence.begin(), c.evidence.end());
      bool counted = c.verdict != "not measured" && c.verdict != "not measured yet";
      measured += counted;
      supported += c.verdict == "supported";
      contradicted += c.verdict == "contradicted";
      v.conditions.push_back(std::move(c));
    }
    v.verdict = measured == 0 ? "not measured" : supported == measured ? "supported"
                : contradicted == measured                              ? "contradicted"
                                                                        : "depends";
    v.overall = OverallVerdict(v.verdict, v.conditions);
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
  const Quantity* q = FindQuantity(spec.quantity);
  std::string quantity = q == nullptr ? spec.quantity
                                      : fmt::format(fmt::runtime(q->rule), RuntimeKey(spec.runtime.value_or(RuntimeId::kV8)));
  return fmt::format("{} {} {:.2f}", quantity, spec.supported_above ? "above" : "below", spec.threshold);
}

std::string EvidenceOutcome(const EvidenceResult& e) {
  if (!e.measured) return e.note;
  return e.supports ? "supports" : e.contradicts ? "contradicts" : "inconclusive";
}

std::string DescribeCondition(const ConditionSpec& spec) {
  std::string workers = spec.workers == "1" ? "1 thread" : "N " + (spec.parallelism.empty() ? "workers" : spec.parallelism);
  std::string bound = spec.bound == "cpu" ? "CPU-bound" : spec.bound == "io" ? "I/O-bound" : spec.bound;
  std::string sizes;
  for (const auto& size : spec.sizes) sizes += (sizes.empty() ? "" : "/") + size;
  return fmt::format("{} tier, {}, {}, {} size", spec.tier, workers, bound, sizes);
}

std::string DescribeTally(const ConditionVerdict& c) {
  if ((c.verdict != "mixed" && c.verdict != "inconclusive") || c.measured() < 2) {
    return "";
  }
  std::string tally;
  auto add = [&tally](size_t count, const char* one, const char* many) {
    if (count > 0) tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", count, count == 1 ? one : many);
  };
  add(c.supporting, "supports", "support");
  add(c.contradicting, "contradicts", "contradict");
  add(c.inconclusive, "inconclusive", "inconclusive");
  return tally;
}

std::string FormatClaims(const std::vector<ClaimVerdict>& verdicts) {
  std::string text;
  for (const auto& v : verdicts) {
    text += fmt::format("{}: {}\n  claim: {}\n", v.spec.id, v.verdict, v.spec.claim);
    if (!v.spec.question.empty()) text += "  question: " + v.spec.question + "\n";
    if (v.overall != v.verdict) text += "  overall: " + v.overall + "\n";
    if (!v.spec.caveat.empty()) text += "  note: " + v.spec.caveat + "\n";
    for (const auto& c : v.conditions) {
      if (c.spec.id != "all") {
        std::string tally = DescribeTally(c);
        text += fmt::format("  condition {} ({}): {}{}\n", c.spec.label, DescribeCondition(c.spec), c.verdict,
                            tally.empty() ? "" : " (" + tally + ")");
      }
      if (!c.spec.pending.empty()) {
        text += "    not measured yet: " + c.spec.pending + "\n";
        continue;
      }
      if (!c.note.empty()) text += "    " + c.verdict + ": " + c.note + "\n";
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : c.evidence) {
        rows.push_back({"   ", e.spec.label, FormatEvidenceValue(e), DescribeRule(e.spec), EvidenceOutcome(e)});
      }
      text += FormatColumns({"   ", "evidence", "measured [95% CI]", "supported when", "verdict"}, rows, {0, 1, 3, 4});
    }
    text += "\n";
  }
  return text;
}

namespace {

nlohmann::json EvidenceJson(const EvidenceResult& e) {
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
  return item;
}

}  // namespace

nlohmann::json ClaimsJson(const std::vector<ClaimVerdict>& verdicts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : verdicts) {
    nlohmann::json evidence = nlohmann::json::array(), conditions = nlohmann::json::array(),
                   sources = nlohmann::json::array();
    for (const auto& e : v.evidence) evidence.push_back(EvidenceJson(e));
    for (const auto& c : v.conditions) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& e : c.evidence) items.push_back(EvidenceJson(e));
      conditions.push_back({{"id", c.spec.id}, {"label", c.spec.label}, {"tier", c.spec.tier},
                            {"workers", c.spec.workers}, {"parallelism", c.spec.parallelism},
                            {"bound", c.spec.bound}, {"sizes", c.spec.sizes}, {"verdict", c.verdict},
                            {"pending", c.spec.pending.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.spec.pending)},
                            {"min_cores", c.spec.min_cores},
                            {"note", c.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.note)},
                            {"tally", {{"supports", c.supporting}, {"contradicts", c.contradicting},
                                       {"inconclusive", c.inconclusive}}},
                            {"evidence", items}});
    }
    for (const auto& s : v.spec.sources) {
      sources.push_back({{"article", s.article}, {"quote", s.quote}, {"against", s.against}});
    }
    out.push_back({{"id", v.spec.id}, {"claim", v.spec.claim}, {"question", v.spec.question},
                   {"caveat", v.spec.caveat.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.spec.caveat)},
                   {"sources", sources}, {"verdict", v.verdict}, {"overall", v.overall},
                   {"conditions", conditions}, {"evidence", evidence}});
  }
  return {{"schema", "duet-claims-verdict/2"}, {"claims", out}};
}

}  // namespace duet
