// What the duet executable asks of libduet_node.so, the Node adapter as a library of its own.
// The executable loads it only when a script or workload needs JavaScript (session/node_library.cc,
// core/host_library.h), so `duet exec x.py` never maps libnode. The one C symbol below hands
// over a table of C++ entry points.
// This header must not include node.h: the executable includes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/host_library.h"
#include "core/loop.h"
#include "core/runtime.h"
#include "core/status.h"

namespace duet {

struct NodeLibrary {
  // Bumped whenever this struct or what its functions mean changes.
  static constexpr uint32_t kInterfaceVersion = 1;
  HostLibraryStamp stamp;  // first: core/host_library.h checks it

  // Starts Node's process-wide state with `node_options` (node's options and V8 flags, as
  // `node` parses them; the first call decides) and a NodeRuntime on `loop` for the harness,
  // its heap capped at `max_heap_bytes` (0: sized as node does).
  Status (*start_runtime)(Loop* loop, const std::vector<std::string>& node_options, size_t max_heap_bytes,
                          std::unique_ptr<Runtime>* runtime);
  // `node ARGS...` for the process's own command line ("duet", node options, script, its
  // arguments), on a loop of its own: returns node's exit code.
  int (*run_command_line)(const std::vector<std::string>& argv);
};

}  // namespace duet

// Returns the table's stamp (its first member), as core/host_library.h expects of every library.
extern "C" const duet::HostLibraryStamp* duet_node_library();
