// The C++ half of duet's Node-compatible layer: libuv handles for timers and immediates, the
// threadpool for node:fs/promises, UTF-8 and process primitives, and the loop-entry path that
// drains ticks and microtasks after every callback. The JavaScript half is js/node_bootstrap.js.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <variant>

#include "core/clock.h"
#include "core/memory.h"
#include "core/version.h"
#include "v8/errors.h"
#include "v8/node_bootstrap.h"
#include "v8/runtime.h"

namespace duet {

namespace {


V8Runtime* RuntimeOf(const v8::FunctionCallbackInfo<v8::Value>& info) { return V8Runtime::From(info.GetIsolate()); }

v8::Local<v8::Uint8Array> NewBytes(v8::Isolate* isolate, const std::string& bytes) {
  auto buffer = v8::ArrayBuffer::New(isolate, bytes.size());
  if (!bytes.empty()) std::memcpy(buffer->GetBackingStore()->Data(), bytes.data(), bytes.size());
  return v8::Uint8Array::New(buffer, 0, bytes.size());
}

std::string BytesOf(v8::Local<v8::Value> value) {
  if (!value->IsArrayBufferView()) return {};
  auto view = value.As<v8::ArrayBufferView>();
  std::string bytes(view->ByteLength(), '\0');
  view->CopyContents(bytes.data(), bytes.size());
  return bytes;
}

// ---- node:fs/promises on the threadpool -------------------------------------------------

using FsArg = std::variant<std::string, double, bool>;
struct StatResult {
  struct stat st;
};
using FsResult = std::variant<std::monostate, std::string /*bytes*/, double, StatResult, std::vector<std::string>>;

struct FsRequest {
  uv_work_t work;
  V8Runtime* runtime;
  uint64_t generation;
  std::string op;
  std::vector<FsArg> args;
  std::vector<std::string> bytes_args;  // Uint8Array arguments, copied
  // readInto's destination: the caller's memory, kept alive until the completion runs.
  std::shared_ptr<v8::BackingStore> target;
  size_t target_offset = 0;
  size_t target_length = 0;
  v8::Global<v8::Function> callback;
  FsResult result;
  int error = 0;  // errno
  std::string syscall;
  std::string path;
};

const std::string& StrArg(const FsRequest& r, size_t i) { return std::get<std::string>(r.args[i]); }
double NumArg(const FsRequest& r, size_t i) { return std::get<double>(r.args[i]); }

int OpenFlags(const std::string& flags) {
  if (flags == "r") return O_RDONLY;
  if (flags == "r+") return O_RDWR;
  if (flags == "w") return O_WRONLY | O_CREAT | O_TRUNC;
  if (flags == "wx") return O_WRONLY | O_CREAT | O_TRUNC | O_EXCL;
  if (flags == "w+") return O_RDWR | O_CREAT | O_TRUNC;
  if (flags == "a") return O_WRONLY | O_CREAT | O_APPEND;
  if (flags == "ax") return O_WRONLY | O_CREAT | O_APPEND | O_EXCL;
  if (flags == "a+") return O_RDWR | O_CREAT | O_APPEND;
  return -1;
}

// Each helper sets r->error and r->syscall on failure and returns false.
bool Fail(FsRequest* r, const char* syscall) {
  r->error = errno;
  r->syscall = syscall;
  return false;
}

bool ReadAll(FsRequest* r, int fd, std::string* out) {
  char chunk[65536];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(r, "read");
    if (n == 0) return true;
    out->append(chunk, static_cast<size_t>(n));
  }
}

bool WriteAll(FsRequest* r, int fd, const std::string& bytes, off_t position) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = position >= 0 ? ::pwrite(fd, bytes.data() + done, bytes.size() - done, position + static_cast<off_t>(done))
                              : ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(r, "write");
    done += static_cast<size_t>(n);
  }
  return true;
}

