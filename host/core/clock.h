// The clocks every sample is read from: monotonic wall time (libuv's hrtime, the clock node's
// process.hrtime uses) and the calling thread's CPU time.
#pragma once

#include <cstdint>

namespace duet {

// Monotonic nanoseconds (CLOCK_MONOTONIC via uv_hrtime). Thread-safe.
uint64_t NowNs();
// CPU time consumed by the calling thread, in nanoseconds. Thread-safe.
uint64_t ThreadCpuNs();
// CPU time consumed by every thread of this process, in nanoseconds. Thread-safe.
uint64_t ProcessCpuNs();

}  // namespace duet
