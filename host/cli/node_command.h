// Node's own command line inside duet: `duet exec FILE.js ARGS` and `duet [node options] FILE.js
// ARGS` (what child_process.fork and cluster run, since process.execPath is duet) both run Node
// 18 itself on duet's loop, as `node` would.
#pragma once

#include <string>
#include <vector>

namespace duet {

// True when `args` (argv without argv[0]) is a node command line rather than a duet one: its
// first word is neither one of `duet_words` (duet's subcommands and its own options, help and
// version, as the CLI declares them) nor such an option with `=VALUE`.
bool IsNodeCommandLine(const std::vector<std::string>& args, const std::vector<std::string>& duet_words);

// Runs `argv` ("duet", node options..., script, args...) in Node and returns node's exit code.
int CommandNode(const std::vector<std::string>& argv);

}  // namespace duet
