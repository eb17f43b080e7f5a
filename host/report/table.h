// The terminal table: per workload the JS and Python medians, their ratio and whether the two
// runtimes agreed; failures follow with runtime, file:line and message.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "bench/harness.h"

namespace duet {

// "1.23 ms", "456 µs", "2.10 s".
std::string FormatDuration(uint64_t ns);
void PrintTable(const std::vector<WorkloadResult>& results, std::FILE* out);
// The failure block for one workload (headline, location, detail), as printed under the table.
std::string FormatFailure(const WorkloadResult& result);

}  // namespace duet
