// Loading user binding modules from shared libraries (`duet --plugin lib.so`): the plugin ABI
// is host/bindings/include/duet/plugin.h. Call before the runtimes start; main thread only.
#pragma once

#include <string>

#include "core/status.h"

namespace duet {

// dlopens `path`, checks its ABI version against DUET_PLUGIN_ABI_VERSION and registers its
// modules. The library stays loaded for the life of the process. Errors name the file.
Status LoadPlugin(const std::string& path);

}  // namespace duet
