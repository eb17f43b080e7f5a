// Table, Markdown and CSV rendering; see table.h. All three share one row builder.
#include "report/table.h"

#include <fmt/format.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace duet {

namespace {

// A network pair's figures: "41.2K req/s, 5.1 µs CPU/req, p99 2.3 ms" (idle: "+2 KiB/conn" too).
std::string LoadCell(const nlohmann::json& load) {
  std::string cell = fmt::format("{:.1f}K req/s, {} CPU/req, p99 {}", load["throughput_rps"].get<double>() / 1e3,
                                 FormatDuration(static_cast<uint64_t>(load["cpu_per_message_ns"].get<double>())),
                                 FormatDuration(load["latency_ns"]["p99"].get<uint64_t>()));
  if (load["rss_per_connection_bytes"].is_number()) {
    cell += fmt::format(", {:.1f} KiB RSS/conn", load["rss_per_connection_bytes"].get<double>() / 1024);
  }
  return cell;
}

// "1.52 ms ±0.4%": the median and the half-width of its 95% interval.
std::string MedianCell(const WorkloadResult& w, const RuntimeResult* r) {
  if (!Quotable(w, r)) return "-";
  if (r->load.is_object() && r->load.value("iterations", 0) > 0) return LoadCell(r->load);
  Summary s = WallSummary(*r);
  double half = (s.median_ci_high - s.median_ci_low) / 2;
  return fmt::format("{} ±{:.1f}%", FormatDuration(static_cast<uint64_t>(s.median)),
                     s.median > 0 ? 100 * half / s.median : 0.0);
}

std::string RatioCell(const WorkloadResult& w) {
  auto ratio = CpythonOverV8(w);
  if (!ratio) return "-";
  return fmt::format("{:.2f}x [{:.2f}-{:.2f}]", ratio->ratio, ratio->low, ratio->high);
}

std::string Verdict(const WorkloadResult& r) {
  if (r.results_match == false) return "MISMATCH";
  if (r.failed()) return r.error_runtime ? "FAILED (" + std::string(RuntimeKey(*r.error_runtime)) + ")" : "FAILED";
  auto ratio = CpythonOverV8(r);
  if (ratio && !ratio->significant) return "match, no significant difference";
  if (!r.results_match.has_value()) return "-";
  return "match";
}

// "12 / 3.1 ms": collections during the samples and their total pause.
std::string GcCell(const RuntimeResult* r) {
  if (r == nullptr || !r->counters) return "-";
  const PauseStats& pauses = r->counters->gc.pauses;
  return fmt::format("{} / {}", pauses.count, FormatDuration(pauses.total_ns));
}

bool CountsMainIsolateOnly(const WorkloadResult& w) {
  const RuntimeResult* js = w.Find(RuntimeId::kV8);
  return js != nullptr && js->counters && js->counters->main_isolate_only;
}

constexpr const char* kMainIsolateNote =
    "js GC: the main isolate's collections; worker_threads' isolates collect on their own and are not counted.\n";

std::string RssCell(const WorkloadResult& w) {
  if (!w.process.contains("peak_rss_delta_bytes")) return "-";
  return "+" + FormatBytes(w.process["peak_rss_delta_bytes"].get<double>());
}

const std::vector<std::string> kHeaders = {"workload", "js (v8)", "py (cpython)", "py/js [95% CI]", "results",
                                           "js GC n / pause", "py GC n / pause", "peak RSS"};

std::vector<std::vector<std::string>> Rows(const std::vector<WorkloadResult>& results) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results) {
    const RuntimeResult* js = r.Find(RuntimeId::kV8);
    const RuntimeResult* py = r.Find(RuntimeId::kCPython);
    rows.push_back({r.pair.id(), MedianCell(r, js), MedianCell(r, py), RatioCell(r), Verdict(r), GcCell(js),
                    GcCell(py), RssCell(r)});
  }
  return rows;
}

// Display width: count UTF-8 code points, not bytes ("µ" is two bytes, one column).
size_t Width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string Pad(const std::string& text, size_t width, bool right) {
  std::string padding(width > Width(text) ? width - Width(text) : 0, ' ');
  return right ? padding + text : text + padding;
}

// A cell's clauses: the text cut after every ", " (the comma stays with its clause).
std::vector<std::string> Clauses(const std::string& text) {
  std::vector<std::string> clauses;
  size_t start = 0;
  for (size_t at = text.find(", "); at != std::string::npos; at = text.find(", ", start)) {
    clauses.push_back(text.substr(start, at + 1 - start));
    start = at + 2;
  }
  clauses.push_back(text.substr(start));
  return clauses;
}

bool HasDigit(const std::string& word) { return word.find_first_of("0123456789") != std::string::npos; }

