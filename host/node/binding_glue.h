// Generates a binding's V8 side from its typed C++ signature (nanobind-style templates): a
// FunctionCallback that converts and checks every argument, and for scalar signatures a
// v8::CFunction that optimised code calls directly. Mirrors python/binding_glue.h.
#pragma once

#include <v8-fast-api-calls.h>
#include <v8.h>

#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings/registry.h"
#include "bindings/types.h"

namespace duet::v8glue {

// Script value -> C++ value. Read() may keep storage the value points into (a string's UTF-8,
// a copy of an on-heap typed array); it lives until the call returns.
template <typename T> struct Arg;

// Integers arrive as a Number (integral and in range) or a BigInt (lossless).
template <typename T>
struct IntArg {
  T v = 0;
  Conv Read(v8::Isolate*, v8::Local<v8::Value> x) {
    if (x->IsInt32()) {  // the common case: a small integer
      int32_t i = x.As<v8::Int32>()->Value();
      if (std::is_unsigned_v<T> && i < 0) return Conv::kRange;
      v = static_cast<T>(i);
      return Conv::kOk;
    }
    if (x->IsNumber()) {
      constexpr double kLow = std::is_signed_v<T> ? -0x1p63 : 0.0;
      constexpr double kHigh = std::is_signed_v<T> ? 0x1p63 : 0x1p64;
      double d = x.As<v8::Number>()->Value();
      if (d != std::trunc(d)) return Conv::kType;  // also NaN and the infinities
      if (d < kLow || d >= kHigh) return Conv::kRange;
      v = static_cast<T>(d);
      return Conv::kOk;
    }
    if (x->IsBigInt()) {
      bool lossless = false;
      if constexpr (std::is_signed_v<T>) {
        v = x.As<v8::BigInt>()->Int64Value(&lossless);
      } else {
        v = x.As<v8::BigInt>()->Uint64Value(&lossless);
      }
      return lossless ? Conv::kOk : Conv::kRange;
    }
    return Conv::kType;
  }
  T get() const { return v; }
};
template <> struct Arg<int64_t> : IntArg<int64_t> {};
template <> struct Arg<uint64_t> : IntArg<uint64_t> {};

template <> struct Arg<double> {
  double v = 0;
  Conv Read(v8::Isolate*, v8::Local<v8::Value> x) {
    if (!x->IsNumber()) return Conv::kType;
    v = x.As<v8::Number>()->Value();
    return Conv::kOk;
  }
  double get() const { return v; }
};

template <> struct Arg<bool> {
  bool v = false;
  Conv Read(v8::Isolate*, v8::Local<v8::Value> x) {
    if (!x->IsBoolean()) return Conv::kType;
    v = x->IsTrue();
    return Conv::kOk;
  }
  bool get() const { return v; }
};

// UTF-8 of a JS string, into storage owned by the caller.
inline void Utf8Into(v8::Isolate* isolate, v8::Local<v8::String> s, std::string* out) {
  out->resize(s->Utf8Length(isolate));
  s->WriteUtf8(isolate, out->data(), static_cast<int>(out->size()), nullptr,
               v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
}

template <> struct Arg<std::string> {
  std::string v;
  Conv Read(v8::Isolate* isolate, v8::Local<v8::Value> x) {
    if (!x->IsString()) return Conv::kType;
    Utf8Into(isolate, x.As<v8::String>(), &v);
    return Conv::kOk;
  }
  const std::string& get() const { return v; }
};

template <> struct Arg<std::string_view> : Arg<std::string> {
  std::string_view get() const { return v; }
};

// Bytes are read in place from an off-heap buffer; V8 keeps small typed arrays on its heap,
// where they may move, so those (and text) are copied.
template <> struct Arg<BytesView> {
  BytesView v;
  std::string storage;
  Conv Read(v8::Isolate* isolate, v8::Local<v8::Value> x) {
    if (x->IsArrayBufferView()) {
      auto view = x.As<v8::ArrayBufferView>();
      if (view->HasBuffer()) {
        v = {static_cast<const uint8_t*>(view->Buffer()->Data()) + view->ByteOffset(), view->ByteLength()};
        return Conv::kOk;
      }
      storage.resize(view->ByteLength());
      view->CopyContents(storage.data(), storage.size());
    } else if (x->IsArrayBuffer()) {
      auto buffer = x.As<v8::ArrayBuffer>();
      v = {static_cast<const uint8_t*>(buffer->Data()), buffer->ByteLength()};
      return Conv::kOk;
    } else if (x->IsString()) {  // text is accepted as its UTF-8 bytes
      Utf8Into(isolate, x.As<v8::String>(), &storage);
    } else {
      return Conv::kType;
    }
    v = {reinterpret_cast<const uint8_t*>(storage.data()), storage.size()};
    return Conv::kOk;
  }
  BytesView get() const { return v; }
};

template <> struct Arg<DoublesView> {
  DoublesView v;
  std::vector<double> storage;
  Conv Read(v8::Isolate* isolate, v8::Local<v8::Value> x) {
    if (x->IsFloat64Array()) {
      auto array = x.As<v8::Float64Array>();
      if (array->HasBuffer()) {
        v = {reinterpret_cast<const double*>(static_cast<const char*>(array->Buffer()->Data()) + array->ByteOffset()),
             array->Length()};
        return Conv::kOk;
      }
      storage.resize(array->Length());
      array->CopyContents(storage.data(), storage.size() * sizeof(double));
    } else if (x->IsArray()) {
      auto array = x.As<v8::Array>();
      v8::Local<v8::Context> context = isolate->GetCurrentContext();
      storage.resize(array->Length());
      for (uint32_t i = 0; i < array->Length(); ++i) {
        v8::Local<v8::Value> item;
        if (!array->Get(context, i).ToLocal(&item) || !item->IsNumber()) return Conv::kType;
        storage[i] = item.As<v8::Number>()->Value();
      }
    } else {
      return Conv::kType;
    }
    v = {storage.data(), storage.size()};
    return Conv::kOk;
  }
  DoublesView get() const { return v; }
};

template <typename T> struct Arg<std::optional<T>> {
  std::optional<Arg<T>> inner;
  Conv Read(v8::Isolate* isolate, v8::Local<v8::Value> x) {
    if (x->IsNullOrUndefined()) return Conv::kOk;
    return inner.emplace().Read(isolate, x);
  }
  std::optional<T> get() const {
    if (!inner) return std::nullopt;
    return T(inner->get());
  }
};

// C++ value -> script value.
template <typename T> struct Ret;

template <> struct Ret<int64_t> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, int64_t v) {
    constexpr int64_t kMaxSafe = (int64_t{1} << 53) - 1;  // beyond it a Number is no longer exact
    if (v > kMaxSafe || v < -kMaxSafe) return v8::BigInt::New(isolate, v);
    return v8::Number::New(isolate, static_cast<double>(v));
  }
};
template <> struct Ret<uint64_t> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, uint64_t v) {
    if (v > (uint64_t{1} << 53) - 1) return v8::BigInt::NewFromUnsigned(isolate, v);
    return v8::Number::New(isolate, static_cast<double>(v));
  }
};
template <> struct Ret<double> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, double v) { return v8::Number::New(isolate, v); }
};
template <> struct Ret<bool> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, bool v) { return v8::Boolean::New(isolate, v); }
};
template <> struct Ret<std::string> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, const std::string& v) {
    v8::Local<v8::String> s;
    if (!v8::String::NewFromUtf8(isolate, v.data(), v8::NewStringType::kNormal, static_cast<int>(v.size())).ToLocal(&s)) {
      throw std::length_error("string too long for JavaScript");
    }
    return s;
  }
};
template <> struct Ret<std::string_view> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, std::string_view v) { return Ret<std::string>::To(isolate, std::string(v)); }
};
template <typename Element, typename Array>
v8::Local<v8::Value> NewTypedArray(v8::Isolate* isolate, const std::vector<Element>& v) {
  auto buffer = v8::ArrayBuffer::New(isolate, v.size() * sizeof(Element));
  if (!v.empty()) std::memcpy(buffer->Data(), v.data(), v.size() * sizeof(Element));
  return Array::New(buffer, 0, v.size());
}
template <> struct Ret<Bytes> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, const Bytes& v) { return NewTypedArray<uint8_t, v8::Uint8Array>(isolate, v); }
};
template <> struct Ret<Doubles> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, const Doubles& v) {
    return NewTypedArray<double, v8::Float64Array>(isolate, v);
  }
};
template <typename T> struct Ret<std::optional<T>> {
  static v8::Local<v8::Value> To(v8::Isolate* isolate, const std::optional<T>& v) {
    if (!v) return v8::Undefined(isolate);
    return Ret<T>::To(isolate, *v);
  }
};

