// The topology canvas: nodes as boxes (name, program, socket badges, queue gauges, state),
// links between them (connecting, up, partitioned, clogged), messages as dots at their
// virtual positions, drops as red crosses with their reason. Click to inspect, drag to
// move, right-click to inject a fault.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "gui/app/app.hpp"
#include "gui/view_model/flights.hpp"
#include "gui/view_model/subscriptions.hpp"
#include "gui/view_model/timeline.hpp"

namespace sculpin::gui {

namespace {

constexpr float kBoxW = 260.0f;  // room for "out 12/1k" gauges
constexpr float kHeaderH = 50.0f;
constexpr float kRowH = 24.0f;
constexpr uint32_t kText = IM_COL32(235, 235, 240, 255);
constexpr uint32_t kDim = IM_COL32(150, 150, 160, 255);
constexpr uint32_t kRed = IM_COL32(235, 70, 70, 255);

ImVec2 v(std::array<double, 2> p) {
    return ImVec2(static_cast<float>(p[0]), static_cast<float>(p[1]));
}

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, uint32_t col, float thickness, float dash = 8,
                 float gap = 6) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1) return;
    const float ux = dx / len, uy = dy / len;
    for (float s = 0; s < len; s += dash + gap) {
        const float e = std::min(len, s + dash);
        dl->AddLine(ImVec2(a.x + ux * s, a.y + uy * s), ImVec2(a.x + ux * e, a.y + uy * e), col,
                    thickness);
    }
}

// Where the segment from the centre of box `b` towards `to` leaves the box.
ImVec2 box_exit(const NodeBox& b, ImVec2 to) {
    const float cx = static_cast<float>(b.x0 + b.x1) / 2, cy = static_cast<float>(b.y0 + b.y1) / 2;
    const float hw = static_cast<float>(b.x1 - b.x0) / 2 + 4,
                hh = static_cast<float>(b.y1 - b.y0) / 2 + 4;
    const float dx = to.x - cx, dy = to.y - cy;
    if (std::fabs(dx) < 1e-3f && std::fabs(dy) < 1e-3f) return ImVec2(cx, cy);
    const float tx = std::fabs(dx) > 1e-3f ? hw / std::fabs(dx) : 1e9f;
    const float ty = std::fabs(dy) > 1e-3f ? hh / std::fabs(dy) : 1e9f;
    const float t = std::min(1.0f, std::min(tx, ty));
    return ImVec2(cx + dx * t, cy + dy * t);
}

// Cut to `max` bytes (with "~"), control characters shown as '.'.
std::string shorten(const std::string& text, size_t max) {
    std::string squeezed;  // runs of blanks (padding) as one space
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20) c = '.';
        if (c == ' ' && !squeezed.empty() && squeezed.back() == ' ') continue;
        squeezed += c;
    }
    return squeezed.size() <= max ? squeezed : squeezed.substr(0, max - 1) + "~";
}

enum class NodeLook { not_started, running, paused, crashed, exited };

NodeLook look_of(sim::SimNode* node, const sim::NodeSpec* spec, int64_t now) {
    if (!node) return NodeLook::not_started;
    if (spec && spec->start_ms * sim::kNsPerMs > now && !node->alive())
        return NodeLook::not_started;
    if (node->exited()) return NodeLook::exited;
    if (!node->alive()) return NodeLook::crashed;
    if (node->paused()) return NodeLook::paused;
    return NodeLook::running;
}

// A gauge for a queue: how full its fullest pipe is against that pipe's HWM (linear, so a
// full bar means sends now block or drop). Without a limit (HWM 0): logarithmic to 1000.
void gauge(ImDrawList* dl, ImVec2 p, float w, float h, size_t depth, uint64_t hwm,
           const char* label) {
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(40, 40, 48, 255), 2);
    float f = 0;
    if (depth > 0 && hwm > 0) {
        f = std::clamp(static_cast<float>(static_cast<double>(depth) / static_cast<double>(hwm)),
                       0.06f, 1.0f);
    } else if (depth > 0) {
        f = std::clamp(
            static_cast<float>(std::log1p(static_cast<double>(depth)) / std::log1p(1000.0)), 0.06f,
            1.0f);
    }
    const uint32_t col = f > 0.9f   ? kRed
                         : f > 0.6f ? IM_COL32(240, 180, 60, 255)
                                    : IM_COL32(90, 190, 120, 255);
    if (f > 0) dl->AddRectFilled(p, ImVec2(p.x + w * f, p.y + h), col, 2);
    // "in 12/1k" (the box is narrow); without room for the limit, "in 12".
    char buf[64];
    if (hwm >= 1000 && hwm % 100 == 0)
        std::snprintf(buf, sizeof buf, "%s %zu/%gk", label, depth, static_cast<double>(hwm) / 1000);
    else if (hwm > 0)
        std::snprintf(buf, sizeof buf, "%s %zu/%llu", label, depth,
                      static_cast<unsigned long long>(hwm));
    if (hwm == 0 || ImGui::CalcTextSize(buf).x + 4 > w)
        std::snprintf(buf, sizeof buf, "%s %zu", label, depth);
    dl->PushClipRect(p, ImVec2(p.x + w, p.y + h + 2), true);
    dl->AddText(ImVec2(p.x + 3, p.y - 1), kText, buf);
    dl->PopClipRect();
}

