// What the libFuzzer targets share: a failed property aborts with its message (libFuzzer keeps
// the input), JSON compared as both runtimes mean it, and scalars cut from the raw input.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace duet::fuzz {

[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz property failed: %s\n", what.c_str());
  std::abort();
}
inline void Check(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

// JSON as a JavaScript number sees it: every number a double, a non-finite one null (what
// JSON.stringify and a lossless json.dumps round trip make of them).
inline nlohmann::json AsDoubles(const nlohmann::json& value) {
  if (value.is_number()) {
    double d = value.get<double>();
    return std::isfinite(d) ? nlohmann::json(d) : nlohmann::json(nullptr);
  }
  if (value.is_array() || value.is_object()) {
    nlohmann::json out = value.is_array() ? nlohmann::json::array() : nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
      if (value.is_array()) {
        out.push_back(AsDoubles(item));
      } else {
        out[key] = AsDoubles(item);
      }
    }
    return out;
  }
  return value;
}

// Nesting depth, so properties that hold below the runtimes' recursion limits are checked there.
inline int Depth(const nlohmann::json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const auto& item : value) deepest = std::max(deepest, Depth(item));
    return deepest + 1;
  }
  return 0;
}

inline bool IsUtf8(std::string_view bytes) {
  try {
    (void)nlohmann::json(std::string(bytes)).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// The raw input's whole doubles, and whether a float array read back holds them bit for bit.
inline std::vector<double> DoublesOf(const uint8_t* data, size_t size) {
  std::vector<double> doubles(size / sizeof(double));
  if (!doubles.empty()) std::memcpy(doubles.data(), data, doubles.size() * sizeof(double));
  return doubles;
}
inline bool SameBits(const double* data, size_t size, const std::vector<double>& expected) {
  return size == expected.size() && (size == 0 || std::memcmp(data, expected.data(), size * sizeof(double)) == 0);
}

// The raw input read as consecutive scalars, zero-padded at the end.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  template <typename T> T Take() {
    T value{};
    size_t n = std::min(sizeof(T), size_ - pos_);
    std::memcpy(&value, data_ + pos_, n);
    pos_ += n;
    return value;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace duet::fuzz