template <typename R, typename... A> struct Arg<Callback<R(A...)>> {
  v8::Isolate* isolate = nullptr;
  v8::Local<v8::Function> fn;
  Conv Read(v8::Isolate* i, v8::Local<v8::Value> x) {
    if (!x->IsFunction()) return Conv::kType;
    isolate = i;
    fn = x.As<v8::Function>();
    return Conv::kOk;
  }
  // The Local stays valid: the callback may only be called while the binding runs.
  Callback<R(A...)> get() const {
    return Callback<R(A...)>([isolate = isolate, fn = fn](A... args) -> R {
      v8::EscapableHandleScope scope(isolate);
      std::array<v8::Local<v8::Value>, sizeof...(A)> argv{Ret<std::decay_t<A>>::To(isolate, args)...};
      v8::Local<v8::Context> context = isolate->GetCurrentContext();
      v8::Local<v8::Value> result;
      // On an exception the script's own error stays pending and the glue lets it propagate.
      if (!fn->Call(context, v8::Undefined(isolate), static_cast<int>(argv.size()), argv.data()).ToLocal(&result)) {
        throw ScriptError();
      }
      if constexpr (!std::is_void_v<R>) {
        Arg<R> out;
        if (out.Read(isolate, result) != Conv::kOk) {
          throw BindingTypeError("callback must return " + TypeNameOf<R>());
        }
        return out.get();
      }
    });
  }
};