// A clause's words, where a figure stays whole: a number keeps its unit ("9.63 ms", "5.3K req/s"),
// a label its value ("p99 9.63 ms") and a slash both its sides ("3 / 8.83 ms"), so a cell never
// wraps between them.
std::vector<std::string> Words(const std::string& clause) {
  std::vector<std::string> words;
  std::string previous;
  size_t start = 0;
  while (start <= clause.size()) {
    size_t end = std::min(clause.find(' ', start), clause.size());
    std::string word = clause.substr(start, end - start);
    bool unit = HasDigit(previous) && !HasDigit(word);
    bool value = !previous.empty() && std::isalpha(static_cast<unsigned char>(previous.front())) &&
                 std::isdigit(static_cast<unsigned char>(previous.back())) && HasDigit(word);
    bool slash = previous == "/" || word == "/";
    if (!words.empty() && (unit || value || slash)) {
      words.back() += " " + word;
    } else {
      words.push_back(word);
    }
    previous = word;
    start = end + 1;
  }
  return words;
}

// The pieces a cell may wrap between: its clauses (`words` false), or its words.
std::vector<std::string> Pieces(const std::string& cell, bool words) {
  if (!words) return Clauses(cell);
  std::vector<std::string> pieces;
  for (const std::string& clause : Clauses(cell)) {
    for (std::string& word : Words(clause)) pieces.push_back(std::move(word));
  }
  return pieces;
}

// A cell's lines within `width`: its clauses side by side while they fit, a clause wider than the
// column cut between its words. A word wider than the column overflows it.
std::vector<std::string> Wrap(const std::string& cell, size_t width) {
  if (Width(cell) <= width) return {cell};
  std::vector<std::string> lines;
  std::string line;
  auto add = [&](const std::string& piece) {
    if (line.empty()) {
      line = piece;
    } else if (Width(line) + 1 + Width(piece) <= width) {
      line += " " + piece;
    } else {
      lines.push_back(line);
      line = piece;
    }
  };
  for (const std::string& clause : Clauses(cell)) {
    if (Width(clause) <= width) {
      add(clause);
    } else {
      for (const std::string& word : Words(clause)) add(word);
    }
  }
  lines.push_back(line);
  return lines;
}

// How far a table gives way to fit a width, in the order it is tried: cells wrap between clauses,
// then between words; only then do the headers wrap too.
enum class Give { kClauses, kWords, kHeaders };

// The narrowest column `column` of `table` (headers first) can be at `give`: its widest piece.
size_t Narrowest(const std::vector<std::vector<std::string>>& table, size_t column, Give give) {
  size_t narrowest = 0;
  for (size_t r = 0; r < table.size(); ++r) {
    if (column >= table[r].size()) continue;
    if (r == 0 && give != Give::kHeaders) {
      narrowest = std::max(narrowest, Width(table[r][column]));
      continue;
    }
    for (const std::string& piece : Pieces(table[r][column], give != Give::kClauses)) {
      narrowest = std::max(narrowest, Width(piece));
    }
  }
  return narrowest;
}

// Column widths whose total (with two-space gaps) is at most `max_width` where wrapping allows:
// the widest column gives up a column at a time, as far as each Give in turn lets it.
std::vector<size_t> FitWidths(const std::vector<std::vector<std::string>>& table, size_t max_width) {
  std::vector<size_t> widths(table.front().size(), 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  auto total = [&] {
    size_t sum = 2 * (widths.size() - 1);
    for (size_t w : widths) sum += w;
    return sum;
  };
  for (Give give : {Give::kClauses, Give::kWords, Give::kHeaders}) {
    std::vector<size_t> floors;
    for (size_t i = 0; i < widths.size(); ++i) floors.push_back(Narrowest(table, i, give));
    while (total() > max_width) {
      size_t widest = widths.size();
      for (size_t i = 0; i < widths.size(); ++i) {
        if (widths[i] > floors[i] && (widest == widths.size() || widths[i] > widths[widest])) widest = i;
      }
      if (widest == widths.size()) break;
      --widths[widest];
    }
  }
  return widths;
}

}  // namespace

bool Quotable(const WorkloadResult& w, const RuntimeResult* r) {
  // A runtime that failed, or that disagreed with its twin, has no time worth quoting.
  return r != nullptr && !r->samples.empty() && r->error.ok() && r->verified != false && w.results_match != false;
}

