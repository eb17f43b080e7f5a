// What `duet load` prints: the human summary of a load run. Its JSON twin, duet-load/1, is the
// load layer's own format (load/load_json.h).
#pragma once

#include <string>

#include "load/load_generator.h"
#include "load/load_json.h"

namespace duet {

// A few aligned lines: target, counts, throughput, latency percentiles, bytes, errors by kind.
std::string FormatLoadSummary(const LoadResult& result);

}  // namespace duet
