// Clock implementations; see clock.h.
#include "core/clock.h"

#include <time.h>
#include <uv.h>

namespace duet {

uint64_t NowNs() { return uv_hrtime(); }

uint64_t ThreadCpuNs() {
  timespec ts{};
  // Cannot fail for CLOCK_THREAD_CPUTIME_ID on Linux; a zero reading would show up in reports.
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t ProcessCpuNs() {
  timespec ts{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace duet
