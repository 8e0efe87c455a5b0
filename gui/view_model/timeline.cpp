#include "gui/view_model/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sculpin::gui {

double TimelineMap::x_of(int64_t t) const {
    if (t1 <= t0) return x0;
    return x0 + (x1 - x0) * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
}

int64_t TimelineMap::t_of(double x) const {
    if (x1 <= x0) return t0;
    const double f = std::clamp((x - x0) / (x1 - x0), 0.0, 1.0);
    return t0 + static_cast<int64_t>(std::llround(f * static_cast<double>(t1 - t0)));
}

double speed_from_slider(double position) {
    return std::pow(10.0, std::clamp(position, -3.0, 3.0));
}
double slider_from_speed(double speed) {
    return std::clamp(std::log10(std::max(speed, 1e-9)), -3.0, 3.0);
}

std::optional<int64_t> parse_time_ns(std::string_view text) {
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    double unit = 1e6;  // ms by default
    auto ends = [&](std::string_view suffix) {
        if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix) {
            text.remove_suffix(suffix.size());
            return true;
        }
        return false;
    };
    if (ends("ms"))
        unit = 1e6;
    else if (ends("us"))
        unit = 1e3;
    else if (ends("ns"))
        unit = 1;
    else if (ends("s"))
        unit = 1e9;
    std::string number(text);
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end == number.c_str() || *end != '\0' || !(value >= 0) || !std::isfinite(value))
        return std::nullopt;
    return static_cast<int64_t>(std::llround(value * unit));
}

std::string format_time(int64_t ns) {
    char buf[64];
    if (ns >= 1'000'000'000) {
        // Enough digits to tell apart the events a step visits (1.0055 s), no trailing noise.
        std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(ns) / 1e9);
        std::string text = buf;
        while (text.size() > text.find('.') + 4 && text.back() == '0') text.pop_back();
        return text + " s";
    } else if (ns >= 1'000'000)
        std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
    else if (ns >= 1'000)
        std::snprintf(buf, sizeof buf, "%.3f us", static_cast<double>(ns) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
    return buf;
}

}  // namespace sculpin::gui
