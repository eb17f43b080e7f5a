// Calibration; see calibration.h.
#include "harness/calibration.h"

#include <time.h>
#include <unistd.h>

#include <fstream>

#include "core/clock.h"
#include "harness/sample_set.h"

namespace duet {
namespace {

constexpr int kClockReads = 10000;
constexpr int kEmptyWarmup = 50;
constexpr int kEmptySamples = 500;

nlohmann::json ClockFigures() {
  timespec res{};
  clock_getres(CLOCK_MONOTONIC, &res);
  uint64_t min_step = UINT64_MAX;
  uint64_t first = NowNs();
  uint64_t previous = first;
  for (int i = 0; i < kClockReads; ++i) {
    uint64_t now = NowNs();
    if (now > previous) min_step = std::min(min_step, now - previous);
    previous = now;
  }
  return {{"resolution_ns", res.tv_sec * 1000000000ll + res.tv_nsec},
          {"min_step_ns", min_step == UINT64_MAX ? 0 : min_step},
          {"read_cost_ns", (previous - first) / kClockReads}};
}

// The empty workload, written where each runtime can load it like any other.
std::filesystem::path WriteEmptyWorkload(const std::filesystem::path& dir, Runtime* runtime) {
  bool js = runtime->id() == RuntimeId::kV8;
  std::filesystem::path file = dir / (js ? "empty.mjs" : "empty.py");
  std::ofstream(file) << (js ? "export function run(state) { return null; }\n"
                             : "def run(state):\n    return None\n");
  return file;
}

}  // namespace

nlohmann::json Calibrate(const std::vector<Runtime*>& runtimes) {
  nlohmann::json overhead = nlohmann::json::object();
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("duet-calibration-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (Runtime* runtime : runtimes) {
    std::filesystem::path file = WriteEmptyWorkload(dir, runtime);
    SampleSet samples;
    Status status = runtime->Load(file, nlohmann::json::object());
    if (status.ok()) status = runtime->Setup();
    for (int i = 0; status.ok() && i < kEmptyWarmup + kEmptySamples; ++i) {
      Sample sample;
      status = runtime->RunOnce(&sample);
      if (i >= kEmptyWarmup) samples.Add(sample);
    }
    Status torn_down = runtime->Teardown();
    if (status.ok()) status = torn_down;
    overhead[std::string(runtime->name())] =
        status.ok() ? nlohmann::json(samples.MedianWallNs()) : nlohmann::json(nullptr);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return {{"clock", ClockFigures()}, {"harness_overhead_ns", overhead}};
}

}  // namespace duet
