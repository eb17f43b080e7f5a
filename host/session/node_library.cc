// Loads the Node adapter; see node_library.h.
#include "session/node_library.h"

#include "core/host_library.h"

namespace duet {

Status LoadNodeLibrary(const NodeLibrary** library) {
  static const NodeLibrary* loaded = nullptr;
  static Status status = [] {
    const HostLibraryStamp* table = nullptr;
    Status found = LoadHostLibrary("libduet_node.so", "duet_node_library", NodeLibrary::kInterfaceVersion, &table);
    if (!found.ok()) return Status::Error("cannot load Node: " + found.message());
    loaded = reinterpret_cast<const NodeLibrary*>(table);  // the stamp is its first member
    return found;
  }();
  *library = loaded;
  return status;
}

}  // namespace duet
