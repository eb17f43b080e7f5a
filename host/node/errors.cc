// V8 error formatting; see errors.h.
#include "node/errors.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <fstream>
#include <string>

namespace duet::v8rt {

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 ? std::string(*utf8, utf8.length()) : std::string("<unprintable>");
}

v8::Local<v8::String> Str(v8::Isolate* isolate, const std::string& text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, static_cast<int>(text.size()))
      .ToLocalChecked();
}

void SetFunction(v8::Local<v8::Context> context, v8::Local<v8::Object> target, const char* name,
                 v8::FunctionCallback callback) {
  v8::Isolate* isolate = context->GetIsolate();
  target->Set(context, Str(isolate, name), v8::Function::New(context, callback).ToLocalChecked()).Check();
}

namespace {

// Node names ES modules by URL; duet's messages name files by path, as for CommonJS.
std::string PathOf(const std::string& name) {
  constexpr std::string_view kFileUrl = "file://";
  if (name.compare(0, kFileUrl.size(), kFileUrl) != 0) return name;
  std::string path;
  for (size_t i = kFileUrl.size(); i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() && std::isxdigit(static_cast<unsigned char>(name[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(name[i + 2]))) {
      path += static_cast<char>(std::stoi(name.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      path += name[i];
    }
  }
  return path;
}

std::string SourceLineOf(const std::string& file, int line) {
  std::ifstream in(file);
  std::string text;
  for (int i = 0; i < line && std::getline(in, text); ++i) {
  }
  return in ? text : std::string();
}

// Where an error was thrown: the message's script position, or, for errors that come back
// as a rejected promise (whose message points nowhere), the top frame of the captured stack.
struct Location {
  std::string file;
  int line = 0;
  int start_column = 0;
  int end_column = 0;
  std::string source_line;
};

Location Locate(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                v8::Local<v8::Message> message) {
  Location where;
  if (!message.IsEmpty() && !message->GetScriptResourceName()->IsUndefined()) {
    where.file = PathOf(ToUtf8(isolate, message->GetScriptResourceName()));
    where.line = message->GetLineNumber(context).FromMaybe(0);
    where.start_column = std::max(0, message->GetStartColumn(context).FromMaybe(0));
    where.end_column = std::max(where.start_column + 1, message->GetEndColumn(context).FromMaybe(0));
    v8::Local<v8::String> source_line;
    if (message->GetSourceLine(context).ToLocal(&source_line)) where.source_line = ToUtf8(isolate, source_line);
    return where;
  }
  v8::Local<v8::StackTrace> trace = v8::Exception::GetStackTrace(exception);
  if (trace.IsEmpty() || trace->GetFrameCount() == 0) return where;
  v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, 0);
  where.file = PathOf(ToUtf8(isolate, frame->GetScriptName()));
  where.line = frame->GetLineNumber();
  where.start_column = std::max(0, frame->GetColumn() - 1);
  where.end_column = where.start_column + 1;
  where.source_line = SourceLineOf(where.file, where.line);
  return where;
}

Status FromMessage(v8::Isolate* isolate, v8::Local<v8::Context> context,
                   v8::Local<v8::Value> exception, v8::Local<v8::Message> message,
                   v8::Local<v8::Value> stack, const char* what) {
  std::string text = ToUtf8(isolate, exception);
  std::string headline = std::string(what) + ": " + text;
  Location where = Locate(isolate, context, exception, message);
  if (where.file.empty()) return Status::ScriptError(headline, {}, 0, text);

  std::string detail = where.file + ":" + std::to_string(where.line) + "\n";
  if (!where.source_line.empty()) {
    detail += where.source_line + "\n" + std::string(where.start_column, ' ') +
              std::string(where.end_column - where.start_column, '^') + "\n";
  }
  detail += !stack.IsEmpty() && stack->IsString() ? ToUtf8(isolate, stack) : text;
  return Status::ScriptError(headline, where.file, where.line, detail);
}

}  // namespace

Status StatusFromTryCatch(v8::Isolate* isolate, v8::Local<v8::Context> context,
                          const v8::TryCatch& try_catch, const char* what) {
  v8::HandleScope scope(isolate);
  v8::Local<v8::Value> stack;
  if (!try_catch.StackTrace(context).ToLocal(&stack)) stack = v8::Local<v8::Value>();
  return FromMessage(isolate, context, try_catch.Exception(), try_catch.Message(), stack, what);
}

Status StatusFromException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                           v8::Local<v8::Value> exception, const char* what) {
  v8::HandleScope scope(isolate);
  v8::Local<v8::Message> message = v8::Exception::CreateMessage(isolate, exception);
  v8::Local<v8::Value> stack;
  if (exception->IsObject()) {
    v8::TryCatch ignore(isolate);
    v8::Local<v8::Value> s;
    if (exception.As<v8::Object>()
            ->Get(context, v8::String::NewFromUtf8Literal(isolate, "stack"))
            .ToLocal(&s)) {
      stack = s;
    }
  }
  return FromMessage(isolate, context, exception, message, stack, what);
}

}  // namespace duet::v8rt
