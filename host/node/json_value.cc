// JSON values in and out of V8; see json_value.h.
#include "node/json_value.h"

#include "node/errors.h"

namespace duet::v8rt {

Status ToJson(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
              nlohmann::json* out) {
  if (value->IsUndefined()) {
    *out = nullptr;
    return Status::Ok();
  }
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::String> text;
  if (!v8::JSON::Stringify(context, value).ToLocal(&text)) {
    return StatusFromTryCatch(isolate, context, try_catch, "the result of run is not JSON");
  }
  std::string utf8 = ToUtf8(isolate, text);
  *out = nlohmann::json::parse(utf8, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return Status::Error("the result of run is not JSON: " + utf8);
  return Status::Ok();
}

Status FromJson(v8::Isolate* isolate, v8::Local<v8::Context> context, const nlohmann::json& json,
                v8::Local<v8::Value>* out) {
  // dump() would throw on invalid UTF-8 (a --param from a non-UTF-8 command line).
  std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  v8::Local<v8::String> source;
  v8::TryCatch try_catch(isolate);
  if (!v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, static_cast<int>(text.size()))
           .ToLocal(&source) ||
      !v8::JSON::Parse(context, source).ToLocal(out)) {
    return Status::Error("params are not valid JSON for V8");
  }
  return Status::Ok();
}

Status PropertyToJson(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> object,
                      const std::string& key, nlohmann::json* out) {
  if (!object->IsObject()) return Status::Error("setup() must return an object with \"" + key + "\"");
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> value;
  if (!object.As<v8::Object>()->Get(context, Str(isolate, key)).ToLocal(&value)) {
    return StatusFromTryCatch(isolate, context, try_catch, ("state." + key).c_str());
  }
  *out = nlohmann::json();
  if (value->IsUndefined()) return Status::Ok();
  v8::Local<v8::String> text;
  if (!v8::JSON::Stringify(context, value).ToLocal(&text)) {
    return StatusFromTryCatch(isolate, context, try_catch, ("state." + key).c_str());
  }
  *out = nlohmann::json::parse(ToUtf8(isolate, text), nullptr, /*allow_exceptions=*/false);
  return Status::Ok();
}

}  // namespace duet::v8rt
