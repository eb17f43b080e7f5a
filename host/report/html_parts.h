// Pieces the HTML pages share (`duet report`'s run page and `duet claims --html`): escaping, SVG
// charts drawn as text on a log axis, the environment table and the stylesheet.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "report/json_report.h"

namespace duet::html {

inline constexpr double kChartWidth = 880;
inline constexpr double kLabelWidth = 210;  // left margin holding the row labels
inline constexpr double kRightMargin = 30;

const char* RuntimeColour(RuntimeId runtime);
std::string Escape(const std::string& text);

// An SVG element under construction; every shape may carry a tooltip (<title>).
class Svg {
 public:
  Svg(const std::string& cls, double width, double height, const std::string& label)
      : text_(fmt::format("<svg class=\"chart {}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" "
                          "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">\n",
                          cls, width, height, width, height, Escape(label))) {}
  void Line(double x1, double y1, double x2, double y2, const std::string& cls, const std::string& stroke = "") {
    text_ += fmt::format("<line class=\"{}\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"{}/>\n", cls, x1, y1,
                         x2, y2, stroke.empty() ? "" : " stroke=\"" + stroke + "\"");
  }
  void Rect(double x, double y, double w, double h, const std::string& cls, const std::string& fill,
            const std::string& title) {
    text_ += fmt::format("<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
                         "<title>{}</title></rect>\n",
                         cls, x, y, std::max(w, 0.5), h, fill, Escape(title));
  }
  void Circle(double cx, double cy, double r, const std::string& cls, const std::string& fill, const std::string& title) {
    text_ += fmt::format("<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\">{}</circle>\n", cls, cx,
                         cy, r, fill, title.empty() ? "" : "<title>" + Escape(title) + "</title>");
  }
  void Text(double x, double y, const std::string& text, const std::string& cls, const char* anchor = "start") {
    text_ += fmt::format("<text class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>\n", cls, x, y, anchor,
                         Escape(text));
  }
  // A row's label, right-aligned in the left margin (kLabelWidth) at baseline y; a label too long
  // for it is cut with an ellipsis and keeps its whole text as a tooltip.
  void RowLabel(double y, const std::string& text);
  std::string Done() { return text_ + "</svg>\n"; }

 private:
  std::string text_;
};

// A logarithmic x axis from `lo` to `hi` drawn between x0 and x1.
struct LogAxis {
  double lo, hi, x0, x1;
  double Map(double v) const {
    return x0 + (std::log10(std::max(v, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) * (x1 - x0);
  }
  // 1, 2, 5 times powers of ten inside the range; fewer when the range spans many decades.
  std::vector<double> Ticks() const {
    std::vector<double> ticks;
    double decades = std::log10(hi) - std::log10(lo);
    std::vector<double> steps = decades > 3 ? std::vector<double>{1} : std::vector<double>{1, 2, 5};
    for (double p = std::floor(std::log10(lo)); p <= std::ceil(std::log10(hi)); ++p) {
      for (double m : steps) {
        double v = m * std::pow(10, p);
        if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push_back(v);
      }
    }
    return ticks;
  }
};

// The range [lo, hi] padded by a tenth of its decades on each side (never empty).
LogAxis PaddedLogAxis(double lo, double hi, double x0, double x1);
void DrawLogAxis(Svg& svg, const LogAxis& axis, double top, double bottom, const std::function<std::string(double)>& label);
std::string RatioText(double r);
std::string SectionHeading(const char* id, const char* title);
// The machine, versions, command line and calibration the page's figures were measured with.
std::string EnvironmentSection(const SessionRecord& session);

extern const char* const kStyle;

}  // namespace duet::html
