// libFuzzer target: values between C++ and V8. The input is JSON text for the JSON conversions
// (v8/json_value.h: params in, results out) and raw bytes for the binding conversions
// (v8/binding_glue.h). Properties: JSON survives V8 and back; each binding conversion accepts
// exactly the values of its type and round-trips them. Mirrors python_values_fuzz.cc.
#include "node/binding_glue.h"
#include "node/json_value.h"
#include "node/runtime.h"

#include "fuzz_support.h"

namespace duet {
namespace {

using fuzz::Check;

NodeProcess* StartNode() {
  NodeProcess* process = nullptr;
  Check(NodeProcess::Shared({"duet"}, &process).ok(), "Node starts");
  return process;
}

// One runtime for the whole fuzzing session, with a plain context of its own.
struct Engine {
  Loop loop;
  NodeRuntime runtime{&loop, StartNode()};
  v8::Global<v8::Context> context;
  Engine() {
    Check(loop.Init().ok() && runtime.Init().ok(), "NodeRuntime starts");
    v8::Isolate::Scope isolate_scope(runtime.isolate());
    v8::HandleScope scope(runtime.isolate());
    context.Reset(runtime.isolate(), v8::Context::New(runtime.isolate()));
  }
};

template <typename T> bool Reads(v8::Isolate* isolate, v8::Local<v8::Value> value, v8glue::Arg<T>* arg) {
  return arg->Read(isolate, value) == duet::Conv::kOk;
}

// A JS value made from `json` against the binding conversions, which must agree with its type.
void CheckArgs(v8::Isolate* isolate, v8::Local<v8::Value> value, const nlohmann::json& json) {
  v8glue::Arg<double> d;
  Check(Reads(isolate, value, &d) == json.is_number(), "float accepts exactly numbers");
  if (json.is_number()) Check(d.get() == json.get<double>(), "float reads the number: " + json.dump());
  v8glue::Arg<int64_t> i;
  if (Reads(isolate, value, &i)) {
    Check(json.is_number() && static_cast<double>(i.get()) == json.get<double>(), "int reads the number: " + json.dump());
  }
  v8glue::Arg<uint64_t> u;
  if (Reads(isolate, value, &u)) Check(json.is_number() && json.get<double>() >= 0, "unsigned int reads >= 0");
  v8glue::Arg<bool> b;
  Check(Reads(isolate, value, &b) == json.is_boolean(), "bool accepts exactly booleans");
  v8glue::Arg<std::string> s;
  Check(Reads(isolate, value, &s) == json.is_string(), "str accepts exactly strings");
  if (json.is_string()) Check(s.get() == json.get<std::string>(), "str reads the text");
  v8glue::Arg<BytesView> bytes;
  Check(Reads(isolate, value, &bytes) == json.is_string(), "bytes accepts text (no buffers in JSON)");
  if (json.is_string()) Check(bytes.get().str() == json.get<std::string>(), "bytes of text are its UTF-8");
  v8glue::Arg<DoublesView> doubles;
  bool numbers = json.is_array() && std::all_of(json.begin(), json.end(), [](const auto& x) { return x.is_number(); });
  Check(Reads(isolate, value, &doubles) == numbers, "float array accepts exactly arrays of numbers");
  v8glue::Arg<std::optional<int64_t>> maybe;
  if (json.is_null()) Check(Reads(isolate, value, &maybe) && !maybe.get(), "null is an omitted optional");
}

template <typename T> T RoundTrip(v8::Isolate* isolate, const T& value) {
  v8glue::Arg<T> arg;
  Check(Reads(isolate, v8glue::Ret<T>::To(isolate, value), &arg), "a returned value reads back");
  return arg.get();
}

void CheckJson(v8::Isolate* isolate, v8::Local<v8::Context> context, std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return;
  v8::Local<v8::Value> value;
  Status in = v8rt::FromJson(isolate, context, json, &value);
  Check(in.ok(), "valid JSON reaches V8: " + in.ToString());
  nlohmann::json back;
  Status out = v8rt::ToJson(isolate, context, value, &back);
  // JSON.stringify recurses; only deep nesting may exhaust its stack.
  if (!out.ok()) {
    Check(fuzz::Depth(json) > 100, "JSON comes back from V8: " + out.ToString());
    return;
  }
  Check(fuzz::AsDoubles(back) == fuzz::AsDoubles(json), "JSON survives V8: " + json.dump() + " -> " + back.dump());
  // Against what V8 holds (`back`): a non-finite number reached it as null.
  CheckArgs(isolate, value, back);
  if (back.is_structured()) {
    v8::Local<v8::Object> object = value.As<v8::Object>();
    uint32_t index = 0;
    for (const auto& [key, item] : back.items()) {
      if (index++ == 16) break;
      v8::Local<v8::Value> element;
      if (back.is_array()) {
        element = object->Get(context, index - 1).ToLocalChecked();
      } else {
        v8::Local<v8::String> name =
            v8::String::NewFromUtf8(isolate, key.data(), v8::NewStringType::kNormal, static_cast<int>(key.size()))
                .ToLocalChecked();
        element = object->Get(context, name).ToLocalChecked();
      }
      CheckArgs(isolate, element, item);
    }
  }
}

void CheckScalars(v8::Isolate* isolate, const uint8_t* data, size_t size) {
  fuzz::Bytes raw(data, size);
  int64_t i = raw.Take<int64_t>();
  Check(RoundTrip(isolate, i) == i, "int round-trips: " + std::to_string(i));
  uint64_t u = raw.Take<uint64_t>();
  Check(RoundTrip(isolate, u) == u, "unsigned int round-trips: " + std::to_string(u));
  double d = raw.Take<double>();
  double d_back = RoundTrip(isolate, d);
  Check(d_back == d || (std::isnan(d) && std::isnan(d_back)), "float round-trips");
  // A double as a JS number read as an int: accepted only when integral and in range, exactly.
  v8glue::Arg<int64_t> as_int;
  if (Reads(isolate, v8::Number::New(isolate, d), &as_int)) {
    Check(static_cast<double>(as_int.get()) == d, "an integral float reads as that int");
  }

  std::string text(reinterpret_cast<const char*>(data), size);
  // Any bytes as a JSON string, unvalidated, as a --param string reaches the runtime.
  v8::Local<v8::Value> param;
  Status in = v8rt::FromJson(isolate, isolate->GetCurrentContext(), nlohmann::json(text), &param);
  Check(in.ok() && param->IsString(), "a string param of any bytes reaches V8: " + in.ToString());
  std::string once = RoundTrip(isolate, text);
  Check(RoundTrip(isolate, once) == once, "str conversion is stable after one round trip");
  if (fuzz::IsUtf8(text)) Check(once == text, "valid UTF-8 round-trips exactly");
  Bytes bytes(data, data + size);
  v8glue::Arg<BytesView> view;
  Check(Reads(isolate, v8glue::Ret<Bytes>::To(isolate, bytes), &view), "a Uint8Array reads as bytes");
  Check(view.get().str() == text, "bytes round-trip");
  Doubles doubles = fuzz::DoublesOf(data, size);
  v8glue::Arg<DoublesView> doubles_view;
  Check(Reads(isolate, v8glue::Ret<Doubles>::To(isolate, doubles), &doubles_view), "a Float64Array reads back");
  Check(fuzz::SameBits(doubles_view.get().data, doubles_view.get().size, doubles), "float arrays round-trip bit for bit");
}

}  // namespace
}  // namespace duet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static duet::Engine engine;
  v8::Isolate* isolate = engine.runtime.isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = engine.context.Get(isolate);
  v8::Context::Scope context_scope(context);
  duet::CheckJson(isolate, context, std::string_view(reinterpret_cast<const char*>(data), size));
  duet::CheckScalars(isolate, data, size);
  return 0;
}
