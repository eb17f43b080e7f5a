// The environment record every result carries (design §4): machine, versions, command line.
// Its machine part needs no runtime and is in core/machine.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/machine.h"
#include "session/session.h"

namespace duet {

// The record for a run in `session`: versions (duet, its commit, libuv, each engine), the machine
// with its fingerprint, the time and `command_line`.
nlohmann::json CollectEnvironment(Session& session, const std::vector<std::string>& command_line);

}  // namespace duet
