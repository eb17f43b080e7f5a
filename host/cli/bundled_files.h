// Where duet finds the files it ships beside its binary (the bundled workloads and their
// claims), whatever the working directory: PREFIX/share/duet for an installed duet, the source
// tree for the duet in its own build tree.
#pragma once

#include <filesystem>

namespace duet {

// The folder holding the bundled suite: workloads/ with its claims.json.
std::filesystem::path BundledDataDir();

// BundledDataDir()/workloads: what `run`, `list`, `claims` and `profile` use without a path.
std::filesystem::path BundledWorkloads();

}  // namespace duet
