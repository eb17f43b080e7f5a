// Turns a V8 exception into a Status that names file:line, with the source line, a caret and
// the stack (samples/shell.cc's ReportException): the one place V8 errors are formatted. Also
// the string conversions every V8 file uses.
#pragma once

#include <v8.h>

#include "core/status.h"

namespace duet::v8rt {

// From a TryCatch that caught something (not a termination).
Status StatusFromTryCatch(v8::Isolate* isolate, v8::Local<v8::Context> context,
                          const v8::TryCatch& try_catch, const char* what);
// From a thrown value, e.g. a rejected promise's reason.
Status StatusFromException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                           v8::Local<v8::Value> exception, const char* what);

// UTF-8 copy of any value (its ToString), "<unprintable>" when that throws.
std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value);
// A V8 string from UTF-8 bytes (the host's strings are always far below V8's length limit).
v8::Local<v8::String> Str(v8::Isolate* isolate, const std::string& text);
// target[name] = a function calling `callback`: how every native global and host primitive is installed.
void SetFunction(v8::Local<v8::Context> context, v8::Local<v8::Object> target, const char* name,
                 v8::FunctionCallback callback);

}  // namespace duet::v8rt
