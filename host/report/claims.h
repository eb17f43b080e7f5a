// The claims verdict (design §7): workloads/claims.json maps each claim of the Node.js-vs-Python
// debate, as the articles state it, to the conditions it is tested under (tier, workers, bound,
// size) and the workloads and quantity that decide each; given measured results, every condition
// and then the claim earn a verdict (rules in docs/claims.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "harness/harness.h"

namespace duet {

// One measured quantity that speaks to a claim.
struct EvidenceSpec {
  std::string workload;  // category/name
  std::string label;     // what it shows; the workload id unless claims.json says more
  // "cpython_over_v8": CPython/V8 median wall time with its 95% bootstrap interval;
  // "setup_rss_cpython_over_v8": resident memory that load + setup cost, CPython/V8 (one value each);
  // "scaling": `runtime`'s median under `params` over its median under `baseline_params`;
  // "throughput_v8_over_cpython": a network pair's median throughput (requests, or the room's
  // deliveries, per second) V8 over CPython, with the 95% bootstrap interval over its iterations.
  std::string quantity;
  bool supported_above = true;  // supported when the quantity is above (else below) the threshold
  double threshold = 1.0;
  std::optional<RuntimeId> runtime;  // for "scaling"
  nlohmann::json params = nlohmann::json::object();  // overrides merged over the workload's params
  nlohmann::json baseline_params;                    // for "scaling"; null otherwise
  // Why this piece cannot be measured yet (e.g. its JS twin needs npm packages, which `duet run`
  // serves once Node is the harness); empty when it can.
  std::string pending;
};

// Where a claim comes from: an article in ../shared/articles and one sentence of it, verbatim;
// `against` marks a sentence of the articles that says the opposite.
struct ClaimSource {
  std::string article, quote;
  bool against = false;
};

// One set of circumstances a claim is judged under; a claim holds under some and not others.
struct ConditionSpec {
  std::string id, label;  // label: how the overall verdict names it ("CPU-bound plain code, 1 thread")
  std::string tier;       // "plain" (the language alone) or "ecosystem" (numpy/pandas, typed arrays/npm)
  std::string workers;    // "1" or "N"
  std::string parallelism;         // "threads", "processes" or "" (one thread)
  std::string bound;               // "cpu", "io", "memory" or "startup"
  std::vector<std::string> sizes;  // the --size values it is meant for: "quick", "full"
  std::string pending;             // why nothing under it can be measured yet; empty when it can
  // The cores a fair measurement needs (servers in N processes and the load generator: N + 1);
  // on a machine with fewer, its verdict is "inconclusive on this machine" whatever the ratios. 0: any.
  int min_cores = 0;
  std::vector<EvidenceSpec> evidence;
};

struct ClaimSpec {
  std::string id, claim, question;
  std::string origin;  // why a claim cites no article (duet's own addition); empty otherwise
  // What every verdict on the claim must say ("no CPython without the GIL is packaged here"); may be empty.
  std::string caveat;
  std::vector<ClaimSource> sources;
  std::vector<ConditionSpec> conditions;
  std::vector<EvidenceSpec> evidence;  // every condition's evidence, in order
};

// A claim of the articles that no measurement can decide, and why.
struct UntestableClaim {
  std::string claim, reason;
  std::vector<ClaimSource> sources;
};

// Reads a duet-claims/2 file (or a /1 file: its claim-level workloads become one condition);
// errors name the file (and the line, for bad JSON). `untestable` may be null.
Status LoadClaims(const std::filesystem::path& path, std::vector<ClaimSpec>* claims,
                  std::vector<UntestableClaim>* untestable = nullptr);

// A workload run with some parameter overrides: what `duet claims` has to measure.
struct Measurement {
  std::string workload;
  nlohmann::json params;
};
// Every distinct measurement the claims need: those of resident memory first, then the rest in
// claims order; pending evidence needs none.
std::vector<Measurement> MeasurementsFor(const std::vector<ClaimSpec>& claims);

struct EvidenceResult {
  EvidenceSpec spec;
  bool measured = false;
  double value = 0, low = 0, high = 0;
  bool has_interval = false;
  bool supports = false;     // the whole interval lies on the claim's side of the threshold
  bool contradicts = false;  // the whole interval lies on the other side
  std::string note;          // why it was not measured
};

struct ConditionVerdict {
  ConditionSpec spec;
  // "supported", "contradicted", "mixed" (some evidence each way), "inconclusive" (intervals
  // straddling the threshold), "inconclusive on this machine" (too few cores: see min_cores),
  // "not measured" (not in this run, or failed) or "not measured yet".
  std::string verdict;
  std::string note;  // why "inconclusive on this machine"; empty otherwise
  std::vector<EvidenceResult> evidence;
  // How the measured evidence split: one inconclusive piece among supporting ones makes the
  // condition "inconclusive", and the counts say how close it came.
  size_t supporting = 0, contradicting = 0, inconclusive = 0;
  size_t measured() const { return supporting + contradicting + inconclusive; }
};

struct ClaimVerdict {
  ClaimSpec spec;
  std::string verdict;  // "supported", "contradicted", "depends" or "not measured"
  std::string overall;  // "supported for CPU-bound plain code, 1 thread; not measured yet for ..."
  std::vector<ConditionVerdict> conditions;
  std::vector<EvidenceResult> evidence;  // every condition's, in order
};

// Judges every condition of every claim on `results`, then the claim: supported when every
// measured condition is, contradicted when every one is, depends otherwise, not measured when
// none is. A result serves a measurement when its workload id matches and its params hold every
// override. Failed workloads are not evidence. `cores`: the CPU count of the machine the results
// were measured on (0: unknown, which no condition with min_cores can rely on).
std::vector<ClaimVerdict> JudgeClaims(const std::vector<ClaimSpec>& claims, const std::vector<WorkloadResult>& results,
                                      int cores = 0);
// The CPU count a run's environment records (its "machine" object); 0 when it records none.
int MachineCores(const nlohmann::json& environment);
// Only the claims with at least one measured piece of evidence (what a report of a partial run shows).
std::vector<ClaimVerdict> MeasuredClaims(const std::vector<ClaimVerdict>& verdicts);
// The evidence's figure: "11.43x [11.38-11.48]" or "1.38x (one measurement each)".
std::string FormatEvidenceValue(const EvidenceResult& evidence);
// The rule the evidence is held to: "CPython/V8 time above 1.00".
std::string DescribeRule(const EvidenceSpec& spec);
// "supports", "contradicts", "inconclusive", or why it was not measured.
std::string EvidenceOutcome(const EvidenceResult& evidence);
// The tier, workers, bound and sizes of a condition in words: "ecosystem tier, 1 thread, CPU-bound".
std::string DescribeCondition(const ConditionSpec& spec);
// "7 support, 1 inconclusive" for a mixed or inconclusive condition with more than one measured
// piece of evidence; empty otherwise, where the verdict alone says it.
std::string DescribeTally(const ConditionVerdict& condition);
std::string FormatClaims(const std::vector<ClaimVerdict>& verdicts);
nlohmann::json ClaimsJson(const std::vector<ClaimVerdict>& verdicts);

}  // namespace duet
