// JSON values in and out of V8: how params reach a workload and how run()'s result is read
// back for the cross-runtime comparison. Mirrors host/python/json_value.h; fuzzed by tests/fuzz.
#pragma once

#include <v8.h>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace duet::v8rt {

// `value` as JSON.stringify sees it (undefined is null); an error when it has no JSON form.
Status ToJson(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
              nlohmann::json* out);
// `json` as JSON.parse builds it in `context`; invalid UTF-8 in its strings becomes U+FFFD.
Status FromJson(v8::Isolate* isolate, v8::Local<v8::Context> context, const nlohmann::json& json,
                v8::Local<v8::Value>* out);

// object[key] as JSON (null when undefined): what the harness reads from a workload's state,
// e.g. the port setup() listened on. Fails unless `object` is an object.
Status PropertyToJson(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> object,
                      const std::string& key, nlohmann::json* out);

}  // namespace duet::v8rt
