// Calibration, measured once per session (design §4): the clock's resolution and cost, and the
// harness's own overhead per iteration in each runtime (an empty run()), so readers can tell
// which timings are too close to the floor to mean much.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "core/runtime.h"

namespace duet {

// {"clock": {"resolution_ns", "min_step_ns", "read_cost_ns"},
//  "harness_overhead_ns": {"v8": median, "cpython": median}}
nlohmann::json Calibrate(const std::vector<Runtime*>& runtimes);

}  // namespace duet
