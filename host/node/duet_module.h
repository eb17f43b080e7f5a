// The linked binding 'duet' that serves `import ... from 'duet'` and 'duet:<name>' in Node.
#pragma once

#include <node.h>

namespace duet {

// Registers the binding with `env` (before LoadEnvironment); duet.blackhole stores into `sink`,
// which must outlive the environment.
void AddDuetBinding(node::Environment* env, v8::Global<v8::Value>* blackhole_sink);

}  // namespace duet
