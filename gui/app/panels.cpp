// The panels around the canvas: menu bar (scenario picker by chapter, save, screenshot),
// timeline (play/pause/step/speed/run-until, scrubbing, fault intervals), narration,
// event log, inspector. Plain functions over AppState.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "cli/scenario_catalog.hpp"
#include "gui/app/app.hpp"
#include "gui/view_model/timeline.hpp"
#include "sim/expectations.hpp"

namespace sculpin::gui {

namespace {
constexpr uint32_t kYellow = IM_COL32(255, 220, 90, 255);
const ImVec4 kDimText(0.6f, 0.6f, 0.65f, 1.0f);
}  // namespace

uint32_t event_colour(sim::TraceKind kind) {
    using K = sim::TraceKind;
    switch (kind) {
        case K::send:
            return IM_COL32(110, 170, 255, 255);
        case K::deliver:
            return IM_COL32(100, 210, 120, 255);
        case K::encoded:
        case K::arrived:
            return IM_COL32(120, 190, 220, 255);
        case K::drop:
            return IM_COL32(235, 70, 70, 255);
        case K::fault_begin:
        case K::fault_end:
        case K::node_crash:
        case K::node_pause:
        case K::node_resume:
            return IM_COL32(240, 160, 50, 255);
        case K::connected:
        case K::handshake:
        case K::disconnected:
        case K::subscribed:
            return IM_COL32(190, 140, 250, 255);
        case K::log:
        case K::mark:
            return IM_COL32(200, 200, 200, 255);
        default:
            return IM_COL32(140, 140, 150, 255);
    }
}

void load_scenario(AppState& app, const sim::Scenario& scenario) {
    app.ctl.load(scenario);
    app.topo = build_topology(app.ctl.scenario(), app.ctl.events());
    auto_layout(app.topo, scenario.seed);
    app.topo_hash = app.ctl.trace_hash();
    app.flight_cache_hash.clear();
    app.fit_valid = false;
    app.selection = Selection::none;
    app.dragging_node = -1;
    app.last_narration = -1;
    app.log_last_count = 0;
    std::snprintf(app.save_path, sizeof app.save_path, "%s-session.json", scenario.name.c_str());
    app.status = "loaded " + scenario.name + ": press space to play, right arrow to step";
}

void note_widget(AppState& app, const std::string& name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    app.widget_rects[name] = {a.x, a.y, b.x, b.y};
}

std::string request_screenshot(AppState& app) {
    char name[256];
    std::snprintf(name, sizeof name, "%s-%lldms.png", app.ctl.scenario().name.c_str(),
                  static_cast<long long>(app.ctl.now() / sim::kNsPerMs));
    app.screenshot_request = name;
    return name;
}

void draw_menu_bar(AppState& app) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("Scenario")) {
        if (!app.catalog_error.empty())
            ImGui::TextColored(ImVec4(1, 0.3f, 0.3f, 1), "%s", app.catalog_error.c_str());
        int chapter = -1;
        bool open = false;
        for (const auto& s : app.catalog) {
            if (s.chapter != chapter) {
                if (open) ImGui::EndMenu();
                chapter = s.chapter;
                char label[128];
                std::snprintf(label, sizeof label, "Chapter %d - %s", chapter,
                              cli::chapter_title(chapter));
                open = ImGui::BeginMenu(label);
            }
            if (open && ImGui::MenuItem(s.title.c_str(), s.name.c_str(),
                                        s.name == app.ctl.scenario().name)) {
                load_scenario(app, s);
            }
            if (open && ImGui::IsItemHovered() && !s.summary.empty()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(420);
                ImGui::TextUnformatted(s.summary.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
        }
        if (open) ImGui::EndMenu();
        ImGui::Separator();
        if (ImGui::MenuItem("Restart from the seed")) load_scenario(app, app.ctl.scenario());
        if (ImGui::MenuItem("Save as scenario...")) app.open_save_popup = true;
        if (ImGui::MenuItem("Screenshot", "F12")) request_screenshot(app);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Automatic layout")) {
            for (auto& n : app.topo.nodes) n.placed = false;
            auto_layout(app.topo, app.ctl.scenario().seed);
            app.fit_valid = false;
        }
        if (ImGui::MenuItem("Fit to window")) app.fit_valid = false;
        ImGui::EndMenu();
    }
    ImGui::TextColored(kDimText, "  %s  |  trace %s  |  %zu faults in the plan",
                       app.ctl.scenario().title.c_str(), app.ctl.trace_hash().c_str(),
                       app.ctl.scenario().faults.size());
    ImGui::EndMainMenuBar();

    if (app.open_save_popup) {
        ImGui::OpenPopup("Save as scenario");
        app.open_save_popup = false;
    }
    if (ImGui::BeginPopupModal("Save as scenario", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::TextUnformatted(
            "The scenario with every fault injected by hand. `sculpin run FILE` replays it");
        ImGui::TextUnformatted("to the same trace hash.");
        ImGui::SetNextItemWidth(420);
        ImGui::InputText("file", app.save_path, sizeof app.save_path);
        if (ImGui::Button("Save")) {
            std::ofstream out(app.save_path);
            out << sim::scenario_to_json(app.ctl.scenario());
            app.status = out ? std::string("saved ") + app.save_path + " (trace " +
                                   app.ctl.trace_hash() + ")"
                             : std::string("could not write ") + app.save_path;
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

void handle_keys(AppState& app) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
        if (app.ctl.now() >= app.ctl.end()) app.ctl.seek(0);
        app.ctl.playing = !app.ctl.playing;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) {
        app.ctl.playing = false;
        if (io.KeyShift) {
            app.ctl.step_delivery();
        } else {
            app.ctl.step_event();
        }
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) app.ctl.seek(0);
    // ImGui 1.86 names no function keys: its GLFW backend indexes keys by GLFW key code.
    constexpr int kGlfwKeyF12 = 301;  // GLFW_KEY_F12
    if (ImGui::IsKeyPressed(kGlfwKeyF12, false)) request_screenshot(app);
}

void draw_timeline(AppState& app) {
    Controller& ctl = app.ctl;
    if (ImGui::Button(ctl.playing ? "Pause" : " Play ")) {
        if (!ctl.playing && ctl.now() >= ctl.end()) ctl.seek(0);
        ctl.playing = !ctl.playing;
    }
    ImGui::SameLine();
    if (ImGui::Button("|< Start")) ctl.seek(0);
    ImGui::SameLine();
    if (ImGui::Button("Step >")) {
        ctl.playing = false;
        ctl.step_event();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("to the next trace event (right arrow)");
    ImGui::SameLine();
    if (ImGui::Button("Next delivery >>")) {
        ctl.playing = false;
        ctl.step_delivery();
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("to the next message a program receives (shift + right arrow)");
    ImGui::SameLine();
    float slider = static_cast<float>(slider_from_speed(ctl.speed));
    char speed_label[32];
    if (ctl.speed >= 1) {
        std::snprintf(speed_label, sizeof speed_label, "speed %.3gx", ctl.speed);
    } else {
        std::snprintf(speed_label, sizeof speed_label, "speed 1/%.3gx", 1.0 / ctl.speed);
    }
    ImGui::SetNextItemWidth(180);
    if (ImGui::SliderFloat("##speed", &slider, -3.0f, 3.0f, speed_label))
        ctl.speed = speed_from_slider(slider);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("virtual time per wall-clock time, 1/1000x to 1000x");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(80);
    const bool enter = ImGui::InputText("##until", app.until_text, sizeof app.until_text,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
    note_widget(app, "until");
    ImGui::SameLine();
    const bool run_until = ImGui::Button("Run until");
    note_widget(app, "Run until");
    if (run_until || enter) {
        if (auto t = parse_time_ns(app.until_text)) {
            ctl.playing = false;
            ctl.seek(*t);
        } else {
            app.status = "run until: write a time like 2.5s, 300ms or 1500 (ms)";
        }
    }
    ImGui::SameLine();
    ImGui::TextColored(kDimText, "%s / %s", format_time(ctl.now()).c_str(),
                       format_time(ctl.end()).c_str());

    // The bar: fault intervals, event ticks, narration marks, the cursor. Click or drag to seek.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = 46;
    ImGui::InvisibleButton("timeline_bar", ImVec2(w, h));
    const TimelineMap map{p0.x + 8, p0.x + w - 8, 0, std::max<int64_t>(1, ctl.end())};
    if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        ctl.playing = false;
        ctl.seek(map.t_of(ImGui::GetIO().MousePos.x));
    }
    dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(30, 32, 40, 255), 4);
    for (const auto& iv : fault_intervals(ctl.scenario())) {
        const float x0 = static_cast<float>(map.x_of(iv.begin_ms * sim::kNsPerMs));
        const float x1 = std::max(x0 + 3, static_cast<float>(map.x_of(iv.end_ms * sim::kNsPerMs)));
        dl->AddRectFilled(ImVec2(x0, p0.y), ImVec2(x1, p0.y + h), IM_COL32(235, 70, 70, 60));
        dl->AddLine(ImVec2(x0, p0.y), ImVec2(x0, p0.y + h), IM_COL32(235, 70, 70, 200), 2);
        dl->AddText(ImVec2(x0 + 3, p0.y + h - 16), IM_COL32(250, 150, 150, 255), iv.label.c_str());
    }
    // Event ticks, one column of pixels at a time: the most telling kind wins.
    // They depend on the trace and the bar's width only: computed once for both.
    const auto& events = ctl.events();
    const int columns = std::max(1, static_cast<int>(map.x1 - map.x0));
    std::vector<int>& rank = app.tick_rank;
    std::vector<uint32_t>& colour = app.tick_colour;
    const bool fresh = app.ticks_hash != ctl.trace_hash() || app.ticks_columns != columns ||
                       app.ticks_end != map.t1;
    if (fresh) {
        app.ticks_hash = ctl.trace_hash();
        app.ticks_columns = columns;
        app.ticks_end = map.t1;
        rank.assign(static_cast<size_t>(columns) + 1, 0);
        colour.assign(static_cast<size_t>(columns) + 1, 0);
    }
    static const std::vector<sim::TraceEvent> kNone;
    for (const auto& e : fresh ? events : kNone) {
        int r = 0;
        switch (e.kind) {
            case sim::TraceKind::drop:
                r = 5;
                break;
            case sim::TraceKind::node_crash:
            case sim::TraceKind::fault_begin:
                r = 4;
                break;
            case sim::TraceKind::deliver:
                r = 3;
                break;
            case sim::TraceKind::send:
                r = 2;
                break;
            case sim::TraceKind::connected:
            case sim::TraceKind::handshake:
            case sim::TraceKind::disconnected:
                r = 1;
                break;
            default:
                continue;
        }
        const auto c = static_cast<size_t>(
            std::clamp(static_cast<int>(map.x_of(e.time_ns) - map.x0), 0, columns));
        if (r > rank[c]) {
            rank[c] = r;
            colour[c] = event_colour(e.kind);
        }
    }
    for (size_t c = 0; c < rank.size(); ++c) {
        if (!rank[c]) continue;
        const float x = static_cast<float>(map.x0) + static_cast<float>(c);
        const float top = p0.y + 6 + (5 - static_cast<float>(rank[c])) * 3;
        dl->AddLine(ImVec2(x, top), ImVec2(x, p0.y + 26), colour[c], 1.5f);
    }
    for (const auto& [t, text] : ctl.narration()) {
        const float x = static_cast<float>(map.x_of(t));
        dl->AddTriangleFilled(ImVec2(x - 4, p0.y + h), ImVec2(x + 4, p0.y + h),
                              ImVec2(x, p0.y + h - 7), IM_COL32(230, 230, 230, 200));
    }
    const float cx = static_cast<float>(map.x_of(ctl.now()));
    dl->AddLine(ImVec2(cx, p0.y - 2), ImVec2(cx, p0.y + h + 2), kYellow, 2.5f);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s  (click or drag to go there; going back re-simulates from the seed)",
                          format_time(map.t_of(ImGui::GetIO().MousePos.x)).c_str());
    }
    ImGui::TextColored(kDimText,
                       "ticks: send (blue), deliver (green), drop (red), connection (purple); "
                       "triangles: narration; red bands: faults.  Keys: space, right, shift+right");
    ImGui::TextColored(ImVec4(1, 0.86f, 0.35f, 1), "%s", app.status.c_str());
}

void draw_narration(AppState& app) {
    const auto& lines = app.ctl.narration();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1, 0.86f, 0.35f, 1), "%s", app.ctl.scenario().title.c_str());
    if (!app.ctl.scenario().summary.empty())
        ImGui::TextColored(kDimText, "%s", app.ctl.scenario().summary.c_str());
    ImGui::Separator();
    int current = -1;
    for (size_t i = 0; i < lines.size(); ++i)
        if (lines[i].first <= app.ctl.now()) current = static_cast<int>(i);
    for (size_t i = 0; i < lines.size(); ++i) {
        const bool past = static_cast<int>(i) <= current;
        const bool is_current = static_cast<int>(i) == current;
        const ImVec2 start = ImGui::GetCursorScreenPos();
        ImGui::TextColored(is_current ? ImVec4(1, 0.86f, 0.35f, 1) : kDimText, "%s",
                           format_time(lines[i].first).c_str());
        ImGui::TextColored(is_current ? ImVec4(1, 1, 1, 1)
                           : past     ? ImVec4(0.8f, 0.8f, 0.82f, 1)
                                      : ImVec4(0.45f, 0.45f, 0.5f, 1),
                           "%s", lines[i].second.c_str());
        if (is_current) {
            const ImVec2 end = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(start.x - 6, start.y),
                                                      ImVec2(start.x - 2, end.y - 2), kYellow);
            if (app.last_narration != current) ImGui::SetScrollHereY(0.5f);
        }
        ImGui::Spacing();
    }
    app.last_narration = current;
    if (lines.empty()) ImGui::TextColored(kDimText, "This scenario has no narration.");
    ImGui::PopTextWrapPos();
}

