// Loads the Node adapter; see node_library.h.
#include "session/node_library.h"

#include "core/host_library.h"

namespace duet {

Status LoadNodeLibrary(const NodeLibrary** library) {
  Status status = LoadHostLibraryOnce("libduet_node.so", "duet_node_library", library);
  return status.ok() ? status : Status::Error("cannot load Node: " + status.message());
}

}  // namespace duet
