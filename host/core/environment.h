// The environment record every result carries (design §4): machine, versions, command line.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/session.h"

namespace duet {

nlohmann::json CollectEnvironment(Session& session, const std::vector<std::string>& command_line);
// Why this machine may make the numbers noisy (governor, turbo, load, cores); empty when fine.
std::vector<std::string> MachineWarnings(const nlohmann::json& environment);

}  // namespace duet