void draw_event_log(AppState& app) {
    ImGui::SetNextItemWidth(220);
    ImGui::InputTextWithHint("##filter", "filter (node, kind, text)", app.log_filter,
                             sizeof app.log_filter);
    ImGui::SameLine();
    ImGui::Checkbox("wire", &app.log_show_wire);
    ImGui::SameLine();
    ImGui::Checkbox("logs", &app.log_show_logs);
    ImGui::SameLine();
    ImGui::Checkbox("follow", &app.log_follow);
    const auto& events = app.ctl.events();
    const size_t n = app.ctl.events_until_now();
    const std::string filter = app.log_filter;
    std::vector<size_t> rows;
    rows.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const auto& e = events[i];
        if (!app.log_show_wire &&
            (e.kind == sim::TraceKind::wire || e.kind == sim::TraceKind::encoded ||
             e.kind == sim::TraceKind::arrived))
            continue;
        if (!app.log_show_logs && (e.kind == sim::TraceKind::log || e.kind == sim::TraceKind::mark))
            continue;
        if (!filter.empty()) {
            const std::string kind(sim::to_string(e.kind));
            if (e.node.find(filter) == std::string::npos &&
                e.peer.find(filter) == std::string::npos &&
                kind.find(filter) == std::string::npos &&
                e.detail.find(filter) == std::string::npos)
                continue;
        }
        rows.push_back(i);
    }
    ImGui::BeginChild("log_rows", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    if (app.mono) ImGui::PushFont(app.mono);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
            const auto& e = events[rows[static_cast<size_t>(r)]];
            char head[96];
            std::snprintf(head, sizeof head, "%12s  %-12s %-8s", format_time(e.time_ns).c_str(),
                          std::string(sim::to_string(e.kind)).c_str(), e.node.c_str());
            std::string rest;
            if (e.message) rest += "#" + std::to_string(e.message) + " ";
            if (!e.peer.empty()) rest += "peer " + e.peer + " ";
            rest += e.detail;
            ImGui::PushStyleColor(ImGuiCol_Text,
                                  ImGui::ColorConvertU32ToFloat4(event_colour(e.kind)));
            const bool selected = app.selection == Selection::message && e.message &&
                                  e.message == app.selected_message;
            ImGui::PushID(r);
            if (ImGui::Selectable(head, selected, ImGuiSelectableFlags_AllowItemOverlap) &&
                e.message) {
                app.selection = Selection::message;
                app.selected_message = e.message;
                const auto& fl = app.ctl.flights().flights;
                for (size_t k = 0; k < fl.size(); ++k)
                    if (fl[k].message == e.message) app.selected_flight = k;
            }
            ImGui::PopID();
            ImGui::PopStyleColor();
            ImGui::SameLine();
            ImGui::TextUnformatted(rest.c_str());
        }
    }
    if (app.mono) ImGui::PopFont();
    if (app.log_follow && rows.size() != app.log_last_count) ImGui::SetScrollHereY(1.0f);
    app.log_last_count = rows.size();
    ImGui::EndChild();
}

