// The measuring loop; see harness.h.
#include "harness/harness.h"

#include <fmt/format.h>

#include <memory>

#include "core/clock.h"
#include "core/memory.h"
#include "core/stdio_guard.h"
#include "core/text.h"
#include "harness/network_run.h"
#include "harness/statistics.h"
#include "harness/watchdog.h"

namespace duet {

const char* Progress::PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kImporting: return "importing";
    case Phase::kWarmup: return "warmup";
    case Phase::kSampling: return "sample";
  }
  return "?";
}

SamplingPlan SamplingPlan::Resolve(const RunPlan& asked, const WorkloadPair& pair) {
  SamplingPlan plan;
  plan.blocks = std::max(1, asked.blocks);
  if (asked.runs) {
    plan.by_time = false;
    plan.runs = *asked.runs;
  } else if (asked.time_budget_s) {
    plan.time_budget_s = *asked.time_budget_s;
  } else if (pair.runs) {
    plan.by_time = false;
    plan.runs = *pair.runs;
  } else {
    plan.time_budget_s = pair.time_budget_s.value_or(kDefaultTimeBudgetS);
  }
  if (asked.warmup_auto || asked.warmup) {
    plan.warmup_auto = asked.warmup_auto;
    plan.warmup = asked.warmup.value_or(0);
  } else if (pair.warmup) {
    plan.warmup_auto = false;
    plan.warmup = *pair.warmup;
  } else {
    plan.warmup_auto = true;
  }
  return plan;
}

std::string SamplingPlan::Describe() const {
  std::string sampling = by_time ? fmt::format("time budget {:g} s", time_budget_s) : Counted(runs, "run");
  return sampling + (warmup_auto ? ", warmup auto" : fmt::format(", warmup {}", warmup));
}

const RuntimeResult* WorkloadResult::Find(RuntimeId runtime) const {
  for (const RuntimeResult& r : runtimes) {
    if (r.runtime == runtime) return &r;
  }
  return nullptr;
}

namespace {

std::vector<double> AsDoubles(const std::vector<uint64_t>& values) { return {values.begin(), values.end()}; }

}  // namespace

std::vector<double> WallTimes(const RuntimeResult& r) { return AsDoubles(r.samples.WallNs()); }
Summary WallSummary(const RuntimeResult& r) { return Summarize(WallTimes(r)); }
Summary CpuSummary(const RuntimeResult& r) { return Summarize(AsDoubles(r.samples.CpuNs())); }

std::optional<RatioEstimate> CpythonOverV8(const WorkloadResult& r) {
  const RuntimeResult* js = r.Find(RuntimeId::kV8);
  const RuntimeResult* py = r.Find(RuntimeId::kCPython);
  if (r.failed() || js == nullptr || py == nullptr || js->samples.empty() || py->samples.empty()) return {};
  return RatioOfMedians(WallTimes(*py), WallTimes(*js));
}

namespace {

struct Lane {
  Runtime* runtime;
  RuntimeResult* result;
  const WorkloadPair* pair;
  Watchdog* watchdog;
  double timeout_s;
  StdioGuard* stdio;
  std::unique_ptr<NetworkLane> net;  // network pairs only
  bool loaded = false;
  uint64_t last_wall_ns = 0;  // the last iteration's, warm-ups included
  bool alive() const { return result->error.ok(); }
  const std::filesystem::path& script() const { return pair->Script(runtime->id()); }

