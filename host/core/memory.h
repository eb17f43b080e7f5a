// Process memory as the kernel sees it: both runtimes share one process, so these figures
// belong to the workload, not to either engine.
#pragma once

#include <cstdint>

namespace duet {

// Resident set size now, in bytes (0 when /proc is unreadable).
uint64_t CurrentRssBytes();
// The process's peak resident set size so far, in bytes (getrusage's ru_maxrss).
uint64_t PeakRssBytes();

}  // namespace duet