namespace {

// Offset, hex and printable bytes, 16 to a line, as hexdump -C shows them.
std::string hex_dump(const std::string& bytes, size_t max_bytes) {
    std::string out;
    char buf[32];  // "%04zx  " alone can take 18 bytes
    const size_t n = std::min(bytes.size(), max_bytes);
    for (size_t row = 0; row < n; row += 16) {
        std::snprintf(buf, sizeof buf, "%04zx  ", row);
        out += buf;
        std::string text;
        for (size_t i = row; i < row + 16; ++i) {
            if (i < n) {
                const auto c = static_cast<unsigned char>(bytes[i]);
                std::snprintf(buf, sizeof buf, "%02x ", c);
                out += buf;
                text += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
            } else {
                out += "   ";
            }
        }
        out += " |" + text + "|\n";
    }
    if (bytes.size() > n) out += "... " + std::to_string(bytes.size() - n) + " more bytes\n";
    return out;
}

// A frame as text when it is printable, else marked as binary.
std::string frame_text(const std::string& bytes) {
    for (unsigned char c : bytes)
        if (c < 0x20 || c >= 0x7f) return "(binary, " + std::to_string(bytes.size()) + " bytes)";
    return "\"" + bytes + "\"";
}

// One line of the story, in words.
std::string story_line(const sim::TraceEvent& e) {
    switch (e.kind) {
        case sim::TraceKind::send:
            return "sent by " + e.node + " (socket " + std::to_string(e.socket) +
                   "): queued in its socket";
        case sim::TraceKind::fork:
            return "copied for " + std::to_string(e.value) + " more subscriber(s) at " + e.node;
        case sim::TraceKind::encoded:
            return "left " + e.node + "'s queue: on the wire to " + e.peer;
        case sim::TraceKind::arrived:
            return "arrived at " + e.node + ": waiting in its queue";
        case sim::TraceKind::deliver:
            return "delivered: " + e.node + " received it (socket " + std::to_string(e.socket) +
                   ")";
        case sim::TraceKind::drop:
            return "dropped" + (e.node.empty() ? std::string() : " at " + e.node) +
                   ", reason: " + e.detail;
        default:
            return std::string(sim::to_string(e.kind)) + " " + e.node;
    }
}

void inspect_message(AppState& app) {
    const uint64_t id = app.selected_message;
    const auto& events = app.ctl.events();
    const auto story = app.ctl.ledger().story(id);
    ImGui::TextColored(ImVec4(1, 0.86f, 0.35f, 1), "Message #%llu",
                       static_cast<unsigned long long>(id));
    const sim::TraceEvent* send = nullptr;
    for (size_t i : story)
        if (i < events.size() && events[i].kind == sim::TraceKind::send) send = &events[i];
    if (send) {
        ImGui::Text("sent by %s (socket %d) at %s, %lld bytes", send->node.c_str(), send->socket,
                    format_time(send->time_ns).c_str(), static_cast<long long>(send->value));
        const auto& frames = app.ctl.frames_of(id);
        ImGui::Text("%zu frame%s:", frames.size(), frames.size() == 1 ? "" : "s");
        if (app.mono) ImGui::PushFont(app.mono);
        for (size_t k = 0; k < frames.size() && k < 16; ++k) {
            ImGui::Text("[%zu] %zu bytes  %s", k, frames[k].size(), frame_text(frames[k]).c_str());
            ImGui::TextColored(kDimText, "%s", hex_dump(frames[k], 256).c_str());
        }
        if (frames.size() > 16) ImGui::Text("... %zu more frames", frames.size() - 16);
        if (app.mono) ImGui::PopFont();
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Its story (from the ledger):");
    std::string fate = "still in flight at the end of the run";
    for (size_t i : story) {
        if (i >= events.size()) continue;
        const auto& e = events[i];
        const bool past = e.time_ns <= app.ctl.now();
        ImGui::TextColored(past ? ImGui::ColorConvertU32ToFloat4(event_colour(e.kind))
                                : ImVec4(0.45f, 0.45f, 0.5f, 1),
                           "%10s  %s", format_time(e.time_ns).c_str(), story_line(e).c_str());
        const std::string when = " at " + format_time(e.time_ns);
        if (e.kind == sim::TraceKind::deliver)
            fate = past ? "delivered to " + e.node + when
                        : "on its way now; will be delivered to " + e.node + when;
        if (e.kind == sim::TraceKind::drop)
            fate =
                past ? "dropped" + (e.node.empty() ? "" : " at " + e.node) + when + ": " + e.detail
                     : "on its way now; will be dropped" + (e.node.empty() ? "" : " at " + e.node) +
                           when + ": " + e.detail;
    }
    ImGui::Text("Fate: %s", fate.c_str());
    ImGui::TextColored(kDimText, "(grey lines are still in the future at %s)",
                       format_time(app.ctl.now()).c_str());
}

void inspect_node(AppState& app) {
    const std::string& name = app.selected_node;
    sim::SimNode* node = app.ctl.live().node(name);
    ImGui::TextColored(ImVec4(1, 0.86f, 0.35f, 1), "Node %s", name.c_str());
    if (!node) return;
    ImGui::Text("program %s: %s", node->program_name().c_str(),
                node->exited()   ? "exited"
                : !node->alive() ? "not running (crashed or not started)"
                : node->paused() ? "paused"
                                 : "running");
    if (node->alive()) {
        for (const auto& s : node->sockets_view()) {
            ImGui::Separator();
            ImGui::TextColored(
                ImGui::ColorConvertU32ToFloat4(socket_colour(std::string(zmtp_name(s.type)))),
                "socket %d  %s", s.id, std::string(zmtp_name(s.type)).c_str());
            for (const auto& ep : s.endpoints) ImGui::BulletText("%s", ep.c_str());
            auto limit = [](uint64_t hwm) {
                return hwm == 0 ? std::string("no limit") : "HWM " + std::to_string(hwm);
            };
            for (const auto& pipe : s.pipes)
                ImGui::BulletText("pipe to %s: %zu queued in (%s), %zu queued out (%s)",
                                  pipe.peer.c_str(), pipe.inbound, limit(pipe.inbound_hwm).c_str(),
                                  pipe.outbound, limit(pipe.outbound_hwm).c_str());
            if (s.pipes.empty()) ImGui::BulletText("no pipes yet (no peer connected)");
        }
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Log (up to now):");
    const auto& events = app.ctl.events();
    std::vector<const sim::TraceEvent*> lines;
    for (size_t i = 0; i < app.ctl.events_until_now(); ++i)
        if (events[i].node == name &&
            (events[i].kind == sim::TraceKind::log || events[i].kind == sim::TraceKind::mark))
            lines.push_back(&events[i]);
    const size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
    if (app.mono) ImGui::PushFont(app.mono);
    for (size_t i = from; i < lines.size(); ++i)
        ImGui::Text("%10s  %s", format_time(lines[i]->time_ns).c_str(), lines[i]->detail.c_str());
    if (app.mono) ImGui::PopFont();
    ImGui::TextColored(kDimText, "Right-click the node on the canvas to crash, pause or slow it.");
}

void inspect_link(AppState& app) {
    if (app.selected_link < 0 || app.selected_link >= static_cast<int>(app.topo.links.size()))
        return;
    const auto& l = app.topo.links[static_cast<size_t>(app.selected_link)];
    ImGui::TextColored(ImVec4(1, 0.86f, 0.35f, 1), "Link %s - %s", l.a.c_str(), l.b.c_str());
    if (!l.endpoint.empty()) ImGui::Text("endpoint %s", l.endpoint.c_str());
    const auto st = link_state(app.ctl.scenario(), app.ctl.events(), l, app.ctl.now());
    ImGui::Text("%s%s%s",
                st.handshaken  ? "up (ZMTP handshake done)"
                : st.connected ? "connected, handshaking"
                               : "not connected",
                st.partitioned ? ", partitioned" : "", st.clogged ? ", clogged" : "");
    const auto params = app.ctl.scenario().network.link_between(l.a, l.b);
    ImGui::Text("latency %lld ms, jitter %lld ms", static_cast<long long>(params.latency_ms),
                static_cast<long long>(params.jitter_ms));
    ImGui::TextColored(kDimText,
                       "Right-click the link on the canvas to partition, clog or reset it.");
}

}  // namespace

void draw_inspector(AppState& app) {
    switch (app.selection) {
        case Selection::message:
            inspect_message(app);
            return;
        case Selection::node:
            inspect_node(app);
            return;
        case Selection::link:
            inspect_link(app);
            return;
        case Selection::none:
            break;
    }
    // Nothing selected: the ledger at this instant, and what can be done.
    const auto& events = app.ctl.events();
    if (app.ledger_now_hash != app.ctl.trace_hash() ||
        app.ledger_now_events > app.ctl.events_until_now()) {
        app.ledger_now = sim::Ledger();
        app.ledger_now_events = 0;
        app.ledger_now_hash = app.ctl.trace_hash();
    }
    for (; app.ledger_now_events < app.ctl.events_until_now(); ++app.ledger_now_events)
        app.ledger_now.observe(events[app.ledger_now_events]);
    const sim::Ledger& now = app.ledger_now;
    ImGui::TextColored(ImVec4(1, 0.86f, 0.35f, 1), "Ledger at %s",
                       format_time(app.ctl.now()).c_str());
    ImGui::Text(
        "sent %lld   delivered %lld   dropped %lld   in flight %lld",
        static_cast<long long>(now.sent() + now.forked()), static_cast<long long>(now.delivered()),
        static_cast<long long>(now.dropped_total()), static_cast<long long>(now.in_flight()));
    for (const auto& [reason, count] : now.dropped_by_reason())
        ImGui::BulletText("dropped (%s): %lld", reason.c_str(), static_cast<long long>(count));
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(
        kDimText,
        "Click a message (a dot) to see its frames and its story; click a node for its sockets, "
        "queues and log. Right-click a node or a link to inject a fault: it joins the fault plan "
        "and Scenario > Save as scenario replays it exactly.");
    ImGui::PopTextWrapPos();
}

void draw_app(AppState& app, float width, float height) {
    handle_keys(app);
    draw_menu_bar(app);
    const float top = ImGui::GetFrameHeight();
    const float left_w = std::floor(width * 0.66f);
    const float right_w = width - left_w;
    const float timeline_h = 150;
    const float log_h = std::floor((height - top) * 0.24f);
    const float canvas_h = height - top - timeline_h - log_h;
    const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
    auto place = [](float x, float y, float w, float h) {
        ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_Always);
    };
    place(0, top, left_w, canvas_h);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    if (ImGui::Begin("Topology", nullptr,
                     fixed | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse))
        draw_topology(app);
    ImGui::End();
    ImGui::PopStyleVar();
    place(0, top + canvas_h, left_w, timeline_h);
    if (ImGui::Begin("Time", nullptr, fixed)) draw_timeline(app);
    ImGui::End();
    place(0, top + canvas_h + timeline_h, left_w, log_h);
    // A tab asked for (--tab) is selected once.
    const std::string requested = app.tab_request;
    app.tab_request.clear();
    auto tab_flag = [&](const char* name) {
        return requested == name ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
    };
    if (ImGui::Begin("Events", nullptr, fixed)) {
        if (ImGui::BeginTabBar("bottom")) {
            if (ImGui::BeginTabItem("Sequence chart", nullptr, tab_flag("sequence"))) {
                draw_sequence_chart(app);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Event log", nullptr, tab_flag("log"))) {
                draw_event_log(app);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Plots", nullptr, tab_flag("plots"))) {
                draw_plots(app);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
    }
    ImGui::End();
    const float narration_h = std::floor((height - top) * 0.5f);
    place(left_w, top, right_w, narration_h);
    if (ImGui::Begin("Narration", nullptr, fixed)) draw_narration(app);
    ImGui::End();
    place(left_w, top + narration_h, right_w, height - top - narration_h);
    if (ImGui::Begin("Inspector", nullptr, fixed)) draw_inspector(app);
    ImGui::End();
}

}  // namespace sculpin::gui
