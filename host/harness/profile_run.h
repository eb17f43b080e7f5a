// ProfileWorkload: `duet profile`'s driver. Runs one workload's measured iterations under each
// runtime's profiler, recording iterations, GC pauses, loop polls and samples on one Trace;
// writes the .cpuprofile and .trace.json files and the terminal summary (docs/profile-output.md).
// Also the profiler-overhead benchmark. Main thread only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/loop.h"
#include "core/runtime.h"
#include "harness/workload_pair.h"
#include "profile/cpu_profile.h"
#include "profile/trace.h"

namespace duet {

struct ProfileOptions {
  // V8's own default; the overhead benchmark (docs/profile-output.md) keeps both runtimes within
  // 10% at this interval.
  static constexpr int kDefaultIntervalUs = 1000;
  int interval_us = kDefaultIntervalUs;
  std::optional<int> runs;          // measured iterations; default: workload.json's, else by time
  double time_budget_s = 1.0;       // when runs is unset: profile for this long, at least 3 iterations
  std::optional<int> warmup;        // default: workload.json's, else 3
};

struct RuntimeProfile {
  RuntimeId runtime = RuntimeId::kV8;
  CpuProfile profile;
  ProfilerNotes notes;  // the engine's JIT facts (Runtime::StopProfiling)
  std::vector<uint64_t> iteration_ns;
  uint64_t profiled_ns = 0;  // from the first iteration's start to the last one's end
  uint64_t gc_ns = 0;        // GC pauses inside that window
  uint64_t gc_count = 0;
  Status error;

  // Samples taken over samples asked for (one per interval over the profiled window).
  double SampleRate(int interval_us) const;
};

struct ProfileResult {
  WorkloadPair pair;
  int interval_us = 0;
  std::vector<RuntimeProfile> runtimes;
  Trace trace;
};

// Profiles `pair` in each of `runtimes` in turn (JS first); failures land in each RuntimeProfile.
ProfileResult ProfileWorkload(const WorkloadPair& pair, const ProfileOptions& options,
                              const std::vector<Runtime*>& runtimes, Loop* loop);

// Writes <name>.js.cpuprofile, <name>.py.cpuprofile (for the runtimes that ran) and
// <name>.trace.json into `dir`; `written` lists them.
Status WriteProfileFiles(const ProfileResult& result, const std::filesystem::path& dir,
                         std::vector<std::filesystem::path>* written);

// The terminal summary: per runtime, top-10 self time, GC share, JIT activity.
std::string FormatProfileSummary(const ProfileResult& result);

// The overhead benchmark: per runtime, `blocks` alternating blocks of `per_block` iterations (and
// at least 0.25 s) without and with the profiler; the median slowdown and the sample rate achieved.
struct OverheadFigures {
  RuntimeId runtime = RuntimeId::kV8;
  double median_plain_ns = 0;
  double median_profiled_ns = 0;
  double slowdown = 0;     // median_profiled / median_plain - 1
  double sample_rate = 0;  // achieved / requested
  Status error;
};
std::vector<OverheadFigures> MeasureProfilerOverhead(const WorkloadPair& pair, const ProfileOptions& options,
                                                     const std::vector<Runtime*>& runtimes, int blocks,
                                                     int per_block);
std::string FormatOverhead(const WorkloadPair& pair, int interval_us, const std::vector<OverheadFigures>& figures);

}  // namespace duet
