// Loading libduet_node.so (node/library.h) once per process, the first time JavaScript is
// needed (core/host_library.h finds it), and running node's own command line through it.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace duet {

struct NodeLibrary;  // node/library.h: only this layer names the adapter

// Sets `*library` to the Node adapter's entry table; the library stays loaded until exit.
// A process linked with the adapter (the tests) gets its own copy without loading another.
Status LoadNodeLibrary(const NodeLibrary** library);

// Runs `argv` ("duet", node options..., script, args...) as node's own main would, in this
// process; `*exit_code` is node's. Fails only when Node cannot be loaded.
Status RunNodeCommandLine(const std::vector<std::string>& argv, int* exit_code);

}  // namespace duet
