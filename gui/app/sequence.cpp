// The sequence chart, as OMNeT++ draws one: a lifeline per node (rows), an arrow per
// message copy from its send to its delivery (or a red cross where it was dropped). The
// x axis is in event order, not linear time, so a 1 ms hop and a 1 s pause both read
// well: each column is one instant at which a message was sent, delivered or dropped.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "gui/app/app.hpp"
#include "gui/view_model/timeline.hpp"

namespace sculpin::gui {

void draw_sequence_chart(AppState& app) {
    const Controller& ctl = app.ctl;
    const int64_t now = ctl.now();
    const auto& flights = ctl.flights().flights;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    if (size.x < 200 || size.y < 40 || app.topo.nodes.empty()) return;
    ImGui::InvisibleButton("sequence", size);
    dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);

    // The instants shown: the last columns that happened by now.
    std::vector<int64_t> instants;
    for (const auto& f : flights) {
        if (f.send_ns > now) break;
        instants.push_back(f.send_ns);
        if (f.end_ns <= now) instants.push_back(f.end_ns);
    }
    std::sort(instants.begin(), instants.end());
    instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
    const float label_w = 110;
    const float col_w = 56;
    const size_t max_cols = static_cast<size_t>(std::max(2.0f, (size.x - label_w - 30) / col_w));
    if (instants.size() > max_cols)
        instants.erase(instants.begin(), instants.end() - static_cast<long>(max_cols));
    const float x_start = p0.x + label_w;
    const float x_end = p0.x + size.x - 20;
    auto x_of = [&](int64_t t) -> float {
        if (instants.empty() || t < instants.front()) return x_start;
        if (t > instants.back()) return x_end;
        const auto it = std::lower_bound(instants.begin(), instants.end(), t);
        return x_start + 16 + col_w * static_cast<float>(it - instants.begin());
    };
    const float top = p0.y + 22;
    const float row_h = std::min(44.0f, (size.y - 30) / static_cast<float>(app.topo.nodes.size()));
    auto y_of = [&](const std::string& node) {
        const int i = std::max(0, app.topo.node_index(node));
        return top + row_h * (static_cast<float>(i) + 0.5f);
    };
    // Column times along the top (every few columns, to stay readable).
    for (size_t c = 0; c < instants.size(); c += 2) {
        const float x = x_of(instants[c]);
        const std::string t = format_time(instants[c]);
        dl->AddText(ImVec2(x - 20, p0.y + 2), IM_COL32(140, 140, 150, 255), t.c_str());
        dl->AddLine(ImVec2(x, top - 4), ImVec2(x, p0.y + size.y), IM_COL32(50, 52, 60, 255));
    }
    for (const auto& node : app.topo.nodes) {
        const float y = y_of(node.name);
        dl->AddText(ImVec2(p0.x + 8, y - 8), IM_COL32(230, 230, 235, 255), node.name.c_str());
        dl->AddLine(ImVec2(x_start, y), ImVec2(x_end, y), IM_COL32(110, 115, 130, 255), 1.5f);
    }
    if (instants.empty()) {
        dl->AddText(ImVec2(x_start + 10, top), IM_COL32(140, 140, 150, 255), "no messages yet");
    }
    const int64_t first = instants.empty() ? 0 : instants.front();
    // The arrows in view; with thousands in flight, the newest few hundred.
    std::vector<size_t> shown;
    for (size_t i = 0; i < flights.size(); ++i) {
        if (flights[i].send_ns > now) break;
        if (flights[i].end_ns >= first) shown.push_back(i);
    }
    constexpr size_t kMaxArrows = 200;
    if (shown.size() > kMaxArrows) shown.erase(shown.begin(), shown.end() - kMaxArrows);
    for (size_t i : shown) {
        const Flight& f = flights[i];
        const bool arrived = f.end_ns <= now;
        const float xa = x_of(f.send_ns), ya = y_of(f.from);
        const float xb = arrived ? x_of(f.end_ns) : x_end;
        const float yb = f.to.empty() ? ya : y_of(f.to);
        const uint32_t col = socket_colour(f.socket_type);
        const bool selected =
            app.selection == Selection::message && app.selected_message == f.message;
        const float thick = selected ? 3.5f : 1.8f;
        if (arrived) {
            dl->AddLine(ImVec2(xa, ya), ImVec2(xb, yb), col, thick);
        } else {
            // Still on its way: dashed towards the right edge.
            const float dx = xb - xa, dy = (yb - ya) * 0.5f;
            const float len = std::sqrt(dx * dx + dy * dy);
            for (float s = 0; s + 6 < len; s += 16)
                dl->AddLine(ImVec2(xa + dx * s / len, ya + dy * s / len),
                            ImVec2(xa + dx * (s + 6) / len, ya + dy * (s + 6) / len), col, thick);
        }
        if (arrived && f.dropped) {
            dl->AddLine(ImVec2(xb - 5, yb - 5), ImVec2(xb + 5, yb + 5), IM_COL32(235, 70, 70, 255),
                        2.5f);
            dl->AddLine(ImVec2(xb - 5, yb + 5), ImVec2(xb + 5, yb - 5), IM_COL32(235, 70, 70, 255),
                        2.5f);
        } else if (arrived) {
            // Arrow head.
            const float dx = xb - xa, dy = yb - ya;
            const float len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
            const float ux = dx / len, uy = dy / len;
            dl->AddTriangleFilled(ImVec2(xb, yb),
                                  ImVec2(xb - ux * 9 - uy * 4, yb - uy * 9 + ux * 4),
                                  ImVec2(xb - ux * 9 + uy * 4, yb - uy * 9 - ux * 4), col);
        }
        // Click near the middle of an arrow to inspect the message.
        const ImVec2 mid((xa + xb) / 2, (ya + yb) / 2);
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (ImGui::IsItemHovered() && std::fabs(m.x - mid.x) < 8 && std::fabs(m.y - mid.y) < 8) {
            ImGui::SetTooltip("#%llu %s -> %s: %s", static_cast<unsigned long long>(f.message),
                              f.from.c_str(), f.to.empty() ? "?" : f.to.c_str(), f.preview.c_str());
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
                app.selection = Selection::message;
                app.selected_message = f.message;
                app.selected_flight = i;
            }
        }
    }
    dl->PopClipRect();
}

}  // namespace sculpin::gui

