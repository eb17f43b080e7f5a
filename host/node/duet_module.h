// The linked binding 'duet' that serves `import ... from 'duet'` and 'duet:<name>' in Node.
#pragma once

#include <node.h>

#include <nlohmann/json.hpp>

namespace duet {

// What one environment's 'duet' module holds besides the registry's functions; owned by the
// runtime and outliving the environment.
struct DuetModuleState {
  nlohmann::json params;                  // duet.params (null outside a workload)
  v8::Global<v8::Value> blackhole_sink;  // where duet.blackhole(x) keeps x
};

// Registers the binding with `env`, before LoadEnvironment.
void AddDuetBinding(node::Environment* env, DuetModuleState* state);

}  // namespace duet
