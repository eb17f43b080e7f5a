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

int CommandNode(const std::vector<std::string>& argv) {
  int exit_code = 0;
  if (Status ran = RunNodeCommandLine(argv, &exit_code); !ran.ok()) return Fail(ran);
  return exit_code;  // node's own, not the table's
}

}  // namespace duet