inline const BindingFunction& FunctionOf(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return *static_cast<const BindingFunction*>(info.Data().As<v8::External>()->Value());
}

inline void Throw(v8::Isolate* isolate, duet_error_kind kind, const std::string& message) {
  v8::Local<v8::String> text =
      v8::String::NewFromUtf8(isolate, message.data(), v8::NewStringType::kNormal, static_cast<int>(message.size()))
          .ToLocalChecked();
  switch (kind) {
    case DUET_TYPE_ERROR:
    case DUET_VALUE_ERROR: isolate->ThrowException(v8::Exception::TypeError(text)); return;
    case DUET_RANGE_ERROR: isolate->ThrowException(v8::Exception::RangeError(text)); return;
    case DUET_ERROR: break;
  }
  isolate->ThrowException(v8::Exception::Error(text));
}

// Inside a catch block: C++ exceptions stop here, as JS exceptions (V8 frames must never
// unwind through them). A ScriptError's JS exception is already pending.
inline void ThrowCurrentException(v8::Isolate* isolate, const BindingFunction& fn) {
  try {
    throw;
  } catch (const ScriptError&) {
  } catch (...) {
    std::string message;
    duet_error_kind kind = ClassifyCurrentException(&message);
    Throw(isolate, kind, fn.name + "(): " + message);
  }
}

// Throws the TypeError / RangeError for argument `index`; always false. Kept out of line so
// the conversions inline into each entry point.
[[gnu::cold, gnu::noinline]] inline bool ArgFailed(const v8::FunctionCallbackInfo<v8::Value>& info, int index, Conv c) {
  const BindingFunction& fn = FunctionOf(info);
  Throw(info.GetIsolate(), c == Conv::kType ? DUET_TYPE_ERROR : DUET_RANGE_ERROR,
        c == Conv::kType ? ArgumentTypeError(fn, index) : ArgumentRangeError(fn, index));
  return false;
}

// False (with the exception thrown) unless argument `index` converted.
template <typename T>
[[gnu::always_inline]] inline bool ReadArg(const v8::FunctionCallbackInfo<v8::Value>& info, int index, Arg<T>* arg) {
  Conv c = arg->Read(info.GetIsolate(), info[index]);
  if (c == Conv::kOk) [[likely]] return true;
  return ArgFailed(info, index, c);
}

[[gnu::cold, gnu::noinline]] inline void CountFailed(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Throw(info.GetIsolate(), DUET_TYPE_ERROR, ArgumentCountError(FunctionOf(info), info.Length()));
}

