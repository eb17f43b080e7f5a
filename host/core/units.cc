// Durations and sizes with their units; see units.h.
#include "core/units.h"

#include <fmt/format.h>

#include <cmath>

namespace duet {

std::string FormatDuration(uint64_t ns) {
  double v = static_cast<double>(ns);
  if (ns < 1'000) return fmt::format("{:.0f} ns", v);
  if (ns < 1'000'000) return fmt::format("{:.1f} µs", v / 1e3);
  if (ns < 1'000'000'000) return fmt::format("{:.2f} ms", v / 1e6);
  return fmt::format("{:.2f} s", v / 1e9);
}

std::string FormatBytes(double bytes) {
  if (std::abs(bytes) < 1024 * 1024) return fmt::format("{:.0f} KiB", bytes / 1024);
  return fmt::format("{:.1f} MiB", bytes / (1024 * 1024));
}

}  // namespace duet
