// `duet load` flags and output: the generator runs on its own thread; this prints what it measured.
#include "cli/load_command.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/options.h"
#include "report/json_report.h"
#include "load/techempower_check.h"
#include "report/load_report.h"

namespace duet {

CLI::App* AddLoadCommand(CLI::App& app, LoadCommandOptions* options) {
  return AddCommand(app, "load", "drive a loopback server with N connections of echo or HTTP/1.1 keep-alive traffic (bounded)",
                    [options](CLI::App* load) {
      LoadOptions& o = options->load;
      load->add_option("--port", o.port, "the server's port")->required()->check(WholeNumber(1, 65535));
      load->add_option("--host", o.host, "127.0.0.0/8, ::1 or localhost: loopback only (default: 127.0.0.1)");
      load->add_option("--connections,-c", o.connections, "concurrent connections, one request in flight on each (default: 10)");
      load->add_option("--size", o.size, "echo: bytes per message (default: 64)");
      load->add_option("--requests,-n", o.requests, "requests in total over all connections (default: 100000)");
      load->add_option("--duration,-d", o.duration_s, "time limit in seconds, whatever is left unsent (default: 10)");
      load->add_option("--timeout", o.timeout_s,
                       "seconds a request or connect may wait before it counts as an error and closes its connection "
                       "(default: 2)");
      load->add_option("--mode", options->mode,
                       "echo: send --size bytes, expect them back; http: GET --path; idle: one --size echo per "
                       "connection, then hold them all open (default: echo)")
          ->check(CLI::IsMember({"echo", "http", "idle"}));
      load->add_flag("--hold", options->hold,
                     "idle mode: once every connection is open and has echoed once, print `held N` on a line to stdout "
                     "and keep them all open until stdin reaches EOF (or --duration ends); then close them and finish");
      load->add_option("--path", o.path, "http: the request target (default: /)");
      load->add_option("--pipeline", o.pipeline,
                       "http: requests written back to back on a connection before reading their responses, as "
                       "TechEmpower's plaintext test does with 16 (default: 1)")
          ->check(WholeNumber(1, 64));
      load->add_option("--check", options->check,
                       "http: check every response as this TechEmpower test type wants it (json, plaintext, db, queries, "
                       "fortunes, updates; ?queries=N in --path sets how many worlds); a wrong one is an error")
          ->check(CLI::IsMember(TechEmpowerTests()));
      load->add_option("--json", options->json_path, "also write duet-load/1 JSON to FILE ('-' for stdout)");
  });
}

int CommandLoad(LoadCommandOptions options) {
  ParseLoadMode(options.mode, &options.load.mode);
  if (!options.check.empty()) {
    if (options.load.mode != LoadMode::kHttp) return Fail(Status::Usage("--check is for --mode http"), "duet load");
    Status known = TechEmpowerResponseCheck(options.check, options.load.path, &options.load.check);
    // CLI11 checked the name already; this is the one place that knows the tests, and what it
    // refuses is the command line's.
    if (!known.ok()) return Fail(Status::Usage(known.message(), known.file(), known.line()), "duet load");
  }
  if (options.hold) {
    options.load.held_fd = STDOUT_FILENO;
    options.load.release_fd = STDIN_FILENO;
  }
  LoadResult result;
  Status ran = RunLoad(options.load, &result);
  if (!ran.ok()) return Fail(ran, "duet load");
  std::string summary = FormatLoadSummary(result);
  std::fputs(summary.c_str(), options.json_path == "-" ? stderr : stdout);
  if (!options.json_path.empty()) {
    Status written = WriteJsonFile(options.json_path, LoadJson(result));
    if (!written.ok()) return Fail(written, "duet load");
  }
  // Errors on the wire are the load's result, reported in it, as a failed workload's are.
  return result.error_count() == 0 && result.completed > 0 ? 0 : kExitWorkloadFailed;
}

}  // namespace duet
