// What duet's command line needs that CLI11 2.1 does not give: number checks worded as a person
// would write them, `--name=` read as an empty value, and commands whose options are built only
// when the command line selects them.
#pragma once

#include <CLI/CLI.hpp>

#include <climits>
#include <cmath>
#include <functional>
#include <string>

namespace duet {

// A whole number from `min` to `max`, or the word `also` when one is given: "--runs: must be a
// whole number of 0 or more, not -3". CLI11's own checks print double bounds
// ("0.000000 to 179769313486231570814527...") even for an integer option.
CLI::Validator WholeNumber(long long min, long long max = LLONG_MAX, const std::string& also = "");

// A number above `min` (or from `min` on, when `inclusive`) and at most `max`: seconds, percents.
CLI::Validator Number(double min, bool inclusive, double max = HUGE_VAL);

// A subcommand of `parent` whose options `add_options` adds once the command line selects it
// (CLI11's pre-parse callback, or ParseKeepingEmptyValues on its way down): building every
// command's options cost each `duet exec` ~1 ms of CPU and ~50 page faults. `add_options` may
// refer to anything that outlives the parse.
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     std::function<void(CLI::App*)> add_options);

// app.parse(argc, argv), except that `--name=` is the empty value it says: CLI11 2.1 takes it for
// `--name` and then the next word as the value (`--v8-flags= exec x.js` set the flags to "exec"),
// so each becomes `--name ""` first. The words after a prefix command's first positional
// (exec FILE ARGS...) are the script's and pass untouched. Throws what app.parse throws.
void ParseKeepingEmptyValues(CLI::App& app, int argc, char** argv);

}  // namespace duet
