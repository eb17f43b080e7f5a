// Runs the built duet binary as a user would, for the CLI tests: both streams captured, the
// exit code decoded, and the duet-run/1 JSON parsed when asked for; or on a terminal of a given width.
#pragma once

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace duet::testing {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh, empty directory under the test temp dir (outside the repository), one per process.
inline std::filesystem::path Scratch(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs a shell command line with both streams captured.
inline Outcome Shell(const std::string& command_line) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-cli-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string command = "{ " + command_line + "\n} >" + (dir / "out").string() + " 2>" + (dir / "err").string();
  int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.out = Slurp(dir / "out");
  outcome.err = Slurp(dir / "err");
  return outcome;
}

// Runs `duet ARGS` through the shell.
inline Outcome Duet(const std::string& args) { return Shell(std::string(DUET_BINARY) + " " + args); }

// Runs a shell command line on a terminal `columns` wide (a pseudo-terminal for stdin, stdout and
// stderr alike) and returns what it printed, with the terminal's "\r\n" line ends back to "\n".
inline std::string OnTerminal(const std::string& command_line, unsigned short columns) {
  winsize size{};
  size.ws_row = 50;
  size.ws_col = columns;
  int terminal = -1;
  pid_t child = forkpty(&terminal, nullptr, nullptr, &size);
  if (child == 0) {
    execl("/bin/sh", "sh", "-c", command_line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(terminal, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  close(terminal);
  waitpid(child, nullptr, 0);
  std::string lines;
  for (char c : text) {
    if (c != '\r') lines += c;
  }
  return lines;
}

// Columns a line takes on a terminal: UTF-8 code points ("µ" is one column).
inline size_t DisplayWidth(const std::string& line) {
  size_t width = 0;
  for (unsigned char c : line) width += (c & 0xC0) != 0x80;
  return width;
}

// The widest line of `text`, in columns.
inline size_t WidestLine(const std::string& text) {
  size_t widest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) widest = std::max(widest, DisplayWidth(line));
  return widest;
}

#ifdef DUET_NODE_BASELINE
// Runs `node ARGS` with the standalone node duet is compared against (Debian's node 18) and
// stdin from /dev/null.
inline Outcome NodeBaseline(const std::string& args) {
  return Shell(std::string(DUET_NODE_BASELINE) + " " + args + " </dev/null");
}

// A test-name suffix from a file name: "modules/main.cjs" -> "modules_main_cjs".
inline std::string ParamName(std::string name) {
  for (char& c : name) c = isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}
#endif


// Runs `duet ARGS --json FILE` and parses FILE (null when it was not written).
inline std::pair<Outcome, nlohmann::json> DuetJson(const std::string& args) {
  std::string path = ::testing::TempDir() + "/duet-" + std::to_string(getpid()) + ".json";
  std::filesystem::remove(path);
  Outcome outcome = Duet(args + " --json " + path);
  nlohmann::json doc = nlohmann::json::parse(Slurp(path), nullptr, /*allow_exceptions=*/false);
  return {outcome, doc.is_discarded() ? nlohmann::json(nullptr) : doc};
}

}  // namespace duet::testing
