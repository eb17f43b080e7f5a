// Calling a plugin function, whose types are known only at run time: both adapters read each
// argument by its declared type code with their own casters, call the plugin's C thunk and
// convert the result by its code. Written once here over an adapter trait; each adapter keeps
// only what differs (python/duet_module.cc, node/duet_module.cc):
//
//   template <typename T> using Arg = ...;        its argument casters (storage lives in them)
//   template <typename T> bool Read(uint32_t index, Arg<T>* arg) const;   false: exception pending
//   Result Raise(duet_error_kind kind, const std::string& message) const;
//   Result Pending() const;                         the return after a failed Read
//   Result Return() const;                          no result (undefined / None)
//   template <typename T> Result Return(const T& value) const;   int64_t, double, bool,
//                                                   std::string_view, Bytes
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/registry.h"
#include "bindings/types.h"
#include "duet/plugin.h"

namespace duet {

template <typename Glue>
auto CallPlugin(const Glue& glue, const BindingFunction& fn, size_t argc) {
  const duet_function& c = *fn.plugin;
  if (argc != c.param_count) return glue.Raise(DUET_TYPE_ERROR, ArgumentCountError(fn, argc));
  std::vector<duet_value> values(c.param_count);
  // Text and bytes point into their casters' storage until the call returns.
  std::vector<typename Glue::template Arg<std::string_view>> text(c.param_count);
  std::vector<typename Glue::template Arg<BytesView>> bytes(c.param_count);
  for (uint32_t i = 0; i < c.param_count; ++i) {
    duet_value& v = values[i];
    bool read = false;
    switch (c.param_types[i]) {
      case DUET_INT64: {
        typename Glue::template Arg<int64_t> a;
        if ((read = glue.Read(i, &a))) v.as.i64 = a.get();
        break;
      }
      case DUET_DOUBLE: {
        typename Glue::template Arg<double> a;
        if ((read = glue.Read(i, &a))) v.as.f64 = a.get();
        break;
      }
      case DUET_BOOL: {
        typename Glue::template Arg<bool> a;
        if ((read = glue.Read(i, &a))) v.as.boolean = a.get();
        break;
      }
      case DUET_STRING:
        if ((read = glue.Read(i, &text[i]))) v.as.buf = {text[i].get().data(), text[i].get().size()};
        break;
      case DUET_BYTES:
        if ((read = glue.Read(i, &bytes[i]))) {
          v.as.buf = {reinterpret_cast<const char*>(bytes[i].get().data), bytes[i].get().size};
        }
        break;
    }
    if (!read) return glue.Pending();  // the plugin loader refused any other code
  }
  duet_value result{};
  duet_error error{};
  if (c.call(values.data(), &result, &error) != 0) {
    return glue.Raise(static_cast<duet_error_kind>(error.kind), fn.name + "(): " + error.message);
  }
  switch (c.result_type) {
    case DUET_INT64: return glue.Return(result.as.i64);
    case DUET_DOUBLE: return glue.Return(result.as.f64);
    case DUET_BOOL: return glue.Return(result.as.boolean != 0);
    case DUET_STRING:
    case DUET_BYTES: {
      // Strings and bytes were malloc()ed by the plugin; the host frees them.
      std::unique_ptr<char, decltype(&std::free)> owned(const_cast<char*>(result.as.buf.data), &std::free);
      if (c.result_type == DUET_STRING) return glue.Return(std::string_view(owned.get(), result.as.buf.size));
      const auto* data = reinterpret_cast<const uint8_t*>(owned.get());
      return glue.Return(Bytes(data, data + result.as.buf.size));
    }
  }
  return glue.Return();  // DUET_VOID
}

}  // namespace duet
