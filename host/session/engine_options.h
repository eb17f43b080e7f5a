// The options that shape the engines, for every command that starts them (`duet --py-loop ...
// run`, `duet --v8-flags ... exec`): they belong to the session, the layer that composes the
// engines, so the command line fills them without naming either adapter.
#pragma once

#include <string>
#include <vector>

namespace duet {

struct EngineOptions {
  std::string py_loop = "uv";           // asyncio's loop: duet's libuv loop ("uv") or the stock one
  std::string v8_flags;                 // V8 SetFlagsFromString, before the isolate exists
  std::vector<std::string> py_options;  // CPython -X options (sys._xoptions)
  std::vector<std::string> plugins;     // binding plugins, loaded before the engines start
  std::string node_options;             // node's own options for JavaScript scripts (--node-options)

  // What Node is started with, after argv[0]: the V8 flags (node passes them on to V8) and
  // node's own options.
  std::vector<std::string> NodeOptionWords() const;
};

}  // namespace duet
