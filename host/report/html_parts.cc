// Shared pieces of the HTML pages; see html_parts.h.
#include "report/html_parts.h"

#include <cctype>
#include <cstring>

#include "core/text.h"
#include "report/table.h"

namespace duet::html {

const char* RuntimeColour(RuntimeId runtime) { return runtime == RuntimeId::kV8 ? "#2f6fb3" : "#e0a526"; }

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// Rough advance widths of the 12px sans-serif labels, in pixels: the page has no font metrics,
// and overestimating a little only cuts a label early.
double LabelWidth(const std::string& text) {
  double width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: counted with its lead byte
    if (std::isupper(c) || c == 'm' || c == 'w' || c == '_') {
      width += 9;
    } else if (std::strchr("ijlft.:,;/|' ()-", c) != nullptr) {
      width += 4.5;
    } else {
      width += 7;
    }
  }
  return width;
}

}  // namespace

void Svg::RowLabel(double y, const std::string& text) {
  constexpr double kRoom = kLabelWidth - 14;
  std::string shown = text;
  if (LabelWidth(shown) > kRoom) {
    while (!shown.empty() && LabelWidth(shown) + 7 > kRoom) {
      // A whole UTF-8 character: its continuation bytes, then its lead byte.
      while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
      if (!shown.empty()) shown.pop_back();
    }
    shown += "\u2026";
  }
  text_ += fmt::format("<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}{}</text>\n",
                       kLabelWidth - 8, y, shown == text ? "" : "<title>" + Escape(text) + "</title>", Escape(shown));
}

// The range [lo, hi] padded by a tenth of its decades on each side (never empty).
LogAxis PaddedLogAxis(double lo, double hi, double x0, double x1) {
  if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
  if (!(hi > lo)) hi = lo * 1.5;
  double pad = std::max(0.05, 0.1 * (std::log10(hi) - std::log10(lo)));
  return {lo / std::pow(10, pad), hi * std::pow(10, pad), x0, x1};
}

void DrawLogAxis(Svg& svg, const LogAxis& axis, double top, double bottom,
                 const std::function<std::string(double)>& label) {
  for (double t : axis.Ticks()) {
    double x = axis.Map(t);
    svg.Line(x, top, x, bottom, "grid");
    svg.Text(x, bottom + 14, label(t), "tick", "middle");
  }
}

std::string RatioText(double r) { return r >= 10 ? fmt::format("{:.0f}x", r) : fmt::format("{:.3g}x", r); }

std::string SectionHeading(const char* id, const char* title) {
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", id, title);
}

// --- environment -----------------------------------------------------------------------------

std::string EnvironmentSection(const SessionRecord& session) {
  const nlohmann::json& env = session.environment;
  auto cell = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump(); };
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("measured at", cell(env.value("timestamp", nlohmann::json())));
  const nlohmann::json versions = env.value("versions", nlohmann::json::object());
  const nlohmann::json machine = env.value("machine", nlohmann::json::object());
  const nlohmann::json command_line = env.value("command_line", nlohmann::json::array());
  for (const auto& [key, value] : versions.items()) {
    rows.emplace_back(key == "git_commit" ? "duet git commit" : key + " version", cell(value));
  }
  for (const auto& [key, value] : machine.items()) rows.emplace_back(key, cell(value));
  std::string command;
  for (const auto& word : command_line) command += cell(word) + " ";
  rows.emplace_back("command line", command);
  const nlohmann::json& cal = session.calibration;
  if (cal.contains("clock")) rows.emplace_back("clock step", cell(cal["clock"].value("min_step_ns", nlohmann::json())) + " ns");
  if (cal.contains("harness_overhead_ns")) {
    for (const auto& [rt, ns] : cal["harness_overhead_ns"].items()) {
      rows.emplace_back("harness overhead per iteration (" + rt + ")", cell(ns) + " ns");
    }
  }
  if (cal.contains("cold_start_ns")) {
    for (const auto& [rt, ns] : cal["cold_start_ns"].items()) {
      if (ns.is_number()) rows.emplace_back("cold start in the process (" + rt + ")", FormatDuration(ns.get<uint64_t>()));
    }
  }
  std::string html = SectionHeading("environment", "Environment");
  html += "<table class=\"environment\">\n";
  for (const auto& [key, value] : rows) html += "<tr><th>" + Escape(key) + "</th><td>" + Escape(value) + "</td></tr>\n";
  html += "</table>\n";
  for (const auto& warning : session.warnings) html += "<p class=\"warning\">warning: " + Escape(warning) + "</p>\n";
  return html + "</section>\n";
}


const char* const kStyle = R"css(
body { font: 14px/1.45 system-ui, sans-serif; color: #222; max-width: 920px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; margin-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
table.environment th { font-weight: normal; color: #666; }
table.claims td, table.claims th, table.figures td, table.figures th { border-bottom: 1px solid #eee; padding: 4px 8px; }
.verdict { font-weight: bold; } .verdict-supported { color: #1a7f37; } .verdict-contradicted { color: #c62828; }
.verdict-depends { color: #b26a00; } .verdict-none { color: #888; }
.warning { color: #b26a00; } .claim, .params { color: #555; margin: 2px 0; } pre.failure { background: #fff0f0; padding: 8px; white-space: pre-wrap; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 14px; vertical-align: middle; }
svg.chart { display: block; margin: 8px 0 16px; }
svg .grid { stroke: #e4e4e4; } svg .unity { stroke: #999; stroke-dasharray: 4 3; }
svg .tick, svg .value, svg .side { font-size: 11px; fill: #666; } svg .label { font-size: 12px; fill: #222; }
svg .interval { stroke: #333; stroke-width: 2; } svg .ratio-point { stroke: #333; stroke-width: 1.5; }
svg .whisker { stroke-width: 1.5; } svg .box { fill-opacity: 0.55; stroke: #333; } svg .median { stroke: #111; stroke-width: 2.5; }
svg .outlier { fill-opacity: 0.6; }
)css";

}  // namespace duet::html
