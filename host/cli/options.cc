// Number checks, commands with options built on demand and the empty-value argv fix-up; see
// options.h.
#include "cli/options.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>

namespace duet {
namespace {

// `text` read whole as a number (a leading "+" allowed, as CLI11's conversion allows it).
template <typename T>
std::optional<T> ReadNumber(const std::string& text) {
  std::string_view digits = text;
  if (digits.starts_with('+') && !digits.starts_with("+-")) digits.remove_prefix(1);
  T value{};
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

CLI::Validator WholeNumber(long long min, long long max, const std::string& also) {
  std::string range = max == LLONG_MAX ? fmt::format("a whole number of {} or more", min)
                                       : fmt::format("a whole number from {} to {}", min, max);
  std::string wanted = also.empty() ? range : fmt::format("'{}' or {}", also, range);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        if (!also.empty() && text == also) return "";
        std::optional<long long> value = ReadNumber<long long>(text);
        if (value && *value >= min && *value <= max) return "";
        return fmt::format("must be {}, not {}", wanted, text);
      },
      wanted);
}

CLI::Validator Number(double min, bool inclusive, double max) {
  std::string wanted = fmt::format("a number {} {:g}", inclusive ? "of at least" : "above", min);
  if (max != HUGE_VAL) wanted += fmt::format(" and at most {:g}", max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        std::optional<double> value = ReadNumber<double>(text);
        if (value && std::isfinite(*value) && (inclusive ? *value >= min : *value > min) && *value <= max) return "";
        return fmt::format("must be {}, not {}", wanted, text);
      },
      wanted);
}

namespace {

// The option builders of the commands AddCommand made that no command line has selected yet.
std::map<const CLI::App*, std::function<void(CLI::App*)>>& PendingOptions() {
  static std::map<const CLI::App*, std::function<void(CLI::App*)>> pending;
  return pending;
}

void AddPendingOptions(CLI::App* command) {
  auto found = PendingOptions().find(command);
  if (found == PendingOptions().end()) return;
  std::function<void(CLI::App*)> add_options = std::move(found->second);
  PendingOptions().erase(found);
  add_options(command);
}

}  // namespace

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     std::function<void(CLI::App*)> add_options) {
  CLI::App* command = parent.add_subcommand(name, description);
  PendingOptions().emplace(command, std::move(add_options));
  command->preparse_callback([command](size_t) { AddPendingOptions(command); });
  return command;
}

namespace {

// The subcommand of `app` named `word`, if there is one.
CLI::App* Subcommand(CLI::App* app, const std::string& word) {
  auto found = app->get_subcommands([&](CLI::App* sub) { return sub->check_name(word); });
  return found.empty() ? nullptr : found.front();
}

// Whether `name` (as typed: "--db", "-X") is an option of `app` or of a parent (a subcommand may
// pass options up, as profile does) that takes a value.
bool TakesValue(CLI::App* app, const std::string& name) {
  for (; app != nullptr; app = app->get_parent()) {
    if (const CLI::Option* option = app->get_option_no_throw(name)) return option->get_items_expected_max() > 0;
  }
  return false;
}

}  // namespace

void ParseKeepingEmptyValues(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  std::vector<std::string> out = {args.empty() ? std::string("duet") : args[0]};
  CLI::App* command = &app;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {  // the rest are positionals, whatever they look like
      out.insert(out.end(), args.begin() + i, args.end());
      break;
    }
    if (arg.size() > 3 && arg.starts_with("--") && arg.back() == '=' && arg.find('=') == arg.size() - 1) {
      out.push_back(arg.substr(0, arg.size() - 1));
      out.push_back("");
    } else if (arg.starts_with("-") && arg.size() > 1) {
      out.push_back(arg);
      if (TakesValue(command, arg) && i + 1 < args.size()) out.push_back(args[++i]);
    } else if (CLI::App* sub = Subcommand(command, arg)) {
      out.push_back(arg);
      command = sub;
      AddPendingOptions(command);  // TakesValue looks at its options next
    } else {
      out.push_back(arg);
      if (command->get_prefix_command()) {  // the file to run: what follows is its own
        out.insert(out.end(), args.begin() + i + 1, args.end());
        break;
      }
    }
  }
  std::vector<const char*> pointers;
  for (const std::string& arg : out) pointers.push_back(arg.c_str());
  app.parse(static_cast<int>(pointers.size()), pointers.data());
}

}  // namespace duet
