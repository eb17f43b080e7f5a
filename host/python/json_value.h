// JSON values in and out of CPython: how params reach a workload and how run()'s result is
// read back for the cross-runtime comparison. Mirrors host/node/json_value.h; fuzzed by tests/fuzz.
#pragma once

#include "python/ref.h"  // Python.h first

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace duet::pyrt {

// `value` as json.dumps(allow_nan=False) sees it; an error naming `script` when it has no
// JSON form. Needs the host helpers (PythonRuntime::Init).
Status ToJson(PyObject* value, const std::string& script, nlohmann::json* out);
// `json` as json.loads builds it; invalid UTF-8 in its strings becomes U+FFFD.
Status FromJson(const nlohmann::json& json, PyRef* out);

}  // namespace duet::pyrt
