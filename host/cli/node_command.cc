// Node's command line in duet; see node_command.h.
#include "cli/node_command.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/exit_codes.h"
#include "session/node_library.h"

namespace duet {

bool IsNodeCommandLine(const std::vector<std::string>& args, const std::vector<std::string>& duet_words) {
  if (args.empty()) return false;
  const std::string& first = args.front();
  std::string name = first.substr(0, first.find('='));
  return std::find(duet_words.begin(), duet_words.end(), name) == duet_words.end();
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

int CommandNode(const std::vector<std::string>& argv) {
  const NodeLibrary* node = nullptr;
  if (Status loaded = LoadNodeLibrary(&node); !loaded.ok()) return Fail(loaded);
  return node->run_command_line(argv);  // node's own exit code, not the table's
}

}  // namespace duet
