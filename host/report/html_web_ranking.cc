// The web section of the HTML report; see html_web_ranking.h. Drawn from WebRankingJson, the
// ranking the terminal and the JSON show, so the three never disagree.
#include "report/html_web_ranking.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/runtime_id.h"
#include "report/html_parts.h"
#include "report/web_ranking.h"

namespace duet::html {
namespace {

// The ranking's entries carry the runtime's key, which WebRankingJson took from the table.
RuntimeId RuntimeOf(const nlohmann::json& entry) { return RuntimeFromKey(entry["runtime"].get<std::string>()).value(); }

// The framework and its pair ("Express (express-flask)"): a framework in two pairs (Fastify)
// appears twice.
std::string Label(const nlohmann::json& entry) {
  return fmt::format("{} ({})", entry["framework"].get<std::string>(), RankingCells(entry).pair);
}

// Horizontal bars from 0, one per measured entry in rank order, with the interval as a whisker.
std::string RankingChart(const nlohmann::json& ranking) {
  std::vector<const nlohmann::json*> measured;
  double top = 0;
  for (const nlohmann::json& e : ranking["entries"]) {
    if (!e["error"].is_null()) continue;
    measured.push_back(&e);
    const nlohmann::json& ci = e["throughput_rps_ci95"];
    top = std::max(top, ci.is_array() ? ci[1].get<double>() : e["throughput_rps"].get<double>());
  }
  if (measured.empty()) return "";
  constexpr double kRow = 20, kTop = 8;
  double height = kTop + kRow * static_cast<double>(measured.size()) + 24;
  std::string unit = WebRankingUnit(ranking);
  Svg svg("web-chart", kChartWidth, height,
          ranking.value("unit", "requests") + "/s per framework for " + ranking["test"].get<std::string>());
  double x0 = kLabelWidth + 110, x1 = kChartWidth - kRightMargin - 60;
  double scale = top > 0 ? (x1 - x0) / top : 0;
  auto rps = [](double v) { return fmt::format("{:.0f}", v); };
  for (int i = 0; i <= 4; ++i) {
    double v = top * i / 4;
    svg.Line(x0 + v * scale, kTop - 4, x0 + v * scale, height - 22, "grid");
    svg.Text(x0 + v * scale, height - 8, rps(v), "tick", "middle");
  }
  double y = kTop;
  for (const nlohmann::json* e : measured) {
    RuntimeId runtime = RuntimeOf(*e);
    double value = (*e)["throughput_rps"].get<double>();
    const nlohmann::json& ci = (*e)["throughput_rps_ci95"];
    std::string tip = fmt::format("{}, {}: {} {}/s", Label(*e), RuntimeLabel(runtime), rps(value), unit);
    if (ci.is_array()) tip += fmt::format(" [{} - {}]", rps(ci[0].get<double>()), rps(ci[1].get<double>()));
    svg.Text(x0 - 8, y + kRow / 2 + 3, Label(*e), "label", "end");
    svg.Rect(x0, y + 3, value * scale, kRow - 8, "web-bar", RuntimeColour(runtime), tip);
    if (ci.is_array()) {
      double mid = y + kRow / 2 - 1;
      svg.Line(x0 + ci[0].get<double>() * scale, mid, x0 + ci[1].get<double>() * scale, mid, "interval");
    }
    svg.Text(x1 + 6, y + kRow / 2 + 3, rps(value), "value");
    y += kRow;
  }
  return svg.Done();
}

std::string RankingTable(const nlohmann::json& ranking) {
  std::string unit = WebRankingUnit(ranking);
  std::string html = fmt::format(
      "<table class=\"figures\">\n<tr><th>#</th><th>framework</th><th>runtime</th><th>{0}/s</th><th>95% interval</th>"
      "<th>p50</th><th>p99</th><th>p99.9</th><th>CPU/{0}</th><th>RSS</th><th>DB statements/{0}</th></tr>\n",
      unit);
  for (const nlohmann::json& e : ranking["entries"]) {
    std::string runtime(RuntimeLabel(RuntimeOf(e)));
    if (!e["error"].is_null()) {
      html += fmt::format("<tr><td>-</td><td>{}</td><td>{}</td><td colspan=\"8\">FAILED: {}</td></tr>\n",
                          Escape(Label(e)), Escape(runtime), Escape(e["error"].get<std::string>()));
      continue;
    }
    WebRankingCells cells = RankingCells(e);
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        e["rank"].get<int>(), Escape(Label(e)), Escape(runtime), cells.throughput, cells.interval, cells.p50, cells.p99,
        cells.p999, cells.cpu, cells.rss, cells.statements);
  }
  return html + "</table>\n";
}

}  // namespace

std::string WebRankingSection(const std::vector<WorkloadResult>& results) {
  nlohmann::json rankings = WebRankingJson(results);
  if (rankings.empty()) return "";
  std::string html = SectionHeading("web", "Web frameworks: TechEmpower's test types, ranked by requests/s");
  html += "<p>Per test, every framework that ran it, in either runtime: the bar is the median requests/s over the "
          "iterations and the line through it that median's 95% bootstrap interval; frameworks whose intervals "
          "overlap are not told apart by this run. CPU/req is the whole server process's CPU time per request. A "
          "side that failed is listed with its reason, never with a number (docs/web-workloads.md).</p>\n";
  for (const nlohmann::json& ranking : rankings) {
    html += fmt::format("<h3>{} <small>{}</small></h3>\n", Escape(ranking["test"].get<std::string>()),
                        Escape(WebRankingTitle(ranking)));
    html += RankingChart(ranking);
    html += RankingTable(ranking);
  }
  return html + "</section>\n";
}

}  // namespace duet::html