void RunFsOp(FsRequest* r) {
  const std::string& op = r->op;
  if (!r->args.empty() && std::holds_alternative<std::string>(r->args[0])) r->path = StrArg(*r, 0);
  if (op == "readFile") {
    int fd = ::open(r->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) { Fail(r, "open"); return; }
    std::string bytes;
    struct stat st;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
    if (ReadAll(r, fd, &bytes)) r->result = std::move(bytes);
    ::close(fd);
  } else if (op == "writeFile") {
    int flags = OpenFlags(StrArg(*r, 2));
    int fd = ::open(r->path.c_str(), (flags < 0 ? O_WRONLY | O_CREAT | O_TRUNC : flags) | O_CLOEXEC, 0666);
    if (fd < 0) { Fail(r, "open"); return; }
    WriteAll(r, fd, r->bytes_args[0], -1);
    ::close(fd);
  } else if (op == "open") {
    int flags = OpenFlags(StrArg(*r, 1));
    if (flags < 0) { errno = EINVAL; Fail(r, "open"); return; }
    int fd = ::open(r->path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(NumArg(*r, 2)));
    if (fd < 0) { Fail(r, "open"); return; }
    r->result = static_cast<double>(fd);
  } else if (op == "read") {
    r->path.clear();
    int fd = static_cast<int>(NumArg(*r, 0));
    std::string bytes(static_cast<size_t>(NumArg(*r, 1)), '\0');
    off_t position = static_cast<off_t>(NumArg(*r, 2));
    ssize_t n;
    do {
      n = position >= 0 ? ::pread(fd, bytes.data(), bytes.size(), position) : ::read(fd, bytes.data(), bytes.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) { Fail(r, "read"); return; }
    bytes.resize(static_cast<size_t>(n));
    r->result = std::move(bytes);
  } else if (op == "readInto") {
    r->path.clear();
    int fd = static_cast<int>(NumArg(*r, 0));
    size_t length = std::min(static_cast<size_t>(NumArg(*r, 2)), r->target_length);
    char* data = static_cast<char*>(r->target->Data()) + r->target_offset;
    off_t position = static_cast<off_t>(NumArg(*r, 3));
    ssize_t n;
    do {
      n = position >= 0 ? ::pread(fd, data, length, position) : ::read(fd, data, length);
    } while (n < 0 && errno == EINTR);
    if (n < 0) { Fail(r, "read"); return; }
    r->result = static_cast<double>(n);
  } else if (op == "readFd") {
    r->path.clear();
    std::string bytes;
    if (ReadAll(r, static_cast<int>(NumArg(*r, 0)), &bytes)) r->result = std::move(bytes);
  } else if (op == "write") {
    r->path.clear();
    if (WriteAll(r, static_cast<int>(NumArg(*r, 0)), r->bytes_args[0], static_cast<off_t>(NumArg(*r, 2)))) {
      r->result = static_cast<double>(r->bytes_args[0].size());
    }
  } else if (op == "close") {
    r->path.clear();
    if (::close(static_cast<int>(NumArg(*r, 0))) != 0) Fail(r, "close");
  } else if (op == "stat" || op == "fstat") {
    StatResult s;
    int rc = op == "stat" ? ::stat(r->path.c_str(), &s.st) : ::fstat(static_cast<int>(NumArg(*r, 0)), &s.st);
    if (op == "fstat") r->path.clear();
    if (rc != 0) { Fail(r, op.c_str()); return; }
    r->result = s;
  } else if (op == "unlink") {
    if (::unlink(r->path.c_str()) != 0) Fail(r, "unlink");
  } else if (op == "rmdir") {
    if (::rmdir(r->path.c_str()) != 0) Fail(r, "rmdir");
  } else if (op == "rename") {
    if (::rename(r->path.c_str(), StrArg(*r, 1).c_str()) != 0) Fail(r, "rename");
  } else if (op == "access") {
    if (::access(r->path.c_str(), static_cast<int>(NumArg(*r, 1))) != 0) Fail(r, "access");
  } else if (op == "mkdir") {
    bool recursive = std::get<bool>(r->args[1]);
    mode_t mode = static_cast<mode_t>(NumArg(*r, 2));
    if (!recursive) {
      if (::mkdir(r->path.c_str(), mode) != 0) Fail(r, "mkdir");
      return;
    }
    std::error_code ec;
    std::filesystem::create_directories(r->path, ec);
    if (ec) { errno = ec.value(); Fail(r, "mkdir"); }
  } else if (op == "rm") {
    bool recursive = std::get<bool>(r->args[1]);
    bool force = std::get<bool>(r->args[2]);
    struct stat st;
    if (::lstat(r->path.c_str(), &st) != 0) {
      if (!(force && errno == ENOENT)) Fail(r, "rm");
      return;
    }
    if (S_ISDIR(st.st_mode) && !recursive) { errno = EISDIR; Fail(r, "rm"); return; }
    std::error_code ec;
    std::filesystem::remove_all(r->path, ec);
    if (ec) { errno = ec.value(); Fail(r, "rm"); }
  } else if (op == "readdir") {
    DIR* dir = ::opendir(r->path.c_str());
    if (dir == nullptr) { Fail(r, "scandir"); return; }
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.push_back(entry->d_name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());  // node (uv_fs_scandir) returns names sorted
    r->result = std::move(names);
  } else {
    errno = ENOSYS;
    Fail(r, op.c_str());
  }
}

double Ms(const timespec& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6; }

v8::Local<v8::Value> ResultToJs(v8::Isolate* isolate, v8::Local<v8::Context> context, FsResult& result) {
  struct Visitor {
    v8::Isolate* isolate;
    v8::Local<v8::Context> context;
    v8::Local<v8::Value> operator()(std::monostate) { return v8::Undefined(isolate); }
    v8::Local<v8::Value> operator()(const std::string& bytes) { return NewBytes(isolate, bytes); }
    v8::Local<v8::Value> operator()(double v) { return v8::Number::New(isolate, v); }
    v8::Local<v8::Value> operator()(const std::vector<std::string>& names) {
      auto array = v8::Array::New(isolate, static_cast<int>(names.size()));
      for (size_t i = 0; i < names.size(); ++i) array->Set(context, static_cast<uint32_t>(i), v8rt::Str(isolate, names[i])).Check();
      return array;
    }
    v8::Local<v8::Value> operator()(const StatResult& s) {
      auto object = v8::Object::New(isolate);
      auto set = [&](const char* key, double value) {
        object->Set(context, v8rt::Str(isolate, key), v8::Number::New(isolate, value)).Check();
      };
      const struct stat& st = s.st;
      set("dev", static_cast<double>(st.st_dev));
      set("mode", st.st_mode);
      set("nlink", static_cast<double>(st.st_nlink));
      set("uid", st.st_uid);
      set("gid", st.st_gid);
      set("rdev", static_cast<double>(st.st_rdev));
      set("blksize", static_cast<double>(st.st_blksize));
      set("ino", static_cast<double>(st.st_ino));
      set("size", static_cast<double>(st.st_size));
      set("blocks", static_cast<double>(st.st_blocks));
      set("atimeMs", Ms(st.st_atim));
      set("mtimeMs", Ms(st.st_mtim));
      set("ctimeMs", Ms(st.st_ctim));
      set("birthtimeMs", Ms(st.st_ctim));
      const char* type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "directory" : S_ISLNK(st.st_mode) ? "symlink" : "other";
      object->Set(context, v8rt::Str(isolate, "_type"), v8rt::Str(isolate, type)).Check();
      return object;
    }
  };
  return std::visit(Visitor{isolate, context}, result);
}

// The error object node builds: "ENOENT: no such file or directory, open '/x'".
v8::Local<v8::Value> FsErrorToJs(v8::Isolate* isolate, v8::Local<v8::Context> context, const FsRequest& r) {
  std::string code = uv_err_name(-r.error);
  std::string message = code + ": " + uv_strerror(-r.error) + ", " + r.syscall;
  if (!r.path.empty()) message += " '" + r.path + "'";
  auto error = v8::Object::New(isolate);
  error->Set(context, v8rt::Str(isolate, "message"), v8rt::Str(isolate, message)).Check();
  error->Set(context, v8rt::Str(isolate, "code"), v8rt::Str(isolate, code)).Check();
  error->Set(context, v8rt::Str(isolate, "errno"), v8::Number::New(isolate, -r.error)).Check();
  error->Set(context, v8rt::Str(isolate, "syscall"), v8rt::Str(isolate, r.syscall)).Check();
  if (!r.path.empty()) error->Set(context, v8rt::Str(isolate, "path"), v8rt::Str(isolate, r.path)).Check();
  return error;
}

}  // namespace

