// The claims verdict (design §7): workloads/claims.json maps each claim of the Node.js-vs-Python
// debate to the workloads that test it and the quantity that decides it; given measured results,
// each claim earns supported, contradicted or depends (rules in docs/claims.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness.h"
#include "core/status.h"

namespace duet {

// One measured quantity that speaks to a claim.
struct EvidenceSpec {
  std::string workload;  // category/name
  std::string label;     // what it shows; the workload id unless claims.json says more
  // "cpython_over_v8": CPython/V8 median wall time with its 95% bootstrap interval;
  // "setup_rss_cpython_over_v8": resident memory that load + setup cost, CPython/V8 (one value each);
  // "scaling": `runtime`'s median under `params` over its median under `baseline_params`.
  std::string quantity;
  bool supported_above = true;  // supported when the quantity is above (else below) the threshold
  double threshold = 1.0;
  std::string runtime;  // for "scaling"
  nlohmann::json params = nlohmann::json::object();  // overrides merged over the workload's params
  nlohmann::json baseline_params;                    // for "scaling"; null otherwise
};

struct ClaimSpec {
  std::string id, claim, question;
  std::vector<EvidenceSpec> evidence;
};

// Reads a duet-claims/1 file; errors name the file (and the line, for bad JSON).
Status LoadClaims(const std::filesystem::path& path, std::vector<ClaimSpec>* claims);

// A workload run with some parameter overrides: what `duet claims` has to measure.
struct Measurement {
  std::string workload;
  nlohmann::json params;
};
// Every distinct measurement the claims need, in claims order.
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

struct ClaimVerdict {
  ClaimSpec spec;
  std::string verdict;  // "supported", "contradicted", "depends" or "not measured"
  std::vector<EvidenceResult> evidence;
};

// Judges every claim on `results`: supported when all its measured evidence supports it,
// contradicted when all contradicts it, depends otherwise (mixed, or an interval straddling the
// threshold). A result serves a measurement when its workload id matches and its params hold
// every override. Failed workloads are not evidence.
std::vector<ClaimVerdict> JudgeClaims(const std::vector<ClaimSpec>& claims, const std::vector<WorkloadResult>& results);
// Only the claims with at least one measured piece of evidence (what a report of a partial run shows).
std::vector<ClaimVerdict> MeasuredClaims(const std::vector<ClaimVerdict>& verdicts);
// The evidence's figure: "11.43x [11.38-11.48]" or "1.38x (one measurement each)".
std::string FormatEvidenceValue(const EvidenceResult& evidence);
// The rule the evidence is held to: "CPython/V8 time above 1.00".
std::string DescribeRule(const EvidenceSpec& spec);
// "supports", "contradicts", "inconclusive", or why it was not measured.
std::string EvidenceOutcome(const EvidenceResult& evidence);
std::string FormatClaims(const std::vector<ClaimVerdict>& verdicts);
nlohmann::json ClaimsJson(const std::vector<ClaimVerdict>& verdicts);

}  // namespace duet