// The fullest pipe of a socket, one way: its depth and HWM.
struct Fullest {
    size_t depth = 0;
    uint64_t hwm = 0;
    double ratio = -1;
    void consider(size_t d, uint64_t limit) {
        const double r = limit > 0 ? static_cast<double>(d) / static_cast<double>(limit)
                                   : static_cast<double>(d) / 1000.0;
        if (r > ratio) {
            ratio = r;
            depth = d;
            hwm = limit;
        }
    }
};

}  // namespace

uint32_t socket_colour(const std::string& t) {
    if (t == "REQ") return IM_COL32(90, 160, 255, 255);
    if (t == "REP") return IM_COL32(100, 210, 120, 255);
    if (t == "DEALER") return IM_COL32(80, 210, 220, 255);
    if (t == "ROUTER") return IM_COL32(190, 120, 250, 255);
    if (t == "PUB" || t == "XPUB") return IM_COL32(250, 160, 60, 255);
    if (t == "SUB" || t == "XSUB") return IM_COL32(240, 220, 80, 255);
    if (t == "PUSH") return IM_COL32(250, 110, 180, 255);
    if (t == "PULL") return IM_COL32(120, 200, 200, 255);
    return IM_COL32(200, 200, 200, 255);
}

void draw_topology(AppState& app) {
    Controller& ctl = app.ctl;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    if (size.x < 50 || size.y < 50) return;
    ImGui::InvisibleButton("canvas", size,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    const bool hovered = ImGui::IsItemHovered();
    dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
    dl->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y),
                      IM_COL32(24, 26, 32, 255));

    if (!app.fit_valid || app.fit_w != size.x || app.fit_h != size.y) {
        app.fit = fit_to_canvas(app.topo, origin.x, origin.y + 30, size.x, size.y - 60,
                                kBoxW / 2 + 30, 90);
        app.fit_valid = true;
        app.fit_w = size.x;
        app.fit_h = size.y;
    }
    // The canvas may have moved (window layout): keep the fit relative to it.
    static ImVec2 last_origin = origin;
    if (last_origin.x != origin.x || last_origin.y != origin.y) {
        app.fit.offset_x += origin.x - last_origin.x;
        app.fit.offset_y += origin.y - last_origin.y;
        last_origin = origin;
    }

    const int64_t now = ctl.now();
    const auto& events = ctl.events();
    if (app.topo_hash != ctl.trace_hash()) {
        // A fault injected by hand re-ran the world: links may have come or gone. Nodes
        // keep their places.
        Topology fresh = build_topology(ctl.scenario(), events);
        for (auto& node : fresh.nodes) {
            const int old = app.topo.node_index(node.name);
            if (old >= 0) node.pos = app.topo.nodes[static_cast<size_t>(old)].pos;
        }
        app.topo = std::move(fresh);
        app.topo_hash = ctl.trace_hash();
        app.flight_cache_hash.clear();
    }
    sim::Simulation& sim = ctl.live();
    if (app.subscriptions_hash != ctl.trace_hash()) {
        app.subscriptions.reset();
        app.subscriptions_hash = ctl.trace_hash();
    }
    const SubscriptionMap& subscriptions = app.subscriptions.at(events, now);

    // --- node boxes (geometry first: links and messages attach to them) -------------------
    struct NodeDraw {
        NodeLook look;
        std::vector<SocketBadge> badges;
        std::vector<sim::SimNode::SocketView> sockets;
    };
    std::vector<NodeDraw> nd(app.topo.nodes.size());
    if (app.fold_hash != ctl.trace_hash()) {
        app.fold.reset();
        app.fold_hash = ctl.trace_hash();
    }
    app.fold.advance(app.topo, events, ctl.events_until_now());
    auto badges = app.fold.badges();
    const auto link_states = app.fold.link_states(ctl.scenario(), app.topo, now);
    app.boxes.assign(app.topo.nodes.size(), {});
    for (size_t i = 0; i < app.topo.nodes.size(); ++i) {
        const auto& tn = app.topo.nodes[i];
        sim::SimNode* node = sim.node(tn.name);
        nd[i].look = look_of(node, ctl.scenario().find_node(tn.name), now);
        nd[i].badges = std::move(badges[i]);
        // An exited program's sockets may still hold messages (linger): show them too.
        if (node && (node->alive() || node->exited())) nd[i].sockets = node->sockets_view();
        const size_t rows = std::max<size_t>(1, nd[i].badges.size());
        const float h = kHeaderH + kRowH * static_cast<float>(rows) + 6;
        const ImVec2 c = v(app.fit.to_screen(tn.pos));
        app.boxes[i] = {c.x - kBoxW / 2, c.y - h / 2, c.x + kBoxW / 2, c.y + h / 2};
    }

    // --- links ------------------------------------------------------------------------------
    app.segments.assign(app.topo.links.size(), {});
    std::vector<std::pair<ImVec2, ImVec2>> link_ends(app.topo.links.size());
    for (size_t i = 0; i < app.topo.links.size(); ++i) {
        const auto& link = app.topo.links[i];
        const int ia = app.topo.node_index(link.a), ib = app.topo.node_index(link.b);
        const auto& ba = app.boxes[static_cast<size_t>(ia)];
        const auto& bb = app.boxes[static_cast<size_t>(ib)];
        const ImVec2 ca((float)(ba.x0 + ba.x1) / 2, (float)(ba.y0 + ba.y1) / 2);
        const ImVec2 cb((float)(bb.x0 + bb.x1) / 2, (float)(bb.y0 + bb.y1) / 2);
        const ImVec2 ea = box_exit(ba, cb), eb = box_exit(bb, ca);
        link_ends[i] = {ea, eb};
        app.segments[i] = {{ea.x, ea.y}, {eb.x, eb.y}};
        const LinkState& st = link_states[i];
        const bool selected =
            app.selection == Selection::link && app.selected_link == static_cast<int>(i);
        const float thick = selected ? 4.0f : 2.5f;
        std::string label;
        if (st.partitioned) {
            dashed_line(dl, ea, eb, kRed, thick, 10, 6);
            label = "partitioned";
        } else if (st.clogged) {
            dashed_line(dl, ea, eb, IM_COL32(240, 160, 50, 255), thick, 4, 4);
            label = "clogged";
        } else if (st.handshaken) {
            dl->AddLine(ea, eb,
                        selected ? IM_COL32(255, 230, 120, 255) : IM_COL32(170, 175, 190, 255),
                        thick);
        } else if (st.connected) {
            dl->AddLine(ea, eb, IM_COL32(120, 120, 135, 255), thick);
            label = "handshaking";
        } else {
            dashed_line(dl, ea, eb, IM_COL32(90, 90, 105, 255), 1.5f);
            label =
                st.down_reason.empty() ? "not connected" : "down: " + shorten(st.down_reason, 36);
        }
        // ZMTP heartbeats on either end: the PING interval, and the time-out that would
        // close a silent connection.
        if (st.connected) {
            int ivl_ms = 0, timeout_ms = -1;
            for (const auto& [self, other] : {std::pair{ia, &link.b}, std::pair{ib, &link.a}})
                for (const auto& sock : nd[static_cast<size_t>(self)].sockets)
                    if (sock.heartbeat_ivl_ms > 0)
                        for (const auto& pipe : sock.pipes)
                            if (pipe.peer == *other && ivl_ms == 0) {
                                ivl_ms = sock.heartbeat_ivl_ms;
                                timeout_ms = sock.heartbeat_timeout_ms < 0
                                                 ? ivl_ms
                                                 : sock.heartbeat_timeout_ms;
                            }
            if (ivl_ms > 0) {
                char hb[64];
                std::snprintf(hb, sizeof hb, "heartbeat: PING every %d ms, time-out %d ms", ivl_ms,
                              timeout_ms);
                label += label.empty() ? hb : std::string(", ") + hb;
            }
        }
        const ImVec2 mid((ea.x + eb.x) / 2, (ea.y + eb.y) / 2);
        // The endpoint when the link is long enough to carry it; its state always.
        const float seg_len = std::hypot(eb.x - ea.x, eb.y - ea.y);
        std::string text = link.endpoint;
        if (!label.empty()) text += text.empty() ? label : "  (" + label + ")";
        if (ImGui::CalcTextSize(text.c_str()).x + 30 > seg_len) text = label;
        if (!text.empty()) {
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            const ImVec2 p(mid.x - ts.x / 2, mid.y + 14);
            dl->AddRectFilled(ImVec2(p.x - 3, p.y - 1), ImVec2(p.x + ts.x + 3, p.y + ts.y + 1),
                              IM_COL32(24, 26, 32, 220), 3);
            dl->AddText(p, st.partitioned ? kRed : kDim, text.c_str());
        }
        // Subscriptions live at the publisher, above the link near the subscriber's end:
        // what a SUB gets is what it subscribed to.
        for (int dir = 0; dir < 2; ++dir) {
            const std::string& pub = dir == 0 ? link.a : link.b;
            const std::string& sub = dir == 0 ? link.b : link.a;
            auto found = subscriptions.find({pub, sub});
            if (found == subscriptions.end() || found->second.empty()) continue;
            const std::string text = "subscribed: " + topics_label(found->second, 28);
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            const ImVec2 near_sub = dir == 0 ? eb : ea, far = dir == 0 ? ea : eb;
            const ImVec2 at(near_sub.x + (far.x - near_sub.x) * 0.3f - ts.x / 2,
                            near_sub.y + (far.y - near_sub.y) * 0.3f - ts.y - 12);
            dl->AddRectFilled(ImVec2(at.x - 3, at.y - 1), ImVec2(at.x + ts.x + 3, at.y + ts.y + 1),
                              IM_COL32(24, 26, 32, 220), 3);
            dl->AddText(at, IM_COL32(190, 140, 250, 255), text.c_str());
        }
    }

    // --- node boxes -------------------------------------------------------------------------
    for (size_t i = 0; i < app.topo.nodes.size(); ++i) {
        const auto& tn = app.topo.nodes[i];
        const auto& b = app.boxes[i];
        const ImVec2 p0((float)b.x0, (float)b.y0), p1((float)b.x1, (float)b.y1);
        const NodeLook look = nd[i].look;
        const bool dead =
            look == NodeLook::crashed || look == NodeLook::exited || look == NodeLook::not_started;
        const uint32_t fill = look == NodeLook::crashed  ? IM_COL32(55, 50, 50, 255)
                              : look == NodeLook::paused ? IM_COL32(38, 48, 70, 255)
                              : dead                     ? IM_COL32(42, 42, 46, 255)
                                                         : IM_COL32(48, 52, 64, 255);
        dl->AddRectFilled(p0, p1, fill, 8);
        const bool selected = app.selection == Selection::node && app.selected_node == tn.name;
        const uint32_t border = selected                    ? IM_COL32(255, 220, 90, 255)
                                : look == NodeLook::crashed ? kRed
                                : look == NodeLook::paused  ? IM_COL32(110, 150, 255, 255)
                                                            : IM_COL32(110, 115, 130, 255);
        if (look == NodeLook::not_started) {
            dashed_line(dl, p0, ImVec2(p1.x, p0.y), border, 1.5f);
            dashed_line(dl, ImVec2(p1.x, p0.y), p1, border, 1.5f);
            dashed_line(dl, p1, ImVec2(p0.x, p1.y), border, 1.5f);
            dashed_line(dl, ImVec2(p0.x, p1.y), p0, border, 1.5f);
        } else {
            dl->AddRect(p0, p1, border, 8, 0, selected ? 3.0f : 1.5f);
        }
        ImFont* font = ImGui::GetFont();
        const float big = ImGui::GetFontSize() * 1.25f;
        dl->AddText(font, big, ImVec2(p0.x + 10, p0.y + 6), dead ? kDim : kText, tn.name.c_str());
        dl->AddText(ImVec2(p0.x + 10, p0.y + 8 + big), kDim, tn.program.c_str());
        const char* tag = nullptr;
        uint32_t tag_col = kDim;
        char start_buf[48];
        switch (look) {
            case NodeLook::crashed:
                tag = "CRASHED";
                tag_col = kRed;
                break;
            case NodeLook::paused:
                tag = "PAUSED";
                tag_col = IM_COL32(130, 170, 255, 255);
                break;
            case NodeLook::exited:
                tag = "exited";
                break;
            case NodeLook::not_started: {
                const auto* spec = ctl.scenario().find_node(tn.name);
                std::snprintf(start_buf, sizeof start_buf, "starts at %s",
                              format_time(spec ? spec->start_ms * sim::kNsPerMs : 0).c_str());
                tag = start_buf;
                break;
            }
            case NodeLook::running:
                break;
        }
        if (tag) {
            const ImVec2 ts = ImGui::CalcTextSize(tag);
            dl->AddText(ImVec2(p1.x - ts.x - 10, p0.y + 9), tag_col, tag);
        }
        // One row per socket: type badge (bind/connect) and its queue gauges.
        float y = p0.y + kHeaderH;
        for (const auto& badge : nd[i].badges) {
            const std::string text = badge.type + (badge.role == "bind"      ? " bind"
                                                   : badge.role == "connect" ? " conn"
                                                                             : "");
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            const ImVec2 q0(p0.x + 10, y + 2), q1(p0.x + 16 + ts.x, y + 4 + ts.y);
            const uint32_t col = dead || badge.closed ? kDim : socket_colour(badge.type);
            dl->AddRectFilled(q0, q1, (col & 0x00ffffff) | 0x50000000, 4);
            dl->AddRect(q0, q1, col, 4);
            dl->AddText(ImVec2(q0.x + 3, q0.y + 1), kText, text.c_str());
            Fullest in, out;
            for (const auto& s : nd[i].sockets) {
                if (s.id != badge.socket) continue;
                for (const auto& pipe : s.pipes) {
                    in.consider(pipe.inbound, pipe.inbound_hwm);
                    out.consider(pipe.outbound, pipe.outbound_hwm);
                }
            }
            const bool holds = look == NodeLook::exited && !nd[i].sockets.empty();
            if ((!dead || holds) && !badge.closed) {
                if (!badge.state.empty() && !dead) {
                    // The lockstep state, on the name line, right-aligned (where a dead
                    // node shows its state tag).
                    const ImVec2 ss = ImGui::CalcTextSize(badge.state.c_str());
                    dl->AddText(ImVec2(p1.x - ss.x - 10, p0.y + 9), col, badge.state.c_str());
                }
                const float gx = std::max(q1.x + 8, p0.x + 110);
                const float gw = (p1.x - 10 - gx - 6) / 2;
                gauge(dl, ImVec2(gx, y + 4), gw, ts.y, in.depth, in.hwm, "in");
                gauge(dl, ImVec2(gx + gw + 6, y + 4), gw, ts.y, out.depth, out.hwm, "out");
            }
            y += kRowH;
        }
        if (nd[i].badges.empty()) dl->AddText(ImVec2(p0.x + 10, y + 3), kDim, "no sockets");
    }

    // --- under each box: what it last received, and its drops so far -------------------------
    {
        std::vector<const sim::TraceEvent*> last_in(app.topo.nodes.size(), nullptr);
        std::vector<int> dropped(app.topo.nodes.size(), 0);
        for (size_t i = 0; i < app.topo.nodes.size(); ++i) {
            const int64_t k = app.fold.last_delivered(i);
            if (k >= 0) last_in[i] = &events[static_cast<size_t>(k)];
            dropped[i] = app.fold.drops_at(i);
        }
        for (size_t i = 0; i < app.topo.nodes.size(); ++i) {
            const auto& b = app.boxes[i];
            std::string text;
            if (last_in[i]) {
                // Fit the line to the box's width: shorten the message, never the time.
                for (size_t budget = 24; budget >= 4; budget -= 4) {
                    text = "got " +
                           (last_in[i]->detail.empty() ? std::string("(empty)")
                                                       : shorten(last_in[i]->detail, budget)) +
                           " at " + format_time(last_in[i]->time_ns);
                    if (ImGui::CalcTextSize(text.c_str()).x <= kBoxW) break;
                }
            }
            if (dropped[i])
                text += (text.empty() ? "" : "\n") + std::to_string(dropped[i]) +
                        " dropped here so far";
            if (!text.empty())
                dl->AddText(
                    ImVec2((float)b.x0 + 4,
                           (float)b.y0 - 2 -
                               ImGui::GetFontSize() * (dropped[i] && last_in[i] ? 2.3f : 1.2f)),
                    kDim, text.c_str());
        }
    }

    // --- messages -------------------------------------------------------------------------
    app.dots.clear();
    app.dot_flights.clear();
    const auto& flights = ctl.flights();
    const auto visible = visible_flights(flights, now);
    // Each flight's sender and link, looked up once per trace (not per frame).
    if (app.flight_cache_hash != ctl.trace_hash() ||
        app.flight_from.size() != flights.flights.size()) {
        app.flight_cache_hash = ctl.trace_hash();
        app.flight_from.clear();
        app.flight_link.clear();
        for (const auto& f : flights.flights) {
            app.flight_from.push_back(app.topo.node_index(f.from));
            app.flight_link.push_back(
                f.to.empty() || f.to == f.from ? -1 : app.topo.link_index(f.from, f.to));
        }
    }
    std::map<std::pair<std::string, std::string>, int> queued_count;
    std::map<std::pair<std::string, std::string>, ImVec2> queued_end;  // where "+N" goes
    // The same at the receiving end: arrived, waiting for the program to take them.
    std::map<std::pair<std::string, std::string>, int> arrived_count;
    std::map<std::pair<std::string, std::string>, ImVec2> arrived_end;
    const bool labels = visible.size() <= 40;
    std::vector<ImVec4> label_rects;  // labels drawn so far (x0, y0, x1, y1)
    for (size_t fi : visible) {
        const Flight& f = flights.flights[fi];
        const int ia = app.flight_from[fi];
        if (ia < 0) continue;
        const auto pos = flight_position(f, now);
        const int li = app.flight_link[fi];
        ImVec2 p;
        bool first_in_row = false;  // the head of a queue gets a label too...
        float inward_x = 0;         // ...shifted along the link, clear of the box
        if (li < 0) {
            // Held inside the sender: a row under its box.
            const auto& b = app.boxes[static_cast<size_t>(ia)];
            const int k = queued_count[{f.from, ""}]++;
            if (k >= 12) continue;
            p = ImVec2((float)b.x0 + 12 + 14.0f * (float)k, (float)b.y1 + 10);
        } else {
            const auto& ends = link_ends[static_cast<size_t>(li)];
            const bool forward = app.topo.links[static_cast<size_t>(li)].a == f.from;
            const ImVec2 a = forward ? ends.first : ends.second,
                         b = forward ? ends.second : ends.first;
            const float dx = b.x - a.x, dy = b.y - a.y;
            const float len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
            // The two directions of a link travel on either side of it.
            const ImVec2 side(-dy / len * 7, dx / len * 7);
            if (pos.phase == FlightPhase::queued) {
                const int k = queued_count[{f.from, f.to}]++;
                if (k >= 8) continue;
                first_in_row = k == 0;
                inward_x = dx / len;
                if (k == 7)  // "+N queued" above the row, clear of the endpoint label below
                    queued_end[{f.from, f.to}] =
                        ImVec2(a.x + dx / len * 20 - side.x * 2,
                               a.y + dy / len * 20 - std::fabs(side.y) * 2 - 26);
                p = ImVec2(a.x + dx / len * (10 + 13.0f * (float)k) + side.x,
                           a.y + dy / len * (10 + 13.0f * (float)k) + side.y);
            } else if (pos.phase == FlightPhase::arrived) {
                // In the receiver's queue: a row going back from its end of the link.
                const int k = arrived_count[{f.to, f.from}]++;
                if (k >= 8) continue;
                first_in_row = k == 0;
                inward_x = -dx / len;
                if (k == 7)
                    arrived_end[{f.to, f.from}] =
                        ImVec2(b.x - dx / len * 20 - side.x * 2,
                               b.y - dy / len * 20 - std::fabs(side.y) * 2 - 26);
                p = ImVec2(b.x - dx / len * (10 + 13.0f * (float)k) + side.x,
                           b.y - dy / len * (10 + 13.0f * (float)k) + side.y);
            } else {
                const float t = static_cast<float>(pos.fraction);
                p = ImVec2(a.x + dx * t + side.x, a.y + dy * t + side.y);
            }
        }
        const bool selected = app.selection == Selection::message && app.selected_flight == fi;
        const uint32_t col = socket_colour(f.socket_type);
        if (labels || selected) {
            dl->AddCircleFilled(p, 6.5f, col);
            dl->AddCircle(p, 6.5f,
                          selected ? IM_COL32(255, 255, 255, 255) : IM_COL32(20, 20, 20, 255), 0,
                          selected ? 3 : 1.5f);
        } else {
            // Many messages: small squares, a quarter of a circle's vertices.
            dl->AddRectFilled(ImVec2(p.x - 4, p.y - 4), ImVec2(p.x + 4, p.y + 4), col);
        }
        if (labels && (pos.phase == FlightPhase::moving || selected || first_in_row)) {
            const std::string text = shorten(f.preview, 18);
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            const float x = p.x - ts.x / 2 + inward_x * (ts.x / 2 - 6);
            const ImVec4 rect(x - 2, p.y - ts.y - 8, x + ts.x + 2, p.y - 8);
            // Messages bunched together: one readable label, not a pile.
            bool clear = true;
            for (const ImVec4& r : label_rects)
                clear = clear && (rect.z < r.x || rect.x > r.z || rect.w < r.y || rect.y > r.w);
            if (clear || selected) {
                dl->AddText(ImVec2(x, p.y - ts.y - 8), col, text.c_str());
                label_rects.push_back(rect);
            }
        }
        app.dots.push_back({{p.x, p.y}, 6.5});
        app.dot_flights.push_back(fi);
    }
    for (const auto& [key, count] : queued_count) {
        const int shown = key.second.empty() ? 12 : 8;
        if (count <= shown) continue;
        const int ia = app.topo.node_index(key.first);
        const auto& b = app.boxes[static_cast<size_t>(ia)];
        char buf[32];
        std::snprintf(buf, sizeof buf, "+%d queued", count - shown);
        auto it = queued_end.find(key);
        const ImVec2 at = it != queued_end.end()
                              ? it->second
                              : ImVec2((float)b.x0 + 12 + 14.0f * 12, (float)b.y1 + 3);
        dl->AddText(at, kDim, buf);
    }
    for (const auto& [key, count] : arrived_count) {
        if (count <= 8) continue;
        char buf[32];
        std::snprintf(buf, sizeof buf, "+%d waiting", count - 8);
        dl->AddText(arrived_end[key], kDim, buf);
    }

    // --- drops: a red cross where it happened, with the reason, for a while -----------------
    const int64_t window = std::max<int64_t>(ctl.end() / 40, 50 * sim::kNsPerMs);
    std::map<std::string, int> drops_at;
    for (auto it = flights.drops.rbegin(); it != flights.drops.rend(); ++it) {
        if (it->time_ns > now) continue;
        if (it->time_ns < now - window) break;
        const int i = app.topo.node_index(it->node);
        if (i < 0) continue;
        const int k = drops_at[it->node]++;
        if (k >= 3) continue;
        const auto& b = app.boxes[static_cast<size_t>(i)];
        const ImVec2 c((float)b.x1 - 14, (float)b.y1 + 14 + 18.0f * (float)k);
        const float age = static_cast<float>(now - it->time_ns) / static_cast<float>(window);
        const auto alpha = static_cast<uint32_t>(255 * std::clamp(1.0f - age * 0.7f, 0.3f, 1.0f));
        const uint32_t col = (kRed & 0x00ffffff) | (alpha << 24);
        dl->AddLine(ImVec2(c.x - 6, c.y - 6), ImVec2(c.x + 6, c.y + 6), col, 3);
        dl->AddLine(ImVec2(c.x - 6, c.y + 6), ImVec2(c.x + 6, c.y - 6), col, 3);
        const std::string text = "dropped: " + it->reason;
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        dl->AddText(ImVec2(c.x - 12 - ts.x, c.y - ts.y / 2), col, text.c_str());
    }

    // --- header and legend ----------------------------------------------------------------
    {
        const std::string header = sim::narration_header(ctl.scenario());
        dl->AddText(ImVec2(origin.x + 10, origin.y + 8), kText, header.c_str());
        const std::string t = "t = " + format_time(now);
        const float big = ImGui::GetFontSize() * 1.4f;
        const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(big, 1e9f, 0, t.c_str());
        dl->AddText(ImGui::GetFont(), big, ImVec2(origin.x + size.x - ts.x - 12, origin.y + 6),
                    IM_COL32(255, 220, 90, 255), t.c_str());
        float x = origin.x + 10;
        const float ly = origin.y + size.y - 24;
        std::vector<std::string> types;
        for (const auto& f : flights.flights)
            if (std::find(types.begin(), types.end(), f.socket_type) == types.end())
                types.push_back(f.socket_type);
        dl->AddText(ImVec2(x, ly), kDim, "messages from:");
        x += ImGui::CalcTextSize("messages from:").x + 10;
        for (const auto& type : types) {
            dl->AddCircleFilled(ImVec2(x + 6, ly + 8), 6, socket_colour(type));
            dl->AddText(ImVec2(x + 16, ly), kDim, type.c_str());
            x += ImGui::CalcTextSize(type.c_str()).x + 32;
        }
        dl->AddText(ImVec2(x + 10, ly), kDim,
                    "|  dots wait at the sender while queued, at the receiver once arrived  |  "
                    "right-click a node or link to "
                    "inject a fault");
    }
    dl->PopClipRect();

    // --- interaction -----------------------------------------------------------------------
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const Pick hit = hovered ? pick({mouse.x, mouse.y}, app.boxes, app.segments, app.dots) : Pick{};
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        switch (hit.kind) {
            case PickKind::message:
                app.selection = Selection::message;
                app.selected_flight = app.dot_flights[hit.index];
                app.selected_message = flights.flights[app.selected_flight].message;
                break;
            case PickKind::node:
                app.selection = Selection::node;
                app.selected_node = app.topo.nodes[hit.index].name;
                app.dragging_node = static_cast<int>(hit.index);
                break;
            case PickKind::link:
                app.selection = Selection::link;
                app.selected_link = static_cast<int>(hit.index);
                break;
            case PickKind::none:
                app.selection = Selection::none;
                break;
        }
    }
    if (app.dragging_node >= 0) {
        if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
            const ImVec2 d = ImGui::GetIO().MouseDelta;
            auto& pos = app.topo.nodes[static_cast<size_t>(app.dragging_node)].pos;
            pos[0] += d.x / app.fit.scale;
            pos[1] += d.y / app.fit.scale;
        } else {
            app.dragging_node = -1;
        }
    }
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
        if (hit.kind == PickKind::node) {
            app.menu_node = app.topo.nodes[hit.index].name;
            ImGui::OpenPopup("node_menu");
        } else if (hit.kind == PickKind::link) {
            app.menu_link = static_cast<int>(hit.index);
            ImGui::OpenPopup("link_menu");
        }
    }
    if (hovered && hit.kind == PickKind::message) {
        const Flight& f = flights.flights[app.dot_flights[hit.index]];
        ImGui::SetTooltip("message #%llu  %s -> %s\n%s\n(click to inspect)",
                          static_cast<unsigned long long>(f.message), f.from.c_str(),
                          f.to.empty() ? "?" : f.to.c_str(), shorten(f.preview, 60).c_str());
    } else if (hovered && hit.kind == PickKind::node) {
        ImGui::SetTooltip("%s (%s)\nclick: inspect, drag: move, right-click: crash/pause/slow...",
                          app.topo.nodes[hit.index].name.c_str(),
                          app.topo.nodes[hit.index].program.c_str());
    } else if (hovered && hit.kind == PickKind::link) {
        ImGui::SetTooltip("link %s - %s\nright-click: partition/clog/reset",
                          app.topo.links[hit.index].a.c_str(), app.topo.links[hit.index].b.c_str());
    }

    // --- fault menus ---------------------------------------------------------------------
    auto inject = [&](FaultCommand cmd) {
        const std::string error = ctl.inject(cmd);
        app.status = error.empty() ? "injected " + std::string(to_string(cmd.action)) + " at " +
                                         format_time(ctl.now()) + " (added to the fault plan)"
                                   : "cannot " + std::string(to_string(cmd.action)) + ": " + error;
    };
    if (ImGui::BeginPopup("node_menu")) {
        const std::string& n = app.menu_node;
        const int64_t ms = now / sim::kNsPerMs;
        ImGui::TextDisabled("%s at %s", n.c_str(), format_time(now).c_str());
        ImGui::Separator();
        const bool crash = ImGui::MenuItem("Crash");
        note_widget(app, "Crash");
        if (crash) inject({FaultAction::crash, n, "", "", 0});
        const bool restart = ImGui::MenuItem("Restart");
        note_widget(app, "Restart");
        if (restart) inject({FaultAction::restart, n, "", "", 0});
        const bool paused = fault_open(ctl.scenario(), sim::FaultKind::pause, n, "", "", ms);
        if (ImGui::MenuItem(paused ? "Resume" : "Pause"))
            inject({paused ? FaultAction::resume : FaultAction::pause, n, "", "", 0});
        const bool slow = fault_open(ctl.scenario(), sim::FaultKind::slow, n, "", "", ms);
        if (slow) {
            if (ImGui::MenuItem("Normal speed")) inject({FaultAction::unslow, n, "", "", 0});
        } else {
            ImGui::SetNextItemWidth(120);
            ImGui::InputInt("ms per message", &app.slow_delay_ms);
            app.slow_delay_ms = std::max(1, app.slow_delay_ms);
            if (ImGui::MenuItem("Slow down"))
                inject({FaultAction::slow, n, "", "", 0, app.slow_delay_ms});
        }
        ImGui::EndPopup();
    }
    if (ImGui::BeginPopup("link_menu")) {
        if (app.menu_link >= 0 && app.menu_link < static_cast<int>(app.topo.links.size())) {
            const auto& l = app.topo.links[static_cast<size_t>(app.menu_link)];
            const int64_t ms = now / sim::kNsPerMs;
            ImGui::TextDisabled("%s - %s at %s", l.a.c_str(), l.b.c_str(),
                                format_time(now).c_str());
            ImGui::Separator();
            const bool cut =
                fault_open(ctl.scenario(), sim::FaultKind::partition, "", l.a, l.b, ms);
            if (ImGui::MenuItem(cut ? "Heal" : "Partition"))
                inject({cut ? FaultAction::heal : FaultAction::partition, "", l.a, l.b, 0});
            const bool clogged = fault_open(ctl.scenario(), sim::FaultKind::clog, "", l.a, l.b, ms);
            if (ImGui::MenuItem(clogged ? "Unclog" : "Clog"))
                inject({clogged ? FaultAction::unclog : FaultAction::clog, "", l.a, l.b, 0});
            if (ImGui::MenuItem("Reset connection")) inject({FaultAction::reset, "", l.a, l.b, 0});
        }
        ImGui::EndPopup();
    }
}

}  // namespace sculpin::gui