// ---- handles --------------------------------------------------------------------------------

Status V8Runtime::InitLoopHandles() {
  handles_ = std::make_unique<LoopHandles>();
  int rc = uv_timer_init(loop_->get(), &handles_->timer);
  if (rc == 0) rc = uv_check_init(loop_->get(), &handles_->check);
  if (rc == 0) rc = uv_idle_init(loop_->get(), &handles_->idle);
  if (rc != 0) return Status::Error(std::string("libuv handles for V8: ") + uv_strerror(rc));
  handles_->open = 3;
  handles_->timer.data = handles_->check.data = handles_->idle.data = this;
  // The check handle only looks for immediates; it never keeps the loop alive by itself.
  uv_check_start(&handles_->check, [](uv_check_t* check) {
    auto* self = static_cast<V8Runtime*>(check->data);
    if (!self->handles_->immediates_scheduled || self->process_immediates_.IsEmpty()) return;
    self->handles_->immediates_scheduled = false;
    self->CallFromLoop(self->process_immediates_, {});
  });
  uv_unref(reinterpret_cast<uv_handle_t*>(&handles_->check));
  uv_unref(reinterpret_cast<uv_handle_t*>(&handles_->timer));
  isolate_->SetPromiseRejectCallback(&V8Runtime::OnPromiseReject);
  return Status::Ok();
}

