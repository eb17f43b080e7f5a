// ProfileWorkload and the overhead benchmark; see profile_run.h.
#include "harness/profile_run.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/clock.h"
#include "core/file_io.h"
#include "core/text.h"
#include "core/units.h"
#include "harness/statistics.h"

namespace duet {
namespace {

bool IsV8(const Runtime* runtime) { return runtime->id() == RuntimeId::kV8; }

int WarmupFor(const WorkloadPair& pair, const ProfileOptions& options) {
  if (options.warmup) return *options.warmup;
  return pair.warmup.value_or(3);
}

// Load, setup and warmup: the workload ready for measured iterations.
Status Prepare(const WorkloadPair& pair, const ProfileOptions& options, Runtime* runtime) {
  if (!pair.problem.ok()) return pair.problem;
  DUET_RETURN_IF_ERROR(runtime->Load(pair.Script(runtime->id()), pair.params));
  DUET_RETURN_IF_ERROR(runtime->Setup());
  Sample ignored;
  for (int i = 0; i < WarmupFor(pair, options); ++i) DUET_RETURN_IF_ERROR(runtime->RunOnce(&ignored));
  return Status::Ok();
}

// The frames from the root to `leaf`, for a sample event's args.
nlohmann::json StackOf(const CpuProfile& profile, const std::vector<int>& parent, int leaf) {
  nlohmann::json stack = nlohmann::json::array();
  for (int id = leaf; id != CpuProfile::kRoot && id != 0; id = parent[static_cast<size_t>(id)]) {
    stack.insert(stack.begin(), profile.node(id).frame.function);
  }
  return stack;
}

void AddSamplesToTrace(const CpuProfile& profile, Trace::Track track, Trace* trace) {
  std::vector<int> parent(profile.nodes().size() + 1, 0);
  for (const ProfileNode& n : profile.nodes()) {
    for (int child : n.children) parent[static_cast<size_t>(child)] = n.id;
  }
  for (size_t i = 0; i < profile.samples().size(); ++i) {
    const ProfileNode& leaf = profile.node(profile.samples()[i]);
    std::string where = leaf.frame.url.empty() ? "" : fmt::format("{}:{}", leaf.frame.url, leaf.frame.line);
    trace->Instant(track, leaf.frame.function, "sample", static_cast<uint64_t>(profile.timestamps_us()[i]) * 1000,
                   {{"stack", StackOf(profile, parent, leaf.id)}, {"at", where}});
  }
}

void ProfileOne(const WorkloadPair& pair, const ProfileOptions& options, Runtime* runtime, Loop* loop,
                ProfileResult* result) {
  RuntimeProfile& out = result->runtimes.emplace_back();
  out.runtime = runtime->id();
  const Trace::Track track = IsV8(runtime) ? Trace::kV8 : Trace::kCPython;
  const Trace::Track gc_track = IsV8(runtime) ? Trace::kV8Gc : Trace::kCPythonGc;
  Trace& trace = result->trace;
  uint64_t window_start = 0, window_end = 0;
  bool in_window = false;
  runtime->SetGcListener([&](const std::string& kind, uint64_t start, uint64_t end) {
    trace.Span(gc_track, "GC " + kind, "gc", start, end, {{"type", kind}, {"duration_us", (end - start) / 1000.0}});
    if (in_window) {
      out.gc_ns += end - start;
      ++out.gc_count;
    }
  });
  loop->SetPollListener([&](uint64_t start, uint64_t end, uint64_t idle) {
    trace.Span(Trace::kLoop, idle > 0 ? "poll (idle)" : "poll", "loop", start, end,
               {{"runtime", runtime->name()}, {"idle_us", idle / 1000.0}});
  }).ok();

  uint64_t prepare_start = NowNs();
  out.error = Prepare(pair, options, runtime);
  trace.Span(track, "load, setup, warmup", "setup", prepare_start, NowNs());
  if (out.error.ok()) {
    std::optional<int> runs = options.runs ? options.runs : pair.runs;
    out.error = runtime->StartProfiling(options.interval_us);
    window_start = NowNs();
    in_window = true;
    for (int i = 0; out.error.ok(); ++i) {
      if (runs ? i >= *runs : (i >= 3 && NowNs() - window_start >= options.time_budget_s * 1e9)) break;
      Sample sample;
      uint64_t start = NowNs();
      out.error = runtime->RunOnce(&sample);
      uint64_t end = NowNs();
      trace.Span(track, fmt::format("iteration {}", i + 1), "iteration", start, end,
                 {{"wall_ns", sample.wall_ns}, {"cpu_ns", sample.cpu_ns}});
      if (out.error.ok()) out.iteration_ns.push_back(sample.wall_ns);
    }
    window_end = NowNs();
    in_window = false;
    Status stopped = runtime->StopProfiling(&out.profile, &out.notes);
    if (out.error.ok()) out.error = stopped;
    out.profiled_ns = window_end - window_start;
    AddSamplesToTrace(out.profile, track, &trace);
  }
  Status torn_down = runtime->Teardown();
  if (out.error.ok()) out.error = torn_down;
  runtime->SetGcListener({});
  loop->SetPollListener({}).ok();
}

// One block of the overhead benchmark: `runs` iterations, and at least kMinBlockNs, so that the
// profiler's start-up (V8's sampler thread, the first tick) is a small part of the window.
constexpr uint64_t kMinBlockNs = 250'000'000;
Status RunBlock(Runtime* runtime, int runs, std::vector<double>* wall_ns) {
  uint64_t start = NowNs();
  for (int i = 0; i < runs || NowNs() - start < kMinBlockNs; ++i) {
    Sample s;
    DUET_RETURN_IF_ERROR(runtime->RunOnce(&s));
    wall_ns->push_back(static_cast<double>(s.wall_ns));
  }
  return Status::Ok();
}

std::string Percent(double share) { return fmt::format("{:.1f}%", share * 100); }

std::string Where(const CallFrame& frame) {
  if (frame.url.empty()) return "";
  std::string file = std::filesystem::path(frame.url).filename().string();
  return frame.line > 0 ? fmt::format("{}:{}", file, frame.line) : file;
}

}  // namespace

double RuntimeProfile::SampleRate(int interval_us) const {
  int64_t window_us = profile.end_us - profile.start_us;
  if (window_us <= 0 || interval_us <= 0) return 0;
  return static_cast<double>(profile.samples().size()) / (static_cast<double>(window_us) / interval_us);
}

ProfileResult ProfileWorkload(const WorkloadPair& pair, const ProfileOptions& options,
                              const std::vector<Runtime*>& runtimes, Loop* loop) {
  ProfileResult result;
  result.pair = pair;
  result.interval_us = options.interval_us;
  for (Runtime* runtime : runtimes) ProfileOne(pair, options, runtime, loop, &result);
  return result;
}

Status WriteProfileFiles(const ProfileResult& result, const std::filesystem::path& dir,
                         std::vector<std::filesystem::path>* written) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create " + dir.string() + ": " + ec.message());
  for (const RuntimeProfile& r : result.runtimes) {
    if (r.profile.samples().empty() && !r.error.ok()) continue;
    std::filesystem::path path = dir / fmt::format("{}.{}.cpuprofile", result.pair.name, RuntimeLanguage(r.runtime));
    DUET_RETURN_IF_ERROR(WriteFileAtomically(path, r.profile.ToDevToolsJson().dump() + "\n"));
    written->push_back(path);
  }
  std::filesystem::path trace = dir / (result.pair.name + ".trace.json");
  DUET_RETURN_IF_ERROR(WriteFileAtomically(trace, result.trace.ToJson().dump() + "\n"));
  written->push_back(trace);
  return Status::Ok();
}

