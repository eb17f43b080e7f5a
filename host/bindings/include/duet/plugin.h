/* The duet plugin ABI: what a shared library exports so that `duet --plugin lib.so` can load its
 * binding modules. Plain C structs behind one entry point, versioned; C++ plugins declare their
 * functions once with the helpers at the end (typed signature in, C thunk out). */
#ifndef DUET_PLUGIN_H_
#define DUET_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes shape. The host refuses any other version. */
#define DUET_PLUGIN_ABI_VERSION 1u

typedef enum duet_type {
  DUET_VOID = 0, /* results only: undefined / None */
  DUET_INT64 = 1,
  DUET_DOUBLE = 2,
  DUET_BOOL = 3,
  DUET_STRING = 4, /* UTF-8 */
  DUET_BYTES = 5
} duet_type;

/* One argument or result. Arguments' string/bytes point into the caller's memory for the
 * duration of the call only. A string/bytes result is malloc()ed by the plugin and free()d by
 * the host. */
typedef struct duet_value {
  union {
    int64_t i64;
    double f64;
    int boolean;
    struct {
      const char* data;
      size_t size;
    } buf;
  } as;
} duet_value;

/* How a failed call is reported; the host raises the matching exception in each language. */
typedef enum duet_error_kind {
  DUET_ERROR = 1,             /* JS Error, Python RuntimeError */
  DUET_TYPE_ERROR = 2,        /* JS TypeError, Python TypeError */
  DUET_VALUE_ERROR = 3,       /* JS TypeError, Python ValueError */
  DUET_RANGE_ERROR = 4        /* JS RangeError, Python IndexError */
} duet_error_kind;

typedef struct duet_error {
  int kind; /* a duet_error_kind */
  char message[512];
} duet_error;

/* Returns 0 and fills *result, or non-zero and fills *error. Must not let a C++ exception out. */
typedef int (*duet_thunk)(const duet_value* args, duet_value* result, duet_error* error);

typedef struct duet_function {
  const char* name;
  const char* doc;
  uint32_t param_count;
  const char* const* param_names;
  const uint8_t* param_types; /* duet_type each */
  uint8_t result_type;        /* duet_type */
  duet_thunk call;
} duet_function;

typedef struct duet_module {
  const char* name; /* 'duet:<name>' in JS, `from duet import <name>` in Python */
  const char* doc;
  uint32_t function_count;
  const duet_function* functions;
} duet_module;

typedef struct duet_plugin {
  uint32_t abi_version; /* first, so any version can be read: DUET_PLUGIN_ABI_VERSION */
  uint32_t module_count;
  const duet_module* modules;
} duet_plugin;

/* The one symbol a plugin exports. The host passes its own ABI version; a plugin may return
 * NULL to refuse it. */
#define DUET_PLUGIN_ENTRY "duet_plugin_entry"
typedef const duet_plugin* (*duet_plugin_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
}  // extern "C"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace duet {

// Thrown by bindings (and by the host's conversions) for a value of the wrong type: TypeError in
// both languages. Other standard exceptions map as ClassifyCurrentException says.
struct BindingTypeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Inside a catch block: the kind of script exception the current C++ exception becomes, and
// its message. The one mapping, shared by the host and every plugin.
inline duet_error_kind ClassifyCurrentException(std::string* message) {
  try {
    throw;
  } catch (const BindingTypeError& e) {
    *message = e.what();
    return DUET_TYPE_ERROR;
  } catch (const std::invalid_argument& e) {
    *message = e.what();
    return DUET_VALUE_ERROR;
  } catch (const std::out_of_range& e) {
    *message = e.what();
    return DUET_RANGE_ERROR;
  } catch (const std::exception& e) {
    *message = e.what();
    return DUET_ERROR;
  } catch (...) {
    *message = "unknown C++ exception";
    return DUET_ERROR;
  }
}