namespace sculpin::gui {

// Small plots over the run so far, from the trace: deliveries and drops per time bucket,
// and messages in flight (sent + forked - delivered - dropped) at the end of each bucket.
void draw_plots(AppState& app) {
    const Controller& ctl = app.ctl;
    const auto& events = ctl.events();
    constexpr int kBuckets = 120;
    const int64_t span = std::max<int64_t>(1, ctl.now());
    std::vector<float> delivered(kBuckets, 0), dropped(kBuckets, 0), in_flight(kBuckets, 0);
    int64_t flight = 0;
    size_t next = 0;
    for (int b = 0; b < kBuckets; ++b) {
        const int64_t end = span * (b + 1) / kBuckets;
        for (; next < ctl.events_until_now() && events[next].time_ns <= end; ++next) {
            const auto& e = events[next];
            if (e.kind == sim::TraceKind::send) ++flight;
            if (e.kind == sim::TraceKind::fork) flight += e.value;
            if (e.kind == sim::TraceKind::deliver) {
                --flight;
                ++delivered[static_cast<size_t>(b)];
            }
            if (e.kind == sim::TraceKind::drop) {
                --flight;
                ++dropped[static_cast<size_t>(b)];
            }
        }
        in_flight[static_cast<size_t>(b)] = static_cast<float>(flight);
    }
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = std::max(
        30.0f, (ImGui::GetContentRegionAvail().y - 3 * ImGui::GetTextLineHeightWithSpacing()) / 3);
    const std::string bucket = format_time(span / kBuckets);
    ImGui::Text("0 .. %s, buckets of %s", format_time(ctl.now()).c_str(), bucket.c_str());
    ImGui::PlotHistogram("##delivered", delivered.data(), kBuckets, 0, "deliveries per bucket", 0,
                         FLT_MAX, ImVec2(w, h));
    ImGui::PlotHistogram("##dropped", dropped.data(), kBuckets, 0, "drops per bucket", 0, FLT_MAX,
                         ImVec2(w, h));
    ImGui::PlotLines("##inflight", in_flight.data(), kBuckets, 0,
                     "messages in flight (queued or on the wire)", 0, FLT_MAX, ImVec2(w, h));
}

}  // namespace sculpin::gui
