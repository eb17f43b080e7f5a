// Turns the pending Python exception into a Status that names file:line, with the
// traceback as detail. The one place Python errors are formatted; mirrors host/node/errors.h.
#pragma once

#include <string>

#include "core/status.h"

namespace duet::pyrt {

// Consumes the pending exception (PyErr_Occurred() must be true). `what` says what was being
// done ("run", "import"); `script` is the workload file, whose innermost frame is preferred.
Status StatusFromPyErr(const char* what, const std::string& script = {});

}  // namespace duet::pyrt