  // Runs `call` under the watchdog. A call it had to end fails with a message that says so,
  // keeping the location the runtime found (where Python was when the exception landed).
  template <typename Call>
  Status Guarded(const char* what, Call&& call, bool check_stdio = true, double extra_s = 0) {
    Watchdog::Scope scope(watchdog, runtime, timeout_s > 0 ? timeout_s + extra_s : 0);
    Status status = call();
    if (scope.fired()) {
      // A network iteration is allowed its load's own bound on top of --timeout: say both.
      std::string allowed = extra_s > 0 ? fmt::format("{:g} s (--timeout {:g} s + {:g} s for the load)", timeout_s + extra_s,
                                                      timeout_s, extra_s)
                                        : fmt::format("{:g} s (--timeout)", timeout_s);
      return Status::Timeout(fmt::format("timed out: {} was still running after {}", what, allowed), status.file(),
                             status.line(), status.detail());
    }
    if (!status.ok()) return OneLine(status);
    return check_stdio ? CheckStdio() : status;
  }
  // A failure's reason is one line in every report; the rest of a longer message (V8's
  // description of a cycle, say) goes with the detail.
  static Status OneLine(const Status& status) {
    size_t eol = status.message().find('\n');
    if (eol == std::string::npos) return status;
    return Status::WithCode(status.code(), status.message().substr(0, eol), status.file(), status.line(),
                            status.message() + (status.detail().empty() ? "" : "\n" + status.detail()));
  }
  // Out of the timed path (once per call, or per block of iterations): duet's own output must
  // survive a workload that closed fd 1 or 2.
  Status CheckStdio() { return stdio->Check(); }
};

bool IterateOnce(Lane& lane, Sample* sample);

// One iteration; false when the runtime failed (its error is recorded).
bool Iterate(Lane& lane, Sample* sample) {
  bool ok = IterateOnce(lane, sample);
  lane.last_wall_ns = sample->wall_ns;
  return ok;
}

// A startup workload's iteration is cold: teardown, load, setup and the first run, timed together.
bool IterateOnce(Lane& lane, Sample* sample) {
  if (lane.net) {
    // The load generator bounds the traffic itself; the watchdog allows for that bound.
    lane.result->error = lane.Guarded(
        "run", [&] { return lane.net->Iterate(*lane.runtime, lane.script().string(), sample); },
        /*check_stdio=*/false, lane.net->max_seconds());
    return lane.alive();
  }
  if (!lane.pair->startup) {
    lane.result->error = lane.Guarded("run", [&] { return lane.runtime->RunOnce(sample); }, /*check_stdio=*/false);
    return lane.alive();
  }
  lane.result->error = lane.Guarded("a cold start", [&] {
    DUET_RETURN_IF_ERROR(lane.runtime->Teardown());  // the last cold start's workload
    // The engine's own set-up (a Node environment) is cold_start_ns's business, not the workload's.
    DUET_RETURN_IF_ERROR(lane.runtime->Prepare(lane.script()));
    uint64_t cpu0 = ThreadCpuNs();
    uint64_t wall0 = NowNs();
    Status status = lane.runtime->Load(lane.script(), lane.pair->params);
    if (status.ok()) status = lane.runtime->Setup();
    Sample first_run;
    if (status.ok()) status = lane.runtime->RunOnce(&first_run);
    sample->wall_ns = NowNs() - wall0;
    sample->cpu_ns = ThreadCpuNs() - cpu0;
    return status;
  });
  return lane.alive();
}

void Warmup(Lane& lane, const SamplingPlan& plan, const std::function<void(int, int)>& note) {
  if (!plan.warmup_auto) {
    for (int i = 0; i < plan.warmup; ++i) {
      note(i + 1, plan.warmup);
      Sample sample;
      if (!Iterate(lane, &sample)) return;
      ++lane.result->warmup;
    }
    return;
  }
  // Automatic: until the last few iterations stop getting faster (JIT tiers, caches), bounded.
  std::vector<double> times;
  uint64_t started = NowNs();
  while (static_cast<int>(times.size()) < SamplingPlan::kAutoWarmupMax &&
         static_cast<double>(NowNs() - started) / 1e9 < SamplingPlan::kAutoWarmupMaxS) {
    note(static_cast<int>(times.size()) + 1, 0);
    Sample sample;
    if (!Iterate(lane, &sample)) return;
    ++lane.result->warmup;
    times.push_back(static_cast<double>(sample.wall_ns));
    if (IsSteady(times, SamplingPlan::kSteadyWindow)) return;
  }
}

}  // namespace

