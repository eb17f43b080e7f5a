// JSON values in and out of CPython; see json_value.h.
#include "python/json_value.h"

#include "python/errors.h"
#include "python/runtime.h"

namespace duet::pyrt {

Status ToJson(PyObject* value, const std::string& script, nlohmann::json* out) {
  PyRef text = PythonRuntime::CallHostHelper("to_json", {value});
  if (!text) return StatusFromPyErr("the result of run is not JSON", script);
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(text.get(), &size);
  if (utf8 == nullptr) return StatusFromPyErr("the result of run is not JSON", script);
  *out = nlohmann::json::parse(utf8, utf8 + size, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return Status::Error(std::string("the result of run is not JSON: ") + utf8);
  return Status::Ok();
}

Status FromJson(const nlohmann::json& json, PyRef* out) {
  // dump() would throw on invalid UTF-8 (a --param from a non-UTF-8 command line).
  std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  PyRef module(PyImport_ImportModule("json"));
  PyRef source(PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size())));
  PyRef value(module && source ? PyObject_CallMethod(module.get(), "loads", "O", source.get()) : nullptr);
  if (!value) return StatusFromPyErr("duet.params");
  *out = std::move(value);
  return Status::Ok();
}

}  // namespace duet::pyrt