void V8Runtime::ResetLoopHandles() {
  ++context_generation_;
  CloseAllTcp();
  if (!handles_) return;
  uv_timer_stop(&handles_->timer);
  uv_unref(reinterpret_cast<uv_handle_t*>(&handles_->timer));
  uv_idle_stop(&handles_->idle);
  handles_->immediates_scheduled = false;
  process_timers_.Reset();
  process_immediates_.Reset();
  process_ticks_.Reset();
  node_builtins_.Reset();
  require_from_host_.Reset();
  unhandled_rejections_.clear();
  uncaught_ = Status::Ok();
}

void V8Runtime::CloseLoopHandles() {
  if (!handles_) return;
  ResetLoopHandles();
  // libuv owns the handles until their close callbacks ran, and fs completions still refer to
  // this runtime: run the loop until both are done before the memory goes.
  auto on_close = [](uv_handle_t* handle) { static_cast<V8Runtime*>(handle->data)->handles_->open--; };
  uv_close(reinterpret_cast<uv_handle_t*>(&handles_->timer), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&handles_->check), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&handles_->idle), on_close);
  while (handles_->open > 0 || handles_->fs_in_flight > 0) uv_run(loop_->get(), UV_RUN_ONCE);
  handles_.reset();
}

// ---- entering JS from the loop ------------------------------------------------------------

void V8Runtime::CallMethodFromLoop(const v8::Global<v8::Object>& owner, const char* method,
                                   std::vector<v8::Local<v8::Value>> args) {
  if (owner.IsEmpty() || context_.IsEmpty()) return;
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> fn;
  if (!owner.Get(isolate_)->Get(context, v8::String::NewFromUtf8(isolate_, method).ToLocalChecked()).ToLocal(&fn) ||
      !fn->IsFunction()) {
    return;
  }
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> ignored;
  bool ok = fn.As<v8::Function>()
                ->Call(context, owner.Get(isolate_), static_cast<int>(args.size()), args.data())
                .ToLocal(&ignored);
  FinishLoopCall(ok, try_catch, context, !ok);
}

void V8Runtime::CallFromLoop(const v8::Global<v8::Function>& fn, std::vector<v8::Local<v8::Value>> args) {
  if (fn.IsEmpty() || context_.IsEmpty()) return;
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  CallFromLoop(fn.Get(isolate_), std::move(args));
}

void V8Runtime::CallFromLoop(v8::Local<v8::Function> fn, std::vector<v8::Local<v8::Value>> args) {
  if (context_.IsEmpty()) return;
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> ignored;
  bool ok = fn->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), args.data()).ToLocal(&ignored);
  FinishLoopCall(ok && !(!process_ticks_.IsEmpty() && fn == process_ticks_.Get(isolate_)), try_catch, context, !ok);
}

void V8Runtime::FinishLoopCall(bool run_ticks, v8::TryCatch& try_catch, v8::Local<v8::Context> context, bool failed) {
  v8::Local<v8::Value> ignored;
  bool ok = !failed;
  if (ok && run_ticks && !process_ticks_.IsEmpty()) {
    ok = process_ticks_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).ToLocal(&ignored);
  }
  if (!ok) {
    if (try_catch.HasTerminated() || exit_.requested || !try_catch.HasCaught()) {
      // process.exit and the watchdog are reported by whoever waits; the heap limit only here.
      Status why = TerminationStatus("a callback");
      if (heap_limit_->reached() && uncaught_.ok()) uncaught_ = why;
      return;
    }
    if (uncaught_.ok()) uncaught_ = v8rt::StatusFromTryCatch(isolate_, context, try_catch, "uncaught exception");
    return;
  }
  CheckUnhandledRejections();
}

