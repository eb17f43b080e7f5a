// libFuzzer target: values between C++ and CPython. The input is JSON text for the JSON
// conversions (python/json_value.h: params in, results out) and raw bytes for the binding
// conversions (python/binding_glue.h). Properties: JSON survives Python and back; each binding
// conversion accepts exactly the values of its type and round-trips them. Mirrors
// v8_values_fuzz.cc.
#include "python/binding_glue.h"  // Python.h first
#include "python/json_value.h"
#include "python/runtime.h"

#include "fuzz_support.h"

namespace duet {
namespace {

using fuzz::Check;

// One runtime for the whole fuzzing session (the interpreter lives once per process anyway).
struct Engine {
  Loop loop;
  PythonRuntime runtime{&loop};
  Engine() { Check(loop.Init().ok() && runtime.Init().ok(), "PythonRuntime starts"); }
};

template <typename T> bool Reads(PyObject* value, pyglue::Arg<T>* arg) { return arg->Read(value) == duet::Conv::kOk; }

bool FitsInt64(const nlohmann::json& json) {
  return json.is_number_integer() && (!json.is_number_unsigned() || json.get<uint64_t>() <= INT64_MAX);
}

// A Python value made from `json` against the binding conversions, which must agree with its type.
void CheckArgs(PyObject* value, const nlohmann::json& json) {
  pyglue::Arg<double> d;
  Check(Reads(value, &d) == json.is_number(), "float accepts exactly numbers (int and float)");
  if (json.is_number()) Check(d.get() == json.get<double>(), "float reads the number: " + json.dump());
  pyglue::Arg<int64_t> i;
  Check(Reads(value, &i) == FitsInt64(json), "int accepts exactly the ints that fit: " + json.dump());
  if (FitsInt64(json)) Check(i.get() == json.get<int64_t>(), "int reads the number: " + json.dump());
  pyglue::Arg<uint64_t> u;
  bool fits_unsigned = json.is_number_unsigned() || (json.is_number_integer() && json.get<int64_t>() >= 0);
  Check(Reads(value, &u) == fits_unsigned, "unsigned int accepts exactly the ints >= 0: " + json.dump());
  if (fits_unsigned) Check(u.get() == json.get<uint64_t>(), "unsigned int reads the number");
  pyglue::Arg<bool> b;
  Check(Reads(value, &b) == json.is_boolean(), "bool accepts exactly booleans");
  pyglue::Arg<std::string> s;
  Check(Reads(value, &s) == json.is_string(), "str accepts exactly strings");
  if (json.is_string()) Check(s.get() == json.get<std::string>(), "str reads the text");
  pyglue::Arg<BytesView> bytes;
  Check(Reads(value, &bytes) == json.is_string(), "bytes accepts text (no buffers in JSON)");
  if (json.is_string()) Check(bytes.get().str() == json.get<std::string>(), "bytes of text are its UTF-8");
  pyglue::Arg<DoublesView> doubles;
  bool numbers = json.is_array() && std::all_of(json.begin(), json.end(), [](const auto& x) { return x.is_number(); });
  Check(Reads(value, &doubles) == numbers, "float array accepts exactly lists of numbers");
  pyglue::Arg<std::optional<int64_t>> maybe;
  if (json.is_null()) Check(Reads(value, &maybe) && !maybe.get(), "None is an omitted optional");
  Check(!PyErr_Occurred(), "a conversion leaves no Python error behind");
}

template <typename T> T RoundTrip(const T& value) {
  PyRef object(pyglue::Ret<T>::To(value));
  Check(static_cast<bool>(object), "a returned value converts");
  pyglue::Arg<T> arg;
  Check(Reads(object.get(), &arg), "a returned value reads back");
  return arg.get();
}

void CheckJson(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return;
  PyRef value;
  Status in = pyrt::FromJson(json, &value);
  // json.loads and json.dumps recurse; only deep nesting may hit the recursion limit.
  if (!in.ok()) {
    Check(fuzz::Depth(json) > 100, "valid JSON reaches Python: " + in.ToString());
    return;
  }
  nlohmann::json back;
  Status out = pyrt::ToJson(value.get(), "fuzz", &back);
  if (!out.ok()) {
    Check(fuzz::Depth(json) > 100, "JSON comes back from Python: " + out.ToString());
    return;
  }
  // Python keeps ints exact, so no AsDoubles here, except for non-finite numbers (null).
  Check(back == json || fuzz::AsDoubles(back) == fuzz::AsDoubles(json),
        "JSON survives Python: " + json.dump() + " -> " + back.dump());
  // Against what Python holds (`back`): a non-finite number reached it as None.
  CheckArgs(value.get(), back);
  if (back.is_structured()) {
    int index = 0;
    for (const auto& [key, item] : back.items()) {
      if (index == 16) break;
      PyRef name(PyUnicode_FromStringAndSize(key.data(), static_cast<Py_ssize_t>(key.size())));
      PyObject* element = back.is_array() ? PyList_GetItem(value.get(), index)  // borrowed
                                          : PyDict_GetItemWithError(value.get(), name.get());
      ++index;
      Check(element != nullptr, "every element of the JSON is in the Python value: " + key);
      CheckArgs(element, item);
    }
  }
}

void CheckScalars(const uint8_t* data, size_t size) {
  fuzz::Bytes raw(data, size);
  int64_t i = raw.Take<int64_t>();
  Check(RoundTrip(i) == i, "int round-trips: " + std::to_string(i));
  uint64_t u = raw.Take<uint64_t>();
  Check(RoundTrip(u) == u, "unsigned int round-trips: " + std::to_string(u));
  double d = raw.Take<double>();
  double d_back = RoundTrip(d);
  Check(d_back == d || (std::isnan(d) && std::isnan(d_back)), "float round-trips");

  std::string text(reinterpret_cast<const char*>(data), size);
  // Any bytes as a JSON string, unvalidated, as a --param string reaches the runtime.
  PyRef param;
  Status in = pyrt::FromJson(nlohmann::json(text), &param);
  Check(in.ok() && PyUnicode_Check(param.get()), "a string param of any bytes reaches Python: " + in.ToString());
  PyRef str(pyglue::Ret<std::string>::To(text));
  Check(static_cast<bool>(str) == fuzz::IsUtf8(text), "str accepts exactly valid UTF-8");
  if (str) {
    pyglue::Arg<std::string> back;
    Check(Reads(str.get(), &back) && back.get() == text, "str round-trips");
  }
  PyErr_Clear();
  Bytes bytes(data, data + size);
  PyRef bytes_object(pyglue::Ret<Bytes>::To(bytes));
  pyglue::Arg<BytesView> bytes_view;
  Check(bytes_object && Reads(bytes_object.get(), &bytes_view), "bytes read back");
  Check(bytes_view.get().str() == text, "bytes round-trip");
  Doubles doubles = fuzz::DoublesOf(data, size);
  PyRef list(pyglue::Ret<Doubles>::To(doubles));
  pyglue::Arg<DoublesView> view;
  Check(list && Reads(list.get(), &view), "a list of floats reads back");
  Check(fuzz::SameBits(view.get().data, view.get().size, doubles), "float lists round-trip bit for bit");
}

}  // namespace
}  // namespace duet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static duet::Engine engine;
  duet::CheckJson(std::string_view(reinterpret_cast<const char*>(data), size));
  duet::CheckScalars(data, size);
  return 0;
}
