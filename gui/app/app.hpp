// The GUI's windows, as plain functions over one plain AppState (Dear ImGui demo style).
// Everything shown comes from the Controller (the trace and the live simulation); every
// action goes back through it. Nothing here keeps simulation state of its own.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gui/view_model/controller.hpp"
#include "gui/view_model/layout.hpp"
#include "gui/view_model/picking.hpp"
#include "gui/view_model/subscriptions.hpp"
#include "gui/view_model/topology.hpp"
#include "sim/ledger.hpp"

struct ImFont;

namespace sculpin::gui {

enum class Selection { none, node, link, message };

struct AppState {
    explicit AppState(sim::ProgramLookup programs) : ctl(std::move(programs)) {}

    Controller ctl;
    std::vector<sim::Scenario> catalog;
    std::string catalog_error;

    Topology topo;
    std::string topo_hash;  // the trace it was built from
    CanvasFit fit;
    bool fit_valid = false;
    float fit_w = 0, fit_h = 0;

    Selection selection = Selection::none;
    std::string selected_node;
    int selected_link = -1;
    size_t selected_flight = 0;
    uint64_t selected_message = 0;
    int dragging_node = -1;

    // Per flight: sender node index and link index in topo (-1: none), per trace.
    std::vector<int> flight_from, flight_link;
    std::string flight_cache_hash;

    // The timeline's event ticks (rank and colour per pixel column), for this trace and width.
    std::vector<int> tick_rank;
    std::vector<uint32_t> tick_colour;
    std::string ticks_hash;
    int ticks_columns = 0;
    int64_t ticks_end = 0;

    // Socket badges, link states, last deliveries and drops, folded over the trace.
    TraceFold fold;
    std::string fold_hash;

    // Topics subscribed per (publisher, subscriber), for the trace of subscriptions_hash.
    SubscriptionTracker subscriptions;
    std::string subscriptions_hash;

    // Geometry drawn this frame, for picking.
    std::vector<NodeBox> boxes;
    std::vector<LinkSegment> segments;
    std::vector<MessageDot> dots;
    std::vector<size_t> dot_flights;

    // Right-click targets.
    std::string menu_node;
    int menu_link = -1;
    int slow_delay_ms = 200;

    // Event log.
    char log_filter[128] = "";
    bool log_show_wire = false;
    bool log_show_logs = true;
    bool log_follow = true;
    size_t log_last_count = 0;

    char until_text[32] = "1s";
    char save_path[512] = "";
    bool open_save_popup = false;
    std::string status;  // one line at the bottom of the timeline
    int last_narration = -1;

    // Screenshot requested from the menu or F12 (taken by main after the frame is drawn).
    std::string screenshot_request;

    // Where some widgets were drawn last (screen rectangle x0, y0, x1, y1), by name: what an
    // end-to-end test needs to click them ("Crash", "Run until", ...). See --ui-json.
    std::map<std::string, std::array<float, 4>> widget_rects;

    ImFont* mono = nullptr;
    std::string tab_request;  // "sequence", "log" or "plots": select that tab once

    // The ledger up to now, for the inspector (advanced incrementally, rebuilt on rewind).
    sim::Ledger ledger_now;
    size_t ledger_now_events = 0;
    std::string ledger_now_hash;
};

void load_scenario(AppState& app, const sim::Scenario& scenario);

// Records the rectangle of the last widget under `name` in app.widget_rects.
void note_widget(AppState& app, const std::string& name);
// The menu's "Screenshot" (and F12): asks main to save the next frame to a PNG named after
// the scenario and the virtual time, in the working directory. Returns the file name.
std::string request_screenshot(AppState& app);

// All windows, laid out over a display of width x height.
void draw_app(AppState& app, float width, float height);

// The windows themselves.
void draw_menu_bar(AppState& app);
void draw_topology(AppState& app);
void draw_timeline(AppState& app);
void draw_narration(AppState& app);
void draw_event_log(AppState& app);
void draw_sequence_chart(AppState& app);
void draw_plots(AppState& app);
void draw_inspector(AppState& app);
void handle_keys(AppState& app);

// Colours shared by the canvas and the panels (ImU32, RGBA).
uint32_t socket_colour(const std::string& socket_type);
uint32_t event_colour(sim::TraceKind kind);

}  // namespace sculpin::gui