void V8Runtime::OnPromiseReject(v8::PromiseRejectMessage message) {
  v8::Local<v8::Promise> promise = message.GetPromise();
  v8::Isolate* isolate = promise->GetIsolate();
  V8Runtime* self = From(isolate);
  auto& pending = self->unhandled_rejections_;
  if (message.GetEvent() == v8::kPromiseRejectWithNoHandler) {
    pending.emplace_back(v8::Global<v8::Promise>(isolate, promise), v8::Global<v8::Value>(isolate, message.GetValue()));
  } else if (message.GetEvent() == v8::kPromiseHandlerAddedAfterReject) {
    self->ForgetRejection(promise);
  }
}

void V8Runtime::ForgetRejection(v8::Local<v8::Promise> promise) {
  for (auto it = unhandled_rejections_.begin(); it != unhandled_rejections_.end(); ++it) {
    if (it->first.Get(isolate_) == promise) {
      unhandled_rejections_.erase(it);
      return;
    }
  }
}

void V8Runtime::CheckUnhandledRejections() {
  if (unhandled_rejections_.empty()) return;
  v8::HandleScope scope(isolate_);
  if (uncaught_.ok()) {
    uncaught_ = v8rt::StatusFromException(isolate_, context_.Get(isolate_), unhandled_rejections_.front().second.Get(isolate_),
                                          "unhandled promise rejection");
  }
  unhandled_rejections_.clear();
}

// ---- the host object the bootstrap receives ----------------------------------------------

namespace {

void HostNow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(uv_now(RuntimeOf(info)->loop()->get())));
}
void HostHrtime(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(v8::BigInt::NewFromUnsigned(info.GetIsolate(), NowNs()));
}
void HostHrtimeMs(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(NowNs()) / 1e6);
}
void HostRunMicrotasks(const v8::FunctionCallbackInfo<v8::Value>& info) { info.GetIsolate()->PerformMicrotaskCheckpoint(); }
void HostEncodeUtf8(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(NewBytes(info.GetIsolate(), v8rt::ToUtf8(info.GetIsolate(), info[0])));
}
void HostDecodeUtf8(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string bytes = BytesOf(info[0]);
  v8::Local<v8::String> text;
  if (!v8::String::NewFromUtf8(isolate, bytes.data(), v8::NewStringType::kNormal, static_cast<int>(bytes.size())).ToLocal(&text)) {
    isolate->ThrowException(v8::Exception::RangeError(v8rt::Str(isolate, "string too long")));
    return;
  }
  if (info[1]->IsTrue()) {
    // fatal: bytes that do not survive a round trip were not valid UTF-8.
    if (v8rt::ToUtf8(isolate, text) != bytes) {
      auto error = v8::Exception::TypeError(v8rt::Str(isolate, "The encoded data was not valid for encoding utf-8"));
      error.As<v8::Object>()->Set(isolate->GetCurrentContext(), v8rt::Str(isolate, "code"), v8rt::Str(isolate, "ERR_ENCODING_INVALID_ENCODED_DATA")).Check();
      isolate->ThrowException(error);
      return;
    }
  }
  info.GetReturnValue().Set(text);
}
template <FILE** stream>
void HostWrite(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::string text = v8rt::ToUtf8(info.GetIsolate(), info[0]);
  std::fwrite(text.data(), 1, text.size(), *stream);
  std::fflush(*stream);
}
FILE* g_out = stdout;
FILE* g_err = stderr;
void HostMemoryUsage(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::HeapStatistics heap;
  isolate->GetHeapStatistics(&heap);
  auto usage = v8::Object::New(isolate);
  auto set = [&](const char* key, double value) { usage->Set(context, v8rt::Str(isolate, key), v8::Number::New(isolate, value)).Check(); };
  set("rss", static_cast<double>(CurrentRssBytes()));
  set("heapTotal", static_cast<double>(heap.total_heap_size()));
  set("heapUsed", static_cast<double>(heap.used_heap_size()));
  set("external", static_cast<double>(heap.external_memory()));
  set("arrayBuffers", static_cast<double>(heap.external_memory()));
  info.GetReturnValue().Set(usage);
}
// process.cpuUsage(): user and system CPU of the process in microseconds, as node reports it.
void HostCpuUsage(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  uv_rusage_t usage{};
  uv_getrusage(&usage);
  auto micros = [](const uv_timeval_t& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  auto result = v8::Object::New(isolate);
  result->Set(context, v8rt::Str(isolate, "user"), v8::Number::New(isolate, micros(usage.ru_utime))).Check();
  result->Set(context, v8rt::Str(isolate, "system"), v8::Number::New(isolate, micros(usage.ru_stime))).Check();
  info.GetReturnValue().Set(result);
}
void HostCwd(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), std::filesystem::current_path().string()));
}

}  // namespace

