// Loading libduet_node.so (node/library.h) once per process, the first time JavaScript is
// needed (core/host_library.h finds it).
#pragma once

#include "core/status.h"
#include "node/library.h"

namespace duet {

// Sets `*library` to the Node adapter's entry table; the library stays loaded until exit.
// A process linked with the adapter (the tests) gets its own copy without loading another.
Status LoadNodeLibrary(const NodeLibrary** library);

}  // namespace duet