std::string FormatColumns(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                          const std::vector<size_t>& left_aligned, size_t max_width) {
  if (headers.empty()) return "";
  std::vector<std::vector<std::string>> table = {headers};
  table.insert(table.end(), rows.begin(), rows.end());
  std::vector<size_t> limits = FitWidths(table, max_width);
  // Each row's cells cut into lines; a row takes as many text lines as its tallest cell.
  std::vector<std::vector<std::vector<std::string>>> wrapped;
  std::vector<size_t> widths(headers.size(), 0);
  for (const auto& row : table) {
    auto& cells = wrapped.emplace_back();
    for (size_t i = 0; i < row.size() && i < limits.size(); ++i) {
      cells.push_back(Wrap(row[i], limits[i]));
      for (const std::string& line : cells.back()) widths[i] = std::max(widths[i], Width(line));
    }
  }
  std::string text;
  for (const auto& cells : wrapped) {
    size_t height = 0;
    for (const auto& cell : cells) height = std::max(height, cell.size());
    for (size_t k = 0; k < height; ++k) {
      for (size_t i = 0; i < cells.size(); ++i) {
        bool left = std::find(left_aligned.begin(), left_aligned.end(), i) != left_aligned.end();
        text += Pad(k < cells[i].size() ? cells[i][k] : "", widths[i], !left) + (i + 1 < cells.size() ? "  " : "");
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      text += "\n";
    }
  }
  return text;
}

std::string FormatFailure(const WorkloadResult& r) {
  std::string where = r.error.file().empty() ? "" : " at " + r.error.Where();
  std::string runtime = r.error_runtime ? fmt::format(" [{}]", RuntimeKey(*r.error_runtime)) : "";
  std::string text = fmt::format("{}{}{}: {}\n", r.pair.id(), runtime, where, r.error.message());
  const std::string& detail = r.error.detail();
  for (size_t start = 0; start < detail.size();) {
    size_t end = detail.find('\n', start);
    if (end == std::string::npos) end = detail.size();
    text += "    " + detail.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return text;
}

std::string FormatTable(const std::vector<WorkloadResult>& results, size_t max_width) {
  // Text columns (workload, results) align left; figures align right.
  std::string text = FormatColumns(kHeaders, Rows(results), {0, 4}, max_width);
  if (std::any_of(results.begin(), results.end(), CountsMainIsolateOnly)) text += kMainIsolateNote;
  bool any_failed = false;
  for (const auto& r : results) any_failed |= r.failed();
  if (any_failed) {
    text += "\nfailures:\n";
    for (const auto& r : results) {
      if (r.failed()) text += FormatFailure(r);
    }
  }
  return text;
}

size_t TableWidth(int fd) {
  winsize size{};
  if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return kTableWidth;
}

std::string FormatMarkdown(const std::vector<WorkloadResult>& results) {
  auto escape = [](std::string cell) {
    for (size_t at = cell.find('|'); at != std::string::npos; at = cell.find('|', at + 2)) cell.replace(at, 1, "\\|");
    return cell;
  };
  std::string text = "|";
  for (const auto& h : kHeaders) text += " " + h + " |";
  text += "\n|";
  for (size_t i = 0; i < kHeaders.size(); ++i) text += (i == 0 || i == 4) ? " --- |" : " ---: |";
  text += "\n";
  for (const auto& row : Rows(results)) {
    text += "|";
    for (const auto& cell : row) text += " " + escape(cell) + " |";
    text += "\n";
  }
  for (const auto& r : results) {
    if (r.failed()) text += "\n- **" + r.pair.id() + "**: " + escape(r.error.ToString());
  }
  return text + (text.back() == '\n' ? "" : "\n");
}

std::string FormatCsv(const std::vector<WorkloadResult>& results) {
  auto quote = [](const std::string& cell) {
    if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
    std::string out = "\"";
    for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string text =
      "workload,category,runtime,samples,warmup,median_ns,median_ci_low_ns,median_ci_high_ns,mean_ns,stdev_ns,"
      "min_ns,max_ns,outliers,median_cpu_ns,gc_count,gc_pause_ns,ratio_cpython_over_v8,ratio_ci_low,"
      "ratio_ci_high,ratio_significant,results_match,error\n";
  for (const auto& r : results) {
    auto ratio = CpythonOverV8(r);
    for (const RuntimeResult& rr : r.runtimes) {
      Summary s = WallSummary(rr);
      text += fmt::format(
          "{},{},{},{},{},{:.0f},{:.0f},{:.0f},{:.0f},{:.0f},{:.0f},{:.0f},{},{},{},{},{},{},{},{},{},{}\n",
          quote(r.pair.name), quote(r.pair.category), RuntimeKey(rr.runtime), s.count, rr.warmup, s.median, s.median_ci_low,
          s.median_ci_high, s.mean, s.stdev, s.min, s.max, s.outliers, rr.samples.MedianCpuNs(),
          rr.counters ? std::to_string(rr.counters->gc.pauses.count) : "",
          rr.counters ? std::to_string(rr.counters->gc.pauses.total_ns) : "",
          ratio ? fmt::format("{:.6g}", ratio->ratio) : "", ratio ? fmt::format("{:.6g}", ratio->low) : "",
          ratio ? fmt::format("{:.6g}", ratio->high) : "", ratio ? (ratio->significant ? "true" : "false") : "",
          r.results_match ? (*r.results_match ? "true" : "false") : "",
          quote(rr.error.ok() ? (r.error_runtime == rr.runtime ? r.error.ToString() : "") : rr.error.ToString()));
    }
  }
  return text;
}

}  // namespace duet