Status V8Runtime::InstallNodeLayer(v8::Local<v8::Context> context) {
  v8::Local<v8::Object> host = v8::Object::New(isolate_);
  auto set = [&](const char* name, v8::FunctionCallback callback) { v8rt::SetFunction(context, host, name, callback); };
  set("now", HostNow);
  set("hrtime", HostHrtime);
  set("hrtimeMs", HostHrtimeMs);
  set("runMicrotasks", HostRunMicrotasks);
  set("encodeUtf8", HostEncodeUtf8);
  set("decodeUtf8", HostDecodeUtf8);
  set("writeStdout", HostWrite<&g_out>);
  set("writeStderr", HostWrite<&g_err>);
  set("memoryUsage", HostMemoryUsage);
  set("cwd", HostCwd);
  set("cpuUsage", HostCpuUsage);
  // Synchronous file primitives for require(): node's CommonJS loader is synchronous too.
  set("isFile", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    std::error_code ec;
    info.GetReturnValue().Set(std::filesystem::is_regular_file(v8rt::ToUtf8(info.GetIsolate(), info[0]), ec));
  });
  set("isDirectory", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    std::error_code ec;
    info.GetReturnValue().Set(std::filesystem::is_directory(v8rt::ToUtf8(info.GetIsolate(), info[0]), ec));
  });
  set("dirname", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    std::string dir = std::filesystem::path(v8rt::ToUtf8(info.GetIsolate(), info[0])).parent_path().string();
    info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), dir.empty() ? "/" : dir));
  });
  set("joinPath", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    std::filesystem::path joined = std::filesystem::path(v8rt::ToUtf8(info.GetIsolate(), info[0])) /
                                   v8rt::ToUtf8(info.GetIsolate(), info[1]);
    std::string text = joined.lexically_normal().string();
    if (text.size() > 1 && text.back() == '/') text.pop_back();
    info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), text));
  });
  set("realpath", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    std::error_code ec;
    auto real = std::filesystem::weakly_canonical(v8rt::ToUtf8(info.GetIsolate(), info[0]), ec);
    info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), real.string()));
  });
  set("readFileUtf8", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Isolate* isolate = info.GetIsolate();
    std::string path = v8rt::ToUtf8(isolate, info[0]);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      auto error = v8::Exception::Error(v8rt::Str(isolate, "ENOENT: no such file or directory, open '" + path + "'"));
      error.As<v8::Object>()->Set(isolate->GetCurrentContext(), v8rt::Str(isolate, "code"), v8rt::Str(isolate, "ENOENT")).Check();
      isolate->ThrowException(error);
      return;
    }
    std::stringstream text;
    text << in.rdbuf();
    info.GetReturnValue().Set(v8rt::Str(isolate, text.str()));
  });
  set("moduleType", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), ModuleTypeOf(v8rt::ToUtf8(info.GetIsolate(), info[0]))));
  });
  set("compileCommonJs", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Isolate* isolate = info.GetIsolate();
    v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
    v8::ScriptOrigin origin(isolate, info[1]);
    v8::ScriptCompiler::Source source(info[0].As<v8::String>(), origin);
    v8::Local<v8::String> params[] = {v8rt::Str(isolate, "exports"), v8rt::Str(isolate, "require"), v8rt::Str(isolate, "module"),
                                      v8rt::Str(isolate, "__filename"), v8rt::Str(isolate, "__dirname")};
    v8::Local<v8::Function> fn;
    v8::TryCatch try_catch(isolate);
    // The wrapper node uses, without shifting line numbers: the function's parameters.
    if (v8::ScriptCompiler::CompileFunction(ctx, &source, 5, params).ToLocal(&fn)) {
      info.GetReturnValue().Set(fn);
      return;
    }
    // The syntax error's own location is lost once it surfaces in the JS loader: keep it.
    RuntimeOf(info)->import_error_ = v8rt::StatusFromTryCatch(isolate, ctx, try_catch, "cannot compile module");
    try_catch.ReThrow();
  });
  set("startTimer", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    V8Runtime* self = RuntimeOf(info);
    double ms = info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(1);
    uv_timer_start(&self->handles_->timer, [](uv_timer_t* timer) {
      auto* rt = static_cast<V8Runtime*>(timer->data);
      v8::HandleScope scope(rt->isolate_);
      rt->CallFromLoop(rt->process_timers_, {v8::Number::New(rt->isolate_, static_cast<double>(uv_now(rt->loop_->get())))});
    }, static_cast<uint64_t>(std::ceil(std::max(0.0, ms))), 0);
  });
  set("stopTimer", [](const v8::FunctionCallbackInfo<v8::Value>& info) { uv_timer_stop(&RuntimeOf(info)->handles_->timer); });
  set("refTimer", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    auto* handle = reinterpret_cast<uv_handle_t*>(&RuntimeOf(info)->handles_->timer);
    if (info[0]->IsTrue()) uv_ref(handle); else uv_unref(handle);
  });
  set("refImmediate", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    LoopHandles* handles = RuntimeOf(info)->handles_.get();
    handles->immediates_scheduled = true;
    if (info[0]->IsTrue()) {
      uv_idle_start(&handles->idle, [](uv_idle_t*) {});
    } else {
      uv_idle_stop(&handles->idle);
    }
  });
  set("setCallbacks", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    V8Runtime* self = RuntimeOf(info);
    self->process_timers_.Reset(self->isolate_, info[0].As<v8::Function>());
    self->process_immediates_.Reset(self->isolate_, info[1].As<v8::Function>());
    self->process_ticks_.Reset(self->isolate_, info[2].As<v8::Function>());
  });
  set("fs", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    V8Runtime* self = RuntimeOf(info);
    v8::Isolate* isolate = info.GetIsolate();
    v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
    auto request = std::make_unique<FsRequest>();
    request->runtime = self;
    request->generation = self->context_generation_;
    request->op = v8rt::ToUtf8(isolate, info[0]);
    v8::Local<v8::Array> args = info[1].As<v8::Array>();
    for (uint32_t i = 0; i < args->Length(); ++i) {
      v8::Local<v8::Value> arg = args->Get(ctx, i).ToLocalChecked();
      if (arg->IsArrayBufferView() && request->op == "readInto") {
        auto view = arg.As<v8::ArrayBufferView>();
        request->target = view->Buffer()->GetBackingStore();
        request->target_offset = view->ByteOffset();
        request->target_length = view->ByteLength();
        request->args.emplace_back(0.0);
      } else if (arg->IsArrayBufferView()) {
        request->bytes_args.push_back(BytesOf(arg));
        request->args.emplace_back(0.0);
      } else if (arg->IsBoolean()) {
        request->args.emplace_back(arg->IsTrue());
      } else if (arg->IsNumber()) {
        request->args.emplace_back(arg.As<v8::Number>()->Value());
      } else {
        request->args.emplace_back(v8rt::ToUtf8(isolate, arg));
      }
    }
    request->callback.Reset(isolate, info[2].As<v8::Function>());
    request->work.data = request.get();
    int rc = uv_queue_work(self->loop_->get(), &request->work,
        [](uv_work_t* work) { RunFsOp(static_cast<FsRequest*>(work->data)); },
        [](uv_work_t* work, int) {
          std::unique_ptr<FsRequest> r(static_cast<FsRequest*>(work->data));
          V8Runtime* rt = r->runtime;
          rt->handles_->fs_in_flight--;
          if (r->generation != rt->context_generation_ || rt->context_.IsEmpty()) return;
          v8::Isolate::Scope isolate_scope(rt->isolate_);
          v8::HandleScope scope(rt->isolate_);
          v8::Local<v8::Context> context = rt->context_.Get(rt->isolate_);
          v8::Context::Scope context_scope(context);
          v8::Local<v8::Value> error = r->error ? FsErrorToJs(rt->isolate_, context, *r) : v8::Null(rt->isolate_).As<v8::Value>();
          v8::Local<v8::Value> result = r->error ? v8::Undefined(rt->isolate_).As<v8::Value>() : ResultToJs(rt->isolate_, context, r->result);
          rt->CallFromLoop(r->callback, {error, result});
        });
    if (rc != 0) {
      isolate->ThrowException(v8::Exception::Error(v8rt::Str(isolate, std::string("uv_queue_work: ") + uv_strerror(rc))));
      return;
    }
    self->handles_->fs_in_flight++;
    request.release();  // owned by libuv until the completion callback
  });
  InstallTcp(context, host);
  auto versions = v8::Object::New(isolate_);
  versions->Set(context, v8rt::Str(isolate_, "duet"), v8rt::Str(isolate_, kDuetVersion)).Check();
  versions->Set(context, v8rt::Str(isolate_, "v8"), v8rt::Str(isolate_, v8::V8::GetVersion())).Check();
  versions->Set(context, v8rt::Str(isolate_, "uv"), v8rt::Str(isolate_, uv_version_string())).Check();
  host->Set(context, v8rt::Str(isolate_, "versions"), versions).Check();
  host->Set(context, v8rt::Str(isolate_, "pid"), v8::Number::New(isolate_, getpid())).Check();

  v8::TryCatch try_catch(isolate_);
  v8::ScriptOrigin origin(isolate_, v8rt::Str(isolate_, "duet:node_bootstrap.js"));
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> factory, builtins;
  v8::Local<v8::Value> argv[] = {host, context->Global()};
  if (!v8::Script::Compile(context, v8rt::Str(isolate_, kNodeBootstrapSource), &origin).ToLocal(&script) ||
      !script->Run(context).ToLocal(&factory) || !factory->IsFunction() ||
      !factory.As<v8::Function>()->Call(context, v8::Undefined(isolate_), 2, argv).ToLocal(&builtins) ||
      !builtins->IsObject()) {
    return v8rt::StatusFromTryCatch(isolate_, context, try_catch, "node bootstrap failed");
  }
  v8::Local<v8::Value> table, require;
  if (!builtins.As<v8::Object>()->Get(context, v8rt::Str(isolate_, "builtins")).ToLocal(&table) || !table->IsObject() ||
      !builtins.As<v8::Object>()->Get(context, v8rt::Str(isolate_, "requireFromHost")).ToLocal(&require) ||
      !require->IsFunction()) {
    return Status::Error("node bootstrap returned no builtins table");
  }
  node_builtins_.Reset(isolate_, table.As<v8::Object>());
  require_from_host_.Reset(isolate_, require.As<v8::Function>());
  return Status::Ok();
}

