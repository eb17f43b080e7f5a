// The HTML report's web section: per TechEmpower test, every framework's requests/s as a bar with
// the 95% interval of its median, and the ranking's figures as a table (report/web_ranking.h).
#pragma once

#include <string>
#include <vector>

#include "harness/harness.h"

namespace duet::html {

// "" when no result is a web test's, so a run without web pairs has no empty section.
std::string WebRankingSection(const std::vector<WorkloadResult>& results);

}  // namespace duet::html