namespace plugin {

// C++ side of the plugin ABI: the types a plugin function may take and return.
template <typename T> struct Type;
template <> struct Type<void> {
  static constexpr uint8_t kCode = DUET_VOID;
};
template <> struct Type<int64_t> {
  static constexpr uint8_t kCode = DUET_INT64;
  static int64_t From(const duet_value& v) { return v.as.i64; }
  static void To(int64_t x, duet_value* v) { v->as.i64 = x; }
};
template <> struct Type<double> {
  static constexpr uint8_t kCode = DUET_DOUBLE;
  static double From(const duet_value& v) { return v.as.f64; }
  static void To(double x, duet_value* v) { v->as.f64 = x; }
};
template <> struct Type<bool> {
  static constexpr uint8_t kCode = DUET_BOOL;
  static bool From(const duet_value& v) { return v.as.boolean != 0; }
  static void To(bool x, duet_value* v) { v->as.boolean = x; }
};
template <> struct Type<std::string_view> {
  static constexpr uint8_t kCode = DUET_STRING;
  static std::string_view From(const duet_value& v) { return {v.as.buf.data, v.as.buf.size}; }
};
template <> struct Type<std::string> {
  static constexpr uint8_t kCode = DUET_STRING;
  static std::string From(const duet_value& v) { return {v.as.buf.data, v.as.buf.size}; }
  static void To(const std::string& x, duet_value* v) { CopyOut(x.data(), x.size(), v); }
  static void CopyOut(const void* data, size_t size, duet_value* v) {
    char* copy = static_cast<char*>(std::malloc(size > 0 ? size : 1));
    if (copy == nullptr) throw std::bad_alloc();
    if (size > 0) std::memcpy(copy, data, size);
    v->as.buf.data = copy;
    v->as.buf.size = size;
  }
};
// Bytes: read as a view of the caller's memory, returned as an owned vector.
struct BytesArg {
  const uint8_t* data;
  size_t size;
};
template <> struct Type<BytesArg> {
  static constexpr uint8_t kCode = DUET_BYTES;
  static BytesArg From(const duet_value& v) {
    return {reinterpret_cast<const uint8_t*>(v.as.buf.data), v.as.buf.size};
  }
};
template <> struct Type<std::vector<uint8_t>> {
  static constexpr uint8_t kCode = DUET_BYTES;
  static void To(const std::vector<uint8_t>& x, duet_value* v) { Type<std::string>::CopyOut(x.data(), x.size(), v); }
};

template <auto F, typename Sig = decltype(F)> struct Thunk;
template <auto F, typename R, typename... A>
struct Thunk<F, R (*)(A...)> {
  static constexpr uint8_t kResultType = Type<R>::kCode;
  static constexpr uint8_t kParamTypes[sizeof...(A) + 1] = {Type<std::decay_t<A>>::kCode..., 0};

  static int Call(const duet_value* args, duet_value* result, duet_error* error) {
    return Invoke(args, result, error, std::index_sequence_for<A...>{});
  }
  template <size_t... I>
  static int Invoke(const duet_value* args, duet_value* result, duet_error* error, std::index_sequence<I...>) {
    (void)args;
    try {
      if constexpr (std::is_void_v<R>) {
        F(Type<std::decay_t<A>>::From(args[I])...);
      } else {
        Type<R>::To(F(Type<std::decay_t<A>>::From(args[I])...), result);
      }
      return 0;
    } catch (...) {
      std::string message;
      error->kind = ClassifyCurrentException(&message);
      std::snprintf(error->message, sizeof error->message, "%s", message.c_str());
      return 1;
    }
  }
};

// One line per function: Function<&Add>("add", kAddParams, "Sum of two integers."), where
// kAddParams is a `static const char* const[]` naming each parameter.
template <auto F, size_t N>
constexpr duet_function Function(const char* name, const char* const (&params)[N], const char* doc) {
  using T = Thunk<F>;
  static_assert(N + 1 == sizeof T::kParamTypes, "one name per parameter");
  return {name, doc, static_cast<uint32_t>(N), params, T::kParamTypes, T::kResultType, &T::Call};
}
// A function without parameters.
template <auto F>
constexpr duet_function Function(const char* name, const char* doc) {
  using T = Thunk<F>;
  static_assert(sizeof T::kParamTypes == 1, "this function takes parameters: name them");
  return {name, doc, 0, nullptr, T::kParamTypes, T::kResultType, &T::Call};
}

}  // namespace plugin
}  // namespace duet

#endif  // __cplusplus
#endif  // DUET_PLUGIN_H_
