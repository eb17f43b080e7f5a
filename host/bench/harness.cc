// The measuring loop; see harness.h.
#include "bench/harness.h"

namespace duet {
namespace {

constexpr int kDefaultRuns = 10;
constexpr int kDefaultWarmup = 3;

struct Lane {
  Runtime* runtime;
  RuntimeResult* result;
  bool loaded = false;
  bool alive() const { return result->error.ok(); }
};

}  // namespace

const RuntimeResult* WorkloadResult::Find(const std::string& runtime) const {
  for (const RuntimeResult& r : runtimes) {
    if (r.runtime == runtime) return &r;
  }
  return nullptr;
}

WorkloadResult RunWorkload(const WorkloadPair& pair, const RunPlan& plan,
                           const std::vector<Runtime*>& runtimes, const ProgressFn& progress) {
  WorkloadResult out;
  out.pair = pair;
  out.runs = plan.runs.value_or(pair.runs.value_or(kDefaultRuns));
  int warmup = plan.warmup.value_or(pair.warmup.value_or(kDefaultWarmup));
  auto note = [&](const std::string& text) {
    if (progress) progress(text);
  };

  out.runtimes.resize(runtimes.size());
  std::vector<Lane> lanes;
  for (size_t i = 0; i < runtimes.size(); ++i) {
    out.runtimes[i].runtime = std::string(runtimes[i]->name());
    lanes.push_back({runtimes[i], &out.runtimes[i]});
  }
  if (!pair.problem.ok()) {
    out.error = pair.problem;
    return out;
  }

  for (Lane& lane : lanes) {
    const auto& script = lane.runtime->name() == "v8" ? pair.js : pair.py;
    note(std::string(lane.runtime->name()) + " load");
    lane.result->error = lane.runtime->Load(script, pair.params);
    lane.loaded = true;
    if (lane.alive()) lane.result->error = lane.runtime->Setup();
  }

  // Interleaved rounds: every live runtime does one iteration per round.
  auto round = [&](bool timed) {
    for (Lane& lane : lanes) {
      if (!lane.alive()) continue;
      Sample sample;
      lane.result->error = lane.runtime->RunOnce(&sample);
      if (!lane.alive()) continue;
      if (timed) {
        lane.result->samples.Add(sample);
      } else {
        ++lane.result->warmup;
      }
    }
  };
  for (int i = 0; i < warmup; ++i) {
    note("warmup " + std::to_string(i + 1) + "/" + std::to_string(warmup));
    round(false);
  }
  for (int i = 0; i < out.runs; ++i) {
    note("sample " + std::to_string(i + 1) + "/" + std::to_string(out.runs));
    round(true);
  }

  for (Lane& lane : lanes) {
    if (!lane.alive() || (out.runs == 0 && lane.result->warmup == 0)) continue;
    nlohmann::json result;
    lane.result->error = lane.runtime->LastResult(&result);
    if (!lane.alive()) continue;
    lane.result->result = result;
    if (lane.runtime->exports().verify) {
      bool passed = false;
      lane.result->error = lane.runtime->Verify(&passed);
      if (lane.alive()) lane.result->verified = passed;
    }
  }
  for (Lane& lane : lanes) {
    if (!lane.loaded) continue;
    Status torn = lane.runtime->Teardown();
    if (lane.alive() && !torn.ok()) lane.result->error = torn;
  }

  // The verdict: the first runtime error, then a failed verify, then a mismatch.
  for (const RuntimeResult& r : out.runtimes) {
    if (!r.error.ok()) {
      out.error_runtime = r.runtime;
      out.error = r.error;
      return out;
    }
  }
  for (const RuntimeResult& r : out.runtimes) {
    if (r.verified == false) {
      out.error_runtime = r.runtime;
      out.error = Status::Error("verify() rejected the result " + r.result->dump());
      return out;
    }
  }
  if (out.runtimes.size() == 2 && out.runtimes[0].result && out.runtimes[1].result) {
    out.results_match = *out.runtimes[0].result == *out.runtimes[1].result;
    if (!*out.results_match) {
      out.error = Status::Error("results differ: " + out.runtimes[0].runtime + " returned " +
                                out.runtimes[0].result->dump() + ", " + out.runtimes[1].runtime +
                                " returned " + out.runtimes[1].result->dump());
    }
  }
  return out;
}

}  // namespace duet