std::string FormatProfileSummary(const ProfileResult& result) {
  std::string text;
  for (const RuntimeProfile& r : result.runtimes) {
    if (!r.error.ok()) {
      text += fmt::format("{}: FAILED: {}\n", RuntimeKey(r.runtime), r.error.ToString());
      continue;
    }
    double window = static_cast<double>(r.profiled_ns);
    text += fmt::format("{}: {} in {}, {} every {} µs ({} of the requested rate)\n", RuntimeKey(r.runtime),
                        Counted(r.iteration_ns.size(), "iteration"), FormatDuration(r.profiled_ns),
                        Counted(r.profile.samples().size(), "sample"),
                        result.interval_us, Percent(r.SampleRate(result.interval_us)));
    text += fmt::format("  GC: {} of the time ({}, {})\n", Percent(window > 0 ? r.gc_ns / window : 0),
                        Counted(r.gc_count, "pause"), FormatDuration(r.gc_ns));
    text += "  top self time:\n";
    for (const SelfTime& t : r.profile.TopSelfTimes(10)) {
      text += fmt::format("    {:>6} {:>10}  {}  {}\n", Percent(window > 0 ? t.self_us * 1000.0 / window : 0),
                          FormatDuration(t.self_us * 1000), t.frame.function, Where(t.frame));
    }
    if (r.runtime == RuntimeId::kV8) {
      const std::vector<Deoptimisation>& deopts = r.notes.deoptimisations;
      text += fmt::format("  JIT: {} optimised while profiling, {}\n", Counted(r.notes.optimised.size(), "function"),
                          Counted(deopts.size(), "deoptimisation"));
      for (size_t i = 0; i < std::min<size_t>(deopts.size(), 5); ++i) {
        text += fmt::format("    deopt {} ({}:{}): {}\n", deopts[i].function,
                            std::filesystem::path(deopts[i].url).filename().string(), deopts[i].line, deopts[i].reason);
      }
    } else {
      text += "  specialised (adaptive) instructions in the hottest functions:\n";
      for (const Specialisation& s : r.notes.specialisation) {
        text += fmt::format("    {:>6} ({}/{})  {}\n",
                            Percent(s.instructions > 0 ? static_cast<double>(s.specialised) / s.instructions : 0),
                            s.specialised, s.instructions, s.function);
      }
    }
  }
  return text;
}