v8::MaybeLocal<v8::Module> V8Runtime::NodeBuiltinModule(const std::string& name) {
  std::string key = "node:" + name;
  auto cached = builtin_modules_.find(key);
  if (cached != builtin_modules_.end()) return cached->second.Get(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Local<v8::Value> exports;
  if (node_builtins_.IsEmpty() ||
      !node_builtins_.Get(isolate_)->Get(context, v8rt::Str(isolate_, name)).ToLocal(&exports) || !exports->IsObject()) {
    isolate_->ThrowException(v8::Exception::Error(v8rt::Str(isolate_,
        "Cannot find module 'node:" + name + "': duet offers events, timers, timers/promises, fs/promises, process")));
    return {};
  }
  v8::Local<v8::Array> names = exports.As<v8::Object>()->GetOwnPropertyNames(context).ToLocalChecked();
  std::vector<v8::Local<v8::String>> export_names;
  for (uint32_t i = 0; i < names->Length(); ++i) export_names.push_back(names->Get(context, i).ToLocalChecked().As<v8::String>());
  v8::Local<v8::Module> module = v8::Module::CreateSyntheticModule(
      isolate_, v8rt::Str(isolate_, key), export_names,
      [](v8::Local<v8::Context> ctx, v8::Local<v8::Module> m) -> v8::MaybeLocal<v8::Value> {
        V8Runtime* self = From(ctx->GetIsolate());
        v8::Isolate* isolate = self->isolate_;
        for (const auto& [specifier, global] : self->builtin_modules_) {
          if (specifier.rfind("node:", 0) != 0 || global.Get(isolate) != m) continue;
          v8::Local<v8::Object> exports =
              self->node_builtins_.Get(isolate)->Get(ctx, v8rt::Str(isolate, specifier.substr(5))).ToLocalChecked().As<v8::Object>();
          v8::Local<v8::Array> keys = exports->GetOwnPropertyNames(ctx).ToLocalChecked();
          for (uint32_t i = 0; i < keys->Length(); ++i) {
            v8::Local<v8::String> k = keys->Get(ctx, i).ToLocalChecked().As<v8::String>();
            if (m->SetSyntheticModuleExport(isolate, k, exports->Get(ctx, k).ToLocalChecked()).IsNothing()) return {};
          }
        }
        auto resolver = v8::Promise::Resolver::New(ctx).ToLocalChecked();
        resolver->Resolve(ctx, v8::Undefined(isolate)).Check();
        return resolver->GetPromise();
      });
  builtin_modules_[key].Reset(isolate_, module);
  return module;
}

}  // namespace duet
