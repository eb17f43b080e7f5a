// Loads the Node adapter; see node_library.h.
#include "session/node_library.h"

#include "core/host_library.h"
#include "node/library.h"

namespace duet {

Status LoadNodeLibrary(const NodeLibrary** library) {
  Status status = LoadHostLibraryOnce("libduet_node.so", "duet_node_library", library);
  return status.ok() ? status : Status::Error("cannot load Node: " + status.message());
}

Status RunNodeCommandLine(const std::vector<std::string>& argv, int* exit_code) {
  const NodeLibrary* node = nullptr;
  DUET_RETURN_IF_ERROR(LoadNodeLibrary(&node));
  *exit_code = node->run_command_line(argv);
  return Status::Ok();
}

}  // namespace duet
