// Text helpers; see text.h.
#include "core/text.h"

#include <fmt/format.h>

#include <string.h>

#include <algorithm>
#include <utility>

namespace duet {

TextPosition PositionOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition at;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      line_start = i + 1;
    }
  }
  at.column = static_cast<int>(offset - line_start) + 1;
  return at;
}

std::optional<size_t> FirstInvalidUtf8(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = byte(i);
    size_t extra = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte (RFC 3629 table)
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + extra >= text.size()) return i;  // cut short by the end of the text
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char next = byte(i + k);
      if (k == 1 ? (next < lo || next > hi) : (next < 0x80 || next > 0xBF)) return i;
    }
    i += extra + 1;
  }
  return std::nullopt;
}

Status CheckUtf8Source(const std::string& file, std::string_view source) {
  std::optional<size_t> bad = FirstInvalidUtf8(source);
  if (!bad) return Status::Ok();
  TextPosition at = PositionOf(source, *bad);
  return Status::Error(fmt::format("SyntaxError: the source is not valid UTF-8 (byte 0x{:02x} at line {}, column {})",
                                   static_cast<unsigned char>(source[*bad]), at.line, at.column),
                       file, at.line);
}

std::string Counted(long long count, std::string_view noun) {
  std::string text = std::to_string(count) + " " + std::string(noun);
  if (count == 1) return text;
  bool sibilant = noun.ends_with("s") || noun.ends_with("x") || noun.ends_with("ch") || noun.ends_with("sh");
  return text + (sibilant ? "es" : "s");
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* text = strsignal(sig);
  return "SIG" + (abbrev ? std::string(abbrev) : std::to_string(sig)) + " (" + (text ? text : "unknown signal") + ")";
}

std::string AsciiLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c); });
  return text;
}

std::string TrimBlanks(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t"), end = text.find_last_not_of(" \t");
  return begin == std::string_view::npos ? "" : std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> SplitOptionWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace duet
