// Text helpers for messages: where a byte offset falls in a file (line:column), whether a source
// is valid UTF-8, so a broken file is reported by its place; a signal's name; a count with its noun;
// ASCII case folding and trimming for protocol text (HTTP header names and values).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace duet {

struct TextPosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// The line and column of byte `offset` in `text` (clamped to its end).
TextPosition PositionOf(std::string_view text, size_t offset);

// The offset of the first byte that is not part of well-formed UTF-8, if any.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

// A SyntaxError naming the first byte of `source` (the text of `file`) that is not UTF-8, with
// its line and column; Ok when it is all UTF-8. V8 would quietly read such bytes as U+FFFD and
// the workload's result would differ from Python's, which refuses the file.
Status CheckUtf8Source(const std::string& file, std::string_view source);

// "SIGSEGV (Segmentation fault)": how a child process killed by `sig` is reported.
std::string SignalName(int sig);

// "1 function", "3 functions", "0 pauses": `count` and `noun`, plural unless the count is one.
// For nouns whose plural adds "s" (or "es" after s, x, ch, sh).
std::string Counted(long long count, std::string_view noun);

// `text` with ASCII letters lowercased (HTTP header names and media types are case-insensitive).
std::string AsciiLower(std::string text);
// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string TrimBlanks(std::string_view text);

// Splits an option string such as --node-options' or --v8-flags' value into words, as a shell
// would for plain words: at blanks, with "double" and 'single' quotes grouping.
std::vector<std::string> SplitOptionWords(const std::string& text);

}  // namespace duet