WorkloadResult RunWorkload(const WorkloadPair& pair, const RunPlan& asked,
                           const std::vector<Runtime*>& runtimes, const ProgressFn& progress) {
  WorkloadResult out;
  out.pair = pair;
  out.plan = SamplingPlan::Resolve(asked, pair);
  const SamplingPlan& plan = out.plan;
  out.runtimes.resize(runtimes.size());
  Watchdog watchdog;
  StdioGuard stdio;
  std::vector<Lane> lanes;
  for (size_t i = 0; i < runtimes.size(); ++i) {
    out.runtimes[i].runtime = runtimes[i]->id();
    lanes.push_back({runtimes[i], &out.runtimes[i], &pair, &watchdog, asked.timeout_s, &stdio, nullptr});
  }
  if (!pair.problem.ok()) {
    out.error = pair.problem;
    return out;
  }
  if (pair.network()) {
    LoadOptions load;
    Status resolved = ResolveLoadOptions(pair.load, pair.params, &load);
    if (!resolved.ok()) {
      out.error = Status::ScriptError("\"load\": " + resolved.message(), pair.manifest.string(), 1);
      return out;
    }
    WebLoad web = ResolveWebLoad(pair.load, pair.params);
    for (Lane& lane : lanes) lane.net = std::make_unique<NetworkLane>(load, web);
  }
  uint64_t peak_rss_before = PeakRssBytes();
  uint64_t rss_before = CurrentRssBytes();

  // Seconds left for this workload, from what the samples so far say an iteration costs.
  auto eta = [&](size_t lane_index, int block, uint64_t block_end) {
    if (plan.by_time) {
      double per_block = plan.time_budget_s / plan.blocks;
      double this_block = block_end > NowNs() ? static_cast<double>(block_end - NowNs()) / 1e9 : 0.0;
      return this_block + per_block * static_cast<double>((plan.blocks - block) * lanes.size() - lane_index - 1);
    }
    double left = 0;
    for (const Lane& lane : lanes) {
      if (!lane.alive() || lane.result->samples.empty()) continue;
      left += static_cast<double>(plan.runs - static_cast<int>(lane.result->samples.size())) *
              static_cast<double>(lane.result->samples.MedianWallNs()) / 1e9;
    }
    return left;
  };
  auto note = [&](const Lane& lane, Progress::Phase phase, int done, int total, double eta_s) {
    if (progress) progress({lane.result->runtime, phase, done, total, eta_s});
  };

  for (Lane& lane : lanes) {
    note(lane, Progress::Phase::kImporting, 0, 0, 0);
    uint64_t rss_before_setup = CurrentRssBytes();
    lane.runtime->BeginCounters();
    if (lane.net) lane.net->BeforeSetup();
    lane.result->error = lane.Guarded("loading", [&] { return lane.runtime->Load(lane.script(), pair.params); });
    lane.loaded = true;
    if (lane.alive()) lane.result->error = lane.Guarded("setup", [&] { return lane.runtime->Setup(); });
    if (lane.net) lane.net->AfterSetup();
    lane.result->setup = {static_cast<int64_t>(CurrentRssBytes()) - static_cast<int64_t>(rss_before_setup),
                          lane.runtime->EndCounters()};
    if (lane.alive()) {
      Warmup(lane, plan, [&](int done, int total) { note(lane, Progress::Phase::kWarmup, done, total, 0); });
    }
  }

  // Sampling in blocks: each runtime takes its turn for a block of iterations, then the next.
  for (Lane& lane : lanes) {
    if (lane.alive()) lane.runtime->BeginCounters();
    if (lane.net) lane.net->Reset();
  }
  const Lane* last_ran = lanes.empty() ? nullptr : &lanes.back();  // loaded and warmed up last
  for (int block = 0; block < plan.blocks; ++block) {
    for (size_t l = 0; l < lanes.size(); ++l) {
      Lane& lane = lanes[l];
      if (!lane.alive()) continue;
      if (last_ran != &lane && !lane.net && !pair.startup && lane.last_wall_ns < SamplingPlan::kBlockWarmupUnderNs) {
        Sample untimed;
        if (!Iterate(lane, &untimed)) continue;
        ++lane.result->block_warmups;
      }
      last_ran = &lane;
      SampleSet& samples = lane.result->samples;
      int target = plan.by_time ? SamplingPlan::kMaxSamples
                                : plan.runs * (block + 1) / plan.blocks;  // spreads the remainder
      uint64_t block_end = NowNs() + static_cast<uint64_t>(plan.time_budget_s / plan.blocks * 1e9);
      while (static_cast<int>(samples.size()) < target) {
        if (plan.by_time && NowNs() >= block_end &&
            static_cast<int>(samples.size()) >= SamplingPlan::kMinSamples * (block + 1) / plan.blocks) {
          break;
        }
        note(lane, Progress::Phase::kSampling, static_cast<int>(samples.size()) + 1, plan.by_time ? 0 : plan.runs, eta(l, block, block_end));
        Sample sample;
        if (!Iterate(lane, &sample)) break;
        samples.Add(sample);
      }
      if (lane.alive()) lane.result->error = lane.CheckStdio();
    }
  }
  for (Lane& lane : lanes) {
    if (lane.alive()) lane.result->counters = lane.runtime->EndCounters();
    if (lane.net) lane.result->load = lane.net->Summary();
  }

  for (Lane& lane : lanes) {
    if (!lane.alive() || (lane.result->samples.empty() && lane.result->warmup == 0)) continue;
    nlohmann::json result;
    lane.result->error = lane.Guarded("serialising the result", [&] { return lane.runtime->LastResult(&result); });
    if (!lane.alive()) continue;
    lane.result->result = result;
    if (lane.runtime->exports().verify) {
      bool passed = false;
      lane.result->error = lane.Guarded("verify", [&] { return lane.runtime->Verify(&passed); });
      if (lane.alive()) lane.result->verified = passed;
    }
  }
  for (Lane& lane : lanes) {
    if (!lane.loaded) continue;
    Status torn = lane.Guarded("teardown", [&] { return lane.runtime->Teardown(); });
    if (lane.alive() && !torn.ok()) lane.result->error = torn;
  }
  out.process = {{"rss_bytes_before", rss_before},
                 {"rss_bytes_after", CurrentRssBytes()},
                 {"peak_rss_delta_bytes", PeakRssBytes() - peak_rss_before}};

  std::optional<Status> same_bodies;
  if (lanes.size() == 2 && lanes[0].net && lanes[1].net) {
    same_bodies = CompareVerifiedBodies(*lanes[0].net, RuntimeKey(out.runtimes[0].runtime), *lanes[1].net,
                                        RuntimeKey(out.runtimes[1].runtime));
    if (same_bodies) out.bodies_match = same_bodies->ok();
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
      out.error = Status::ScriptError("verify() rejected the result " + r.result->dump());
      return out;
    }
  }
  if (same_bodies && !same_bodies->ok()) {
    out.error = Status::ScriptError(same_bodies->message());
    return out;
  }
  if (out.runtimes.size() == 2 && out.runtimes[0].result && out.runtimes[1].result) {
    out.results_match = *out.runtimes[0].result == *out.runtimes[1].result;
    if (!*out.results_match) {
      out.error = Status::ScriptError("results differ: " + std::string(RuntimeKey(out.runtimes[0].runtime)) + " returned " +
                                out.runtimes[0].result->dump() + ", " + std::string(RuntimeKey(out.runtimes[1].runtime)) +
                                " returned " + out.runtimes[1].result->dump());
    }
  }
  return out;
}

}  // namespace duet
