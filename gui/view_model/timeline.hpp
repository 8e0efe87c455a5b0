// The timeline's arithmetic: virtual time <-> x, the logarithmic speed scale, parsing
// "2.5s" / "300ms" / "1500" (ms) as the command line and the "run until" box accept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sculpin::gui {

struct TimelineMap {
    double x0 = 0, x1 = 1;   // screen span
    int64_t t0 = 0, t1 = 1;  // virtual span, ns
    double x_of(int64_t t) const;
    int64_t t_of(double x) const;  // clamped to [t0, t1]
};

// Speed slider: position -3..3 <-> factor 1/1000x..1000x.
double speed_from_slider(double position);
double slider_from_speed(double speed);

// "2.5s", "300ms", "120us", "5000ns", "1500" (ms). nullopt when malformed or negative.
std::optional<int64_t> parse_time_ns(std::string_view text);
// 2500000000 -> "2.500 s", 1500000 -> "1.500 ms".
std::string format_time(int64_t ns);

}  // namespace sculpin::gui
