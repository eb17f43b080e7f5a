// The Command table (host/cli/commands.cc) is the one list of duet's commands: `duet --help` and
// each group's help list exactly its rows in its order, every row is duet's command (not a script
// for node) with its own help, and README.md's command table names every command and no other.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kSource = DUET_SOURCE_DIR;

// The rows' names, read from the table's source: X("name", ...).
std::vector<std::string> TableRows() {
  std::string text = Slurp(kSource / "host" / "cli" / "commands.cc");
  static const std::regex row(R"re(X\("([^"]+)")re");
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

// The subcommands a help text lists, in its order (CLI11: "Subcommands:", then one indented
// "name  description" line each, up to a blank line).
std::vector<std::string> ListedSubcommands(const std::string& help) {
  std::istringstream lines(help.substr(std::min(help.size(), help.find("\nSubcommands:\n"))));
  std::vector<std::string> names;
  std::string line;
  std::getline(lines, line);  // the empty rest of the line before
  std::getline(lines, line);  // "Subcommands:"
  while (std::getline(lines, line) && !line.empty()) {
    std::istringstream words(line);
    std::string name;
    if (line.starts_with("  ") && words >> name) names.push_back(name);
  }
  return names;
}

// The rows of `rows` under `parent` ("" for the top level), by their last word.
std::vector<std::string> ChildrenOf(const std::vector<std::string>& rows, const std::string& parent) {
  std::vector<std::string> children;
  for (const std::string& row : rows) {
    size_t space = row.rfind(' ');
    std::string row_parent = space == std::string::npos ? "" : row.substr(0, space);
    if (row_parent == parent) children.push_back(row.substr(space == std::string::npos ? 0 : space + 1));
  }
  return children;
}

TEST(CommandTableTest, TheTableHasTheCommands) {
  std::vector<std::string> rows = TableRows();
  // Not a count to keep up to date: a sign that the table is still read from where it is.
  EXPECT_GE(rows.size(), 10u);
  for (const char* command : {"run", "claims", "exec", "history export"}) {
    EXPECT_NE(std::find(rows.begin(), rows.end(), command), rows.end()) << command;
  }
}

TEST(CommandTableTest, HelpListsExactlyTheTableRowsInOrder) {
  std::vector<std::string> rows = TableRows();
  Outcome help = Duet("--help");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(ListedSubcommands(help.out), ChildrenOf(rows, "")) << help.out;
  // Every group: its own help lists its subcommands, and only those.
  std::set<std::string> parents;
  for (const std::string& row : rows) {
    if (row.find(' ') != std::string::npos) parents.insert(row.substr(0, row.rfind(' ')));
  }
  for (const std::string& parent : parents) {
    Outcome group = Duet(parent + " --help");
    EXPECT_EQ(group.exit_code, 0) << parent << ": " << group.err;
    EXPECT_EQ(ListedSubcommands(group.out), ChildrenOf(rows, parent)) << parent << ":\n" << group.out;
  }
}

// Each row is registered as duet's command (node would take `run` for a script file) and its
// options, built only once the command line selects it, are there for its help.
TEST(CommandTableTest, EveryRowHasItsOwnHelp) {
  for (const std::string& row : TableRows()) {
    Outcome help = Duet(row + " --help");
    EXPECT_EQ(help.exit_code, 0) << row << ": " << help.err;
    EXPECT_NE(help.out.find("Usage: "), std::string::npos) << row << ":\n" << help.out;
    EXPECT_NE(help.out.find(" " + row + " "), std::string::npos) << row << ":\n" << help.out;
    EXPECT_NE(help.out.find("-h,--help"), std::string::npos) << row << ":\n" << help.out;
  }
}

// README.md's table of commands: the words after `duet` in each code span of a row's first cell
// ("`duet history export [IDS...]`" names "history export").
std::set<std::string> ReadmeCommands() {
  std::istringstream lines(Slurp(kSource / "README.md"));
  static const std::regex span(R"re(`duet ((?:[a-z]+ ?)+))re");
  std::set<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("| `duet ")) continue;
    std::string cell = line.substr(0, line.find(" | "));
    for (auto it = std::sregex_iterator(cell.begin(), cell.end(), span); it != std::sregex_iterator(); ++it) {
      std::string name = (*it)[1];
      while (!name.empty() && name.back() == ' ') name.pop_back();
      names.insert(name);
    }
  }
  return names;
}

TEST(CommandTableTest, TheReadmeNamesEveryCommandAndNoOther) {
  std::vector<std::string> rows = TableRows();
  std::set<std::string> readme = ReadmeCommands();
  for (const std::string& name : readme) {
    EXPECT_NE(std::find(rows.begin(), rows.end(), name), rows.end()) << "README.md names `duet " << name << "`, which is no command";
  }
  // A group (`queue`) is named through its subcommands (`queue add`).
  for (const std::string& row : rows) {
    bool named = std::any_of(readme.begin(), readme.end(),
                             [&](const std::string& name) { return name == row || name.starts_with(row + " "); });
    EXPECT_TRUE(named) << "README.md's table of commands lacks `duet " << row << "`";
  }
}

}  // namespace
}  // namespace duet::testing
