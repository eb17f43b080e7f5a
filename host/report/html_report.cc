// The HTML report; see html_report.h. Charts are SVG written here, so the page needs nothing
// from the network and renders the same in any browser, printed or offline.
#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "core/text.h"
#include "core/version.h"
#include "report/html_parts.h"
#include "report/html_web_ranking.h"
#include "report/table.h"

namespace duet {
namespace {

using namespace html;  // the shared page pieces: Svg, LogAxis, Escape, ...

// --- the ratio of every workload ---------------------------------------------------------------

std::string RatioSection(const std::vector<WorkloadResult>& results) {
  std::vector<std::pair<const WorkloadResult*, RatioEstimate>> rows;
  double lo = 1, hi = 1;
  for (const auto& w : results) {
    if (auto ratio = CpythonOverV8(w)) {
      rows.emplace_back(&w, *ratio);
      lo = std::min(lo, ratio->low);
      hi = std::max(hi, ratio->high);
    }
  }
  std::string html = SectionHeading("ratios", "CPython time over V8 time, per workload");
  html += "<p>Median wall time of one iteration in CPython divided by V8's, with its 95% bootstrap interval, on a "
          "log scale: right of 1 V8 is faster, left of 1 CPython is faster. Failed workloads have no ratio.</p>\n";
  if (rows.empty()) return html + "<p>No workload has a ratio.</p>\n</section>\n";
  constexpr double kRow = 22, kTop = 24;
  double height = kTop + kRow * static_cast<double>(rows.size()) + 30;
  Svg svg("ratio-chart", kChartWidth, height, "CPython/V8 ratio per workload, log scale");
  LogAxis axis = PaddedLogAxis(lo, hi, kLabelWidth, kChartWidth - kRightMargin);
  double bottom = height - 24;
  DrawLogAxis(svg, axis, kTop - 6, bottom, RatioText);
  svg.Line(axis.Map(1), kTop - 10, axis.Map(1), bottom, "unity");
  svg.Text(axis.Map(1) - 6, 12, "CPython faster", "side", "end");
  svg.Text(axis.Map(1) + 6, 12, "V8 faster", "side", "start");
  double y = kTop + kRow / 2;
  for (const auto& [w, r] : rows) {
    std::string tip = fmt::format("{}: {} [{} - {}]{}", w->pair.id(), RatioText(r.ratio), RatioText(r.low),
                                  RatioText(r.high), r.significant ? "" : ", no significant difference");
    svg.RowLabel(y + 4, w->pair.id());
    svg.Line(axis.Map(r.low), y, axis.Map(r.high), y, "interval");
    svg.Circle(axis.Map(r.ratio), y, 4.5, "ratio-point", r.significant ? "#333" : "#fff", tip);
    y += kRow;
  }
  return html + svg.Done() + "</section>\n";
}

// --- per-workload distributions ------------------------------------------------------------------

// Tukey's box plot of one runtime's samples on a shared axis; at most kMaxDots outliers are drawn.
void DrawBox(Svg& svg, const LogAxis& axis, const RuntimeResult& r, double y, double h) {
  constexpr size_t kMaxDots = 150;
  Summary s = WallSummary(r);
  std::vector<double> times = WallTimes(r);
  std::sort(times.begin(), times.end());
  double iqr = s.q3 - s.q1;
  double low_fence = s.q1 - 1.5 * iqr, high_fence = s.q3 + 1.5 * iqr;
  double whisker_lo = s.q1, whisker_hi = s.q3;
  std::vector<double> outliers;
  for (double t : times) {
    if (t < low_fence || t > high_fence) {
      outliers.push_back(t);
    } else {
      whisker_lo = std::min(whisker_lo, t);
      whisker_hi = std::max(whisker_hi, t);
    }
  }
  const char* colour = RuntimeColour(r.runtime);
  double mid = y + h / 2;
  svg.Line(axis.Map(whisker_lo), mid, axis.Map(s.q1), mid, "whisker", colour);
  svg.Line(axis.Map(s.q3), mid, axis.Map(whisker_hi), mid, "whisker", colour);
  svg.Line(axis.Map(whisker_lo), y + h * 0.25, axis.Map(whisker_lo), y + h * 0.75, "whisker", colour);
  svg.Line(axis.Map(whisker_hi), y + h * 0.25, axis.Map(whisker_hi), y + h * 0.75, "whisker", colour);
  std::string tip = fmt::format("{}: median {} [95% CI {} - {}], quartiles {} - {}, {}, {}",
                                RuntimeLabel(r.runtime), FormatDuration(static_cast<uint64_t>(s.median)),
                                FormatDuration(static_cast<uint64_t>(s.median_ci_low)),
                                FormatDuration(static_cast<uint64_t>(s.median_ci_high)),
                                FormatDuration(static_cast<uint64_t>(s.q1)), FormatDuration(static_cast<uint64_t>(s.q3)),
                                Counted(s.count, "sample"), Counted(s.outliers, "outlier"));
  svg.Rect(axis.Map(s.q1), y, axis.Map(s.q3) - axis.Map(s.q1), h, "box", colour, tip);
  svg.Line(axis.Map(s.median), y - 2, axis.Map(s.median), y + h + 2, "median");
  size_t stride = std::max<size_t>(1, (outliers.size() + kMaxDots - 1) / kMaxDots);
  for (size_t i = 0; i < outliers.size(); i += stride) {
    svg.Circle(axis.Map(outliers[i]), mid, 2.2, "outlier", colour, "");
  }
}

std::string WorkloadFigure(const WorkloadResult& w) {
  std::vector<const RuntimeResult*> shown;
  double lo = 0, hi = 0;
  for (const RuntimeResult& r : w.runtimes) {
    if (r.samples.empty()) continue;
    shown.push_back(&r);
    Summary s = WallSummary(r);
    lo = lo == 0 ? s.min : std::min(lo, s.min);
    hi = std::max(hi, s.max);
  }
  if (shown.empty()) return "<p>No samples.</p>\n";
  constexpr double kBox = 26, kGap = 16, kTop = 10;
  double height = kTop + (kBox + kGap) * static_cast<double>(shown.size()) + 22;
  Svg svg("box-plot", kChartWidth, height, w.pair.id() + ": wall time per iteration, both runtimes, log scale");
  LogAxis axis = PaddedLogAxis(lo, hi, kLabelWidth, kChartWidth - kRightMargin);
  DrawLogAxis(svg, axis, kTop - 4, height - 22, [](double v) { return FormatDuration(static_cast<uint64_t>(v)); });
  double y = kTop;
  for (const RuntimeResult* r : shown) {
    svg.RowLabel(y + kBox / 2 + 4, std::string(RuntimeLabel(r->runtime)));
    DrawBox(svg, axis, *r, y, kBox);
    y += kBox + kGap;
  }
  return svg.Done();
}

std::string GcText(const RuntimeResult& r) {
  if (!r.counters) return "-";
  const PauseStats& p = r.counters->gc.pauses;
  std::string whose = r.counters->main_isolate_only ? " (the main isolate's; worker_threads' not counted)" : "";
  return fmt::format("{}, {} total, {} longest{}", Counted(p.count, "collection"), FormatDuration(p.total_ns),
                     FormatDuration(p.max_ns), whose);
}

std::string WorkloadSection(const std::vector<WorkloadResult>& results) {
  std::string html = SectionHeading("workloads", "Samples per workload");
  html += "<p>Box plots of every timed iteration: the box spans the quartiles, the dark line is the median, the "
          "whiskers reach the last samples within 1.5 times the box's width, dots are outliers (log scale).</p>\n";
  for (const auto& w : results) {
    html += fmt::format("<article class=\"workload\" id=\"w-{}\">\n<h3>{}</h3>\n", Escape(w.pair.category + "-" + w.pair.name),
                        Escape(w.pair.id()));
    if (!w.pair.claim.empty()) html += "<p class=\"claim\">Claim: " + Escape(w.pair.claim) + "</p>\n";
    html += "<p class=\"params\">params " + Escape(w.pair.params.dump()) + "; " + Escape(w.plan.Describe()) + "</p>\n";
    if (w.failed()) html += "<pre class=\"failure\">" + Escape(FormatFailure(w)) + "</pre>\n";
    html += WorkloadFigure(w);
    html += "<table class=\"figures\"><tr><th>runtime</th><th>median [95% CI]</th><th>samples</th><th>GC during "
            "samples</th><th>load + setup memory</th></tr>\n";
    for (const RuntimeResult& r : w.runtimes) {
      Summary s = WallSummary(r);
      std::string median = Quotable(w, &r) ? fmt::format("{} [{} - {}]", FormatDuration(static_cast<uint64_t>(s.median)),
                                                         FormatDuration(static_cast<uint64_t>(s.median_ci_low)),
                                                         FormatDuration(static_cast<uint64_t>(s.median_ci_high)))
                                           : "-";
      std::string setup = r.setup.rss_delta_bytes
                              ? fmt::format("{:.1f} MiB RSS", static_cast<double>(*r.setup.rss_delta_bytes) / (1 << 20))
                              : "-";
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", RuntimeLabel(r.runtime),
                          Escape(median), s.count, Escape(GcText(r)), Escape(setup));
    }
    html += "</table>\n</article>\n";
  }
  return html + "</section>\n";
}

// --- GC and memory -----------------------------------------------------------------------------

// Horizontal grouped bars: per workload one bar per runtime, on a linear axis from 0.
std::string BarChart(const std::string& cls, const std::string& label, const std::vector<WorkloadResult>& results,
                     const std::function<std::optional<double>(const WorkloadResult&, const RuntimeResult&)>& value,
                     const std::function<std::string(double)>& format) {
  struct Row {
    std::string id;
    std::vector<std::pair<RuntimeId, double>> bars;
  };
  std::vector<Row> rows;
  double top_value = 0;
  for (const auto& w : results) {
    Row row;
    row.id = w.pair.id();
    for (const RuntimeResult& r : w.runtimes) {
      if (auto v = value(w, r)) {
        row.bars.emplace_back(r.runtime, std::max(0.0, *v));
        top_value = std::max(top_value, *v);
      }
    }
    if (!row.bars.empty()) rows.push_back(std::move(row));
  }
  if (rows.empty()) return "<p>No figures.</p>\n";
  constexpr double kBar = 9, kRowGap = 8, kTop = 8;
  double row_height = 2 * kBar + kRowGap;
  double height = kTop + row_height * static_cast<double>(rows.size()) + 24;
  Svg svg(cls, kChartWidth, height, label);
  double x0 = kLabelWidth, x1 = kChartWidth - kRightMargin - 70;
  double scale = top_value > 0 ? (x1 - x0) / top_value : 0;
  for (int i = 0; i <= 4; ++i) {
    double v = top_value * i / 4;
    svg.Line(x0 + v * scale, kTop - 4, x0 + v * scale, height - 22, "grid");
    svg.Text(x0 + v * scale, height - 8, format(v), "tick", "middle");
  }
  double y = kTop;
  for (const Row& row : rows) {
    svg.RowLabel(y + kBar + 3, row.id);
    double by = y;
    for (const auto& [runtime, v] : row.bars) {
      svg.Rect(x0, by, v * scale, kBar - 1, "bar", RuntimeColour(runtime), row.id + ", " + std::string(RuntimeLabel(runtime)) + ": " + format(v));
      svg.Text(x0 + v * scale + 4, by + kBar - 1, format(v), "value");
      by += kBar;
    }
    y += row_height;
  }
  return svg.Done();
}

std::string GcMemorySection(const std::vector<WorkloadResult>& results) {
  auto duration = [](double v) { return FormatDuration(static_cast<uint64_t>(v)); };
  auto mib = [](double v) { return fmt::format("{:.1f} MiB", v / (1 << 20)); };
  std::string html = SectionHeading("gc-memory", "GC pauses and memory per runtime");
  html += "<p>Total GC pause during the timed samples, as each engine reports it (V8 GC callbacks, CPython "
          "gc.callbacks).</p>\n";
  html += BarChart("gc-chart", "total GC pause per workload and runtime", results,
                   [](const WorkloadResult&, const RuntimeResult& r) -> std::optional<double> {
                     if (!r.counters) return std::nullopt;
                     return static_cast<double>(r.counters->gc.pauses.total_ns);
                   },
                   duration);
  html += "<p>Resident memory that loading the workload and its setup() added, per runtime (the runtimes load one "
          "after the other in one process, so each delta is its own).</p>\n";
  html += BarChart("memory-chart", "load + setup resident memory per workload and runtime", results,
                   [](const WorkloadResult&, const RuntimeResult& r) -> std::optional<double> {
                     if (!r.setup.rss_delta_bytes) return std::nullopt;
                     return static_cast<double>(*r.setup.rss_delta_bytes);
                   },
                   mib);
  return html + "</section>\n";
}

// --- claims ----------------------------------------------------------------------------------

std::string ClaimsSection(const std::vector<ClaimVerdict>& claims) {
  std::string html = SectionHeading("claims", "Claims of the Node.js-vs-Python debate, judged on this run");
  html += "<p>Each claim is decided by the quantity in workloads/claims.json: a piece of evidence supports the claim "
          "when its whole 95% interval lies on the claim's side of the threshold, contradicts it when the whole "
          "interval lies on the other side, and is inconclusive otherwise. All evidence supports: <b>supported</b>; "
          "all contradicts: <b>contradicted</b>; anything else: <b>depends</b>.</p>\n";
  if (claims.empty()) return html + "<p>This run measured none of the claims' workloads.</p>\n</section>\n";
  html += "<table class=\"claims\">\n<tr><th>claim</th><th>verdict</th><th>evidence</th><th>measured [95% CI]</th>"
          "<th>supported when</th><th></th></tr>\n";
  for (const ClaimVerdict& v : claims) {
    size_t rows = v.evidence.size();
    for (size_t i = 0; i < rows; ++i) {
      const EvidenceResult& e = v.evidence[i];
      html += "<tr>";
      if (i == 0) {
        html += fmt::format("<td rowspan=\"{}\"><b>{}</b><br>{}<br><i>{}</i></td><td rowspan=\"{}\" class=\"verdict "
                            "verdict-{}\">{}</td>",
                            rows, Escape(v.spec.id), Escape(v.spec.claim), Escape(v.spec.question), rows,
                            v.verdict == "not measured" ? "none" : v.verdict,
                            Escape(v.overall == v.verdict ? v.verdict : v.verdict + ": " + v.overall));
      }
      html += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", Escape(e.spec.label),
                          Escape(FormatEvidenceValue(e)), Escape(DescribeRule(e.spec)),
                          Escape(EvidenceOutcome(e)));
    }
  }
  return html + "</table>\n</section>\n";
}


}  // namespace

std::string HtmlReport(const std::string& title, const SessionRecord& session,
                       const std::vector<WorkloadResult>& results, const std::vector<ClaimVerdict>& claims) {
  size_t failed = 0;
  for (const auto& w : results) failed += w.failed();
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>duet report: " + Escape(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  html += "<h1>duet report: " + Escape(title) + "</h1>\n";
  html += fmt::format("<p>{} workload(s), {} failed, measured side by side in one process: JavaScript in V8 and "
                      "Python in CPython. Written by duet {}.</p>\n",
                      results.size(), failed, kDuetVersion);
  html += "<p class=\"legend\">";
  for (const RuntimeNames& runtime : kRuntimes) {
    html += fmt::format("<span style=\"background:{}\"></span>{}", RuntimeColour(runtime.id), runtime.label);
  }
  html += "</p>\n";
  html += EnvironmentSection(session);
  html += ClaimsSection(claims);
  html += RatioSection(results);
  html += WorkloadSection(results);
  html += GcMemorySection(results);
  html += WebRankingSection(results);
  return html + "</body>\n</html>\n";
}

}  // namespace duet