std::vector<OverheadFigures> MeasureProfilerOverhead(const WorkloadPair& pair, const ProfileOptions& options,
                                                     const std::vector<Runtime*>& runtimes, int blocks,
                                                     int per_block) {
  std::vector<OverheadFigures> all;
  for (Runtime* runtime : runtimes) {
    OverheadFigures& figures = all.emplace_back();
    figures.runtime = runtime->id();
    figures.error = Prepare(pair, options, runtime);
    std::vector<double> plain, profiled;
    uint64_t samples = 0;
    double requested = 0;
    // Blocks alternate so that machine drift hits both conditions alike.
    for (int b = 0; b < blocks && figures.error.ok(); ++b) {
      figures.error = RunBlock(runtime, per_block, &plain);
      if (!figures.error.ok()) break;
      figures.error = runtime->StartProfiling(options.interval_us);
      figures.error = RunBlock(runtime, per_block, &profiled);
      CpuProfile profile;
      ProfilerNotes notes;
      Status stopped = runtime->StopProfiling(&profile, &notes);
      if (figures.error.ok()) figures.error = stopped;
      samples += profile.samples().size();
      requested += static_cast<double>(profile.end_us - profile.start_us) / options.interval_us;
    }
    Status torn_down = runtime->Teardown();
    if (figures.error.ok()) figures.error = torn_down;
    if (!figures.error.ok()) continue;
    figures.median_plain_ns = Summarize(plain, 1, 0).median;
    figures.median_profiled_ns = Summarize(profiled, 1, 0).median;
    figures.slowdown = figures.median_plain_ns > 0 ? figures.median_profiled_ns / figures.median_plain_ns - 1 : 0;
    figures.sample_rate = requested > 0 ? samples / requested : 0;
  }
  return all;
}

std::string FormatOverhead(const WorkloadPair& pair, int interval_us, const std::vector<OverheadFigures>& figures) {
  std::string text;
  for (const OverheadFigures& f : figures) {
    if (!f.error.ok()) {
      text += fmt::format("{:<24} {:<8} FAILED: {}\n", pair.id(), RuntimeKey(f.runtime), f.error.ToString());
      continue;
    }
    text += fmt::format("{:<24} {:<8} interval {} µs: median {} -> {} profiled, slowdown {:+.1f}%, sample rate {:.1f}%\n",
                        pair.id(), RuntimeKey(f.runtime), interval_us, FormatDuration(static_cast<uint64_t>(f.median_plain_ns)),
                        FormatDuration(static_cast<uint64_t>(f.median_profiled_ns)), f.slowdown * 100,
                        f.sample_rate * 100);
  }
  return text;
}

}  // namespace duet
