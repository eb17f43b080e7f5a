// Figures as people read them: durations and sizes with their units, for tables, summaries
// and messages in every layer.
#pragma once

#include <cstdint>
#include <string>

namespace duet {

// "1.23 ms", "456.0 µs", "2.10 s".
std::string FormatDuration(uint64_t ns);
// "12 KiB", "3.4 MiB".
std::string FormatBytes(double bytes);

}  // namespace duet
