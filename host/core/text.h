// Text helpers for error messages: where a byte offset falls in a file (line:column), whether a
// source is valid UTF-8, so a broken file is reported by its place; and a signal's name.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace duet {

struct TextPosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// The line and column of byte `offset` in `text` (clamped to its end).
TextPosition PositionOf(std::string_view text, size_t offset);

// The offset of the first byte that is not part of well-formed UTF-8, if any.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

// "SIGSEGV (Segmentation fault)": how a child process killed by `sig` is reported.
std::string SignalName(int sig);

}  // namespace duet