template <typename T>
void SetReturn(const v8::FunctionCallbackInfo<v8::Value>& info, const T& value) {
  if constexpr (std::is_same_v<T, double>) {
    info.GetReturnValue().Set(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    info.GetReturnValue().Set(value);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (value == static_cast<int32_t>(value)) {
      info.GetReturnValue().Set(static_cast<int32_t>(value));  // a Smi: no allocation
    } else {
      info.GetReturnValue().Set(Ret<int64_t>::To(info.GetIsolate(), value));
    }
  } else {
    info.GetReturnValue().Set(Ret<T>::To(info.GetIsolate(), value));
  }
}

// --- The fast path ---------------------------------------------------------------------------
// Scalar types V8 10.2 passes to a v8::CFunction; 64-bit results come back as a double, which
// is exact up to 2^53 (beyond, the call falls back to the slow path for a BigInt).
template <typename T> constexpr bool kFastArg = std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t> ||
                                                std::is_same_v<T, double> || std::is_same_v<T, bool>;
template <typename T> constexpr bool kWideInt = std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>;
template <typename T> using FastRet = std::conditional_t<kWideInt<T>, double, T>;
template <typename T> using Stored = std::conditional_t<std::is_void_v<T>, bool, T>;

template <typename T> bool ExactAsDouble(T v) {
  if constexpr (std::is_signed_v<T>) {
    return v <= (int64_t{1} << 53) && v >= -(int64_t{1} << 53);
  } else {
    return v <= (uint64_t{1} << 53);
  }
}

template <auto F, typename Sig> struct Glue;
template <auto F, typename R, typename... A>
struct Glue<F, R (*)(A...)> {
  using Info = v8::FunctionCallbackInfo<v8::Value>;
  static constexpr bool kNoexcept = noexcept(F(std::declval<A>()...));
  static constexpr bool kFastEligible =
      (kFastArg<std::decay_t<A>> && ...) && (std::is_void_v<R> || kFastArg<R>);
  // A fast call needs V8's fallback (and its options argument) only when it may throw or
  // return a 64-bit integer a double cannot hold.
  static constexpr bool kNeedsFallback = !kNoexcept || kWideInt<R>;

  // What a fast call that fell back computed, so the slow call V8 makes next (same arguments)
  // reports it instead of running the function a second time.
  struct Pending {
    std::tuple<std::decay_t<A>...> args;
    std::exception_ptr error;
    Stored<R> value{};
  };
  static inline std::optional<Pending> pending;

  static void Slow(const Info& info) { SlowImpl(info, std::index_sequence_for<A...>{}); }

  template <size_t... I>
  static void SlowImpl(const Info& info, std::index_sequence<I...>) {
    using S = Signature<R (*)(A...)>;
    const size_t n = static_cast<size_t>(info.Length());
    if (n < S::kRequired || n > S::kArity) [[unlikely]] {
      CountFailed(info);
      return;
    }
    std::tuple<Arg<std::decay_t<A>>...> args;
    if (!(ReadArg(info, static_cast<int>(I), &std::get<I>(args)) && ...)) return;
    if constexpr (kFastEligible && kNeedsFallback) {
      if (pending && pending->args == std::make_tuple(std::get<I>(args).get()...)) {
        Pending p = std::move(*pending);
        pending.reset();
        if (p.error) {
          try {
            std::rethrow_exception(p.error);
          } catch (...) {
            ThrowCurrentException(info.GetIsolate(), FunctionOf(info));
          }
        } else if constexpr (!std::is_void_v<R>) {
          SetReturn(info, p.value);
        }
        return;
      }
    }
    try {
      if constexpr (std::is_void_v<R>) {
        F(std::get<I>(args).get()...);
      } else {
        SetReturn(info, F(std::get<I>(args).get()...));
      }
    } catch (...) {
      ThrowCurrentException(info.GetIsolate(), FunctionOf(info));
    }
  }

  static FastRet<R> FastPlain(v8::Local<v8::Value>, A... args) {
    ++g_fast_api_calls;
    return static_cast<FastRet<R>>(F(args...));
  }

  static FastRet<R> FastWithFallback(v8::Local<v8::Value>, A... args, v8::FastApiCallbackOptions& options) {
    ++g_fast_api_calls;
    try {
      if constexpr (std::is_void_v<R>) {
        F(args...);
        return;
      } else {
        R value = F(args...);
        if constexpr (kWideInt<R>) {
          if (!ExactAsDouble(value)) {
            pending = Pending{{args...}, nullptr, value};
            options.fallback = true;
            return 0;
          }
        }
        return static_cast<FastRet<R>>(value);
      }
    } catch (...) {
      pending = Pending{{args...}, std::current_exception(), {}};
      options.fallback = true;
      if constexpr (!std::is_void_v<R>) return {};
    }
  }

  static const v8::CFunction* Fast() {
    static const v8::CFunction c_function =
        kNeedsFallback ? v8::CFunction::Make(&FastWithFallback) : v8::CFunction::Make(&FastPlain);
    return &c_function;
  }
};

// The functions of one binding module as V8 functions (with their fast paths), in declaration
// order: what every JS runtime adapter exports for 'duet:<name>' (v8/duet_module.cc).
std::vector<std::pair<std::string, v8::Local<v8::Value>>> ModuleFunctions(v8::Isolate* isolate,
                                                                        v8::Local<v8::Context> context,
                                                                        const BindingModule& module);

template <auto F>
V8Entry EntryFor(bool allow_fast) {
  using G = Glue<F, PlainSignature<decltype(F)>>;
  V8Entry entry;
  entry.slow = &G::Slow;
  if constexpr (G::kFastEligible) {
    if (allow_fast) entry.fast = &G::Fast;
  }
  return entry;
}

// The V8 side of a declaration (bindings/declare.h).
struct Entries {
  template <auto F>
  static void Fill(BindingFunction* fn, FastPath fast) {
    fn->v8 = EntryFor<F>(fast == FastPath::kWhenScalar);
  }
};

}  // namespace duet::v8glue
