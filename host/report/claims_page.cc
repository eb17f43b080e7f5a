// The shareable claims page; see claims_page.h. Every chart is the condition's evidence on a log
// axis around the claim's threshold, so "supported" reads as "the whole bar is on the claim's side".
#include "report/claims_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "core/version.h"
#include "report/html_parts.h"

namespace duet {
namespace {

using namespace html;

std::string Anchor(const std::string& workload) {
  std::string out = "code-";
  for (char c : workload) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

std::string VerdictClass(const std::string& verdict) {
  if (verdict == "supported" || verdict == "contradicted") return "verdict-" + verdict;
  if (verdict == "not measured" || verdict == "not measured yet") return "verdict-none";
  return "verdict-depends";
}

// The condition's measured evidence on one log axis with the threshold drawn: each interval and
// its point; the side of the threshold that supports the claim is labelled.
std::string ConditionChart(const ConditionVerdict& c) {
  std::vector<const EvidenceResult*> rows;
  double lo = 1, hi = 1;
  for (const auto& e : c.evidence) {
    if (!e.measured) continue;
    rows.push_back(&e);
    lo = std::min({lo, e.low, e.spec.threshold});
    hi = std::max({hi, e.high, e.spec.threshold});
  }
  if (rows.empty()) return "";
  constexpr double kRow = 22, kTop = 24;
  double height = kTop + kRow * static_cast<double>(rows.size()) + 30;
  Svg svg("condition-chart", kChartWidth, height, c.spec.label + ": measured ratio per workload, log scale");
  LogAxis axis = PaddedLogAxis(lo, hi, kLabelWidth, kChartWidth - kRightMargin);
  double bottom = height - 24;
  DrawLogAxis(svg, axis, kTop - 6, bottom, RatioText);
  const EvidenceSpec& first = rows.front()->spec;
  bool one_rule = std::all_of(rows.begin(), rows.end(), [&first](const EvidenceResult* e) {
    return e->spec.threshold == first.threshold && e->spec.supported_above == first.supported_above;
  });
  std::set<double> thresholds;
  for (const EvidenceResult* e : rows) thresholds.insert(e->spec.threshold);
  for (double threshold : thresholds) svg.Line(axis.Map(threshold), kTop - 10, axis.Map(threshold), bottom, "unity");
  if (one_rule) {
    double t = axis.Map(first.threshold);
    svg.Text(t - 6, 12, first.supported_above ? "contradicts" : "supports", "side", "end");
    svg.Text(t + 6, 12, first.supported_above ? "supports" : "contradicts", "side", "start");
  } else {
    // Rows judged on opposite sides (node:cluster's speed-up against Python's lack of one): a
    // single label would be wrong for some, so the colour and the table say each row's outcome.
    svg.Text(kLabelWidth, 12, "each row on its own side of the line: green supports, red contradicts", "side", "start");
  }
  double y = kTop + kRow / 2;
  for (const EvidenceResult* e : rows) {
    std::string tip = e->spec.label + ": " + FormatEvidenceValue(*e) + ", " + EvidenceOutcome(*e) + " (" +
                      DescribeRule(e->spec) + ")";
    svg.RowLabel(y + 4, e->spec.label);
    if (e->has_interval) svg.Line(axis.Map(e->low), y, axis.Map(e->high), y, "interval");
    const char* fill = e->supports ? "#1a7f37" : e->contradicts ? "#c62828" : "#fff";
    svg.Circle(axis.Map(e->value), y, 4.5, "ratio-point", fill, tip);
    y += kRow;
  }
  return svg.Done();
}

std::string ConditionSection(const ConditionVerdict& c, const std::map<std::string, WorkloadCode>& code) {
  std::string tally = DescribeTally(c);
  std::string html = fmt::format("<div class=\"condition\">\n<h3>{} <span class=\"verdict {}\">{}</span>{}</h3>\n",
                                 Escape(c.spec.label), VerdictClass(c.verdict), Escape(c.verdict),
                                 tally.empty() ? "" : " <span class=\"tally\">(" + Escape(tally) + ")</span>");
  html += "<p class=\"conditions\">" + Escape(DescribeCondition(c.spec)) + "</p>\n";
  if (!c.spec.pending.empty()) return html + "<p>Not measured yet: " + Escape(c.spec.pending) + "</p>\n</div>\n";
  if (!c.note.empty()) html += "<p class=\"machine-note\">" + Escape(c.verdict) + ": " + Escape(c.note) + "</p>\n";
  html += ConditionChart(c);
  html += "<table class=\"claims\">\n<tr><th>workload</th><th>measured [95% CI]</th><th>supported when</th><th>outcome</th></tr>\n";
  for (const auto& e : c.evidence) {
    std::string name = Escape(e.spec.workload);
    if (code.count(e.spec.workload)) name = "<a href=\"#" + Anchor(e.spec.workload) + "\">" + name + "</a>";
    std::string label = e.spec.label == e.spec.workload ? "" : "<br><i>" + Escape(e.spec.label) + "</i>";
    html += fmt::format("<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", name, label,
                        Escape(FormatEvidenceValue(e)), Escape(DescribeRule(e.spec)), Escape(EvidenceOutcome(e)));
  }
  return html + "</table>\n</div>\n";
}

std::string Sources(const std::vector<ClaimSource>& sources) {
  std::string html;
  for (const auto& s : sources) {
    html += std::string(s.against ? "<blockquote class=\"against\">Against it: " : "<blockquote>") + Escape(s.quote) +
            "<cite>" + Escape(s.article) + "</cite></blockquote>\n";
  }
  return html;
}

std::string ClaimSection(const ClaimVerdict& v, const std::map<std::string, WorkloadCode>& code) {
  std::string html = fmt::format("<section id=\"claim-{}\" class=\"claim-section\">\n<h2>{}</h2>\n", Escape(v.spec.id),
                                 Escape(v.spec.claim));
  html += v.spec.sources.empty() ? "<p class=\"origin\">" + Escape(v.spec.origin) + "</p>\n" : Sources(v.spec.sources);
  html += "<p><b>The question duet asks:</b> " + Escape(v.spec.question) + "</p>\n";
  html += fmt::format("<p class=\"overall\"><b>Verdict:</b> <span class=\"verdict {}\">{}</span>{}</p>\n",
                      VerdictClass(v.verdict), Escape(v.verdict),
                      v.overall == v.verdict ? "" : " &mdash; " + Escape(v.overall));
  if (!v.spec.caveat.empty()) html += "<p class=\"caveat\"><b>Note:</b> " + Escape(v.spec.caveat) + "</p>\n";
  for (const auto& c : v.conditions) html += ConditionSection(c, code);
  return html + "</section>\n";
}

std::string UntestableSection(const std::vector<UntestableClaim>& untestable) {
  std::string html = "<section id=\"untestable\">\n<h2>Claims no measurement can decide</h2>\n";
  html += "<p>The articles also say these; duet leaves them alone, and says why.</p>\n";
  for (const auto& u : untestable) {
    html += "<div class=\"untestable\"><h3>" + Escape(u.claim) + "</h3>\n" + Sources(u.sources) +
            "<p><b>Why not tested:</b> " + Escape(u.reason) + "</p></div>\n";
  }
  return html + "</section>\n";
}

std::string CodeSection(const std::map<std::string, WorkloadCode>& code) {
  std::string html = "<section id=\"code\">\n<h2>The workloads' code</h2>\n";
  for (const auto& [id, c] : code) {
    html += fmt::format("<details id=\"{}\"><summary>{}</summary>\n<h4>{}</h4><pre>{}</pre>\n<h4>{}</h4><pre>{}</pre>\n"
                        "</details>\n",
                        Anchor(id), Escape(id), Escape(c.js_name), Escape(c.js), Escape(c.py_name), Escape(c.py));
  }
  return html + "</section>\n";
}

constexpr const char* kPageStyle = R"css(
blockquote { margin: 6px 0 6px 12px; padding-left: 10px; border-left: 3px solid #ccc; color: #444; }
blockquote.against { border-left-color: #c62828; }
blockquote cite { display: block; font-size: 12px; color: #888; font-style: normal; }
.conditions, .origin { color: #666; margin: 2px 0 6px; } .condition { margin: 14px 0 20px; }
.tally { font-size: 0.8em; font-weight: normal; color: #444; }
details pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
)css";

}  // namespace

std::string ClaimsPage(const ClaimsPageInput& input) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>duet: the Node.js-vs-Python claims, measured</title>\n<style>" + std::string(kStyle) + kPageStyle +
          "</style>\n</head>\n<body>\n<h1>The Node.js-vs-Python claims, measured</h1>\n";
  html += fmt::format(
      "<p>Each claim as the articles state it, the question duet asks of it, and the verdict under each condition "
      "(plain code or each ecosystem's libraries; one thread or N workers; CPU- or I/O-bound), measured at the "
      "<b>{}</b> size side by side in one process: JavaScript in V8, Python in CPython. A workload supports a claim "
      "when its whole 95% interval lies on the claim's side of the threshold, contradicts it when the whole interval "
      "lies on the other side, and is inconclusive otherwise. Written by duet {}.</p>\n",
      Escape(input.size.empty() ? "quick" : input.size), kDuetVersion);
  html += "<table class=\"claims summary\">\n<tr><th>claim</th><th>verdict</th></tr>\n";
  for (const auto& v : input.verdicts) {
    html += fmt::format("<tr><td><a href=\"#claim-{}\">{}</a></td><td><span class=\"verdict {}\">{}</span></td></tr>\n",
                        Escape(v.spec.id), Escape(v.spec.id), VerdictClass(v.verdict), Escape(v.overall));
  }
  html += "</table>\n";
  for (const auto& v : input.verdicts) html += ClaimSection(v, input.code);
  html += UntestableSection(input.untestable);
  html += EnvironmentSection(input.session);
  html += CodeSection(input.code);
  return html + "</body>\n</html>\n";
}

}  // namespace duet
