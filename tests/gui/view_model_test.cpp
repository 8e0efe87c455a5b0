#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "cli/scenario_catalog.hpp"
#include "gui/view_model/catalog.hpp"
#include "gui/view_model/controller.hpp"
#include "gui/view_model/fault_recording.hpp"
#include "gui/view_model/flights.hpp"
#include "gui/view_model/layout.hpp"
#include "gui/view_model/picking.hpp"
#include "gui/view_model/png.hpp"
#include "gui/view_model/timeline.hpp"
#include "gui/view_model/topology.hpp"
#include "sim/scenario_runner.hpp"

namespace sculpin::gui {
namespace {

using sim::TraceEvent;
using sim::TraceKind;

sim::Scenario hello_world() {
    std::string error;
    auto s = cli::find_scenario("ch1-hello-world", load_context(), &error);
    EXPECT_TRUE(s) << error;
    return s ? *s : sim::Scenario{};
}

sim::Scenario three_nodes(bool with_positions) {
    sim::Scenario s;
    s.name = "t";
    s.duration_ms = 1000;
    for (const char* n : {"a", "b", "c"}) {
        sim::NodeSpec node;
        node.name = n;
        node.program = "hwserver";
        if (with_positions) node.position = std::array<double, 2>{1, 2};
        s.nodes.push_back(node);
    }
    return s;
}

TEST(Topology, LinksFromEndpointsAndTrace) {
    auto s = three_nodes(false);
    s.nodes[0].params["connect"] = "tcp://b:5555";
    std::vector<TraceEvent> events;
    events.push_back({5, TraceKind::connected, "c", 1, 0, "b", "tcp://b:1", 0});
    events.push_back({6, TraceKind::connected, "c", 1, 0, "nobody", "", 0});
    const auto topo = build_topology(s, events);
    ASSERT_EQ(topo.nodes.size(), 3u);
    ASSERT_EQ(topo.links.size(), 2u);
    EXPECT_EQ(topo.link_index("b", "a"), 0);
    EXPECT_EQ(topo.links[0].endpoint, "tcp://b:5555");
    EXPECT_EQ(topo.link_index("c", "b"), 1);
    EXPECT_EQ(topo.link_index("a", "c"), -1);
}

TEST(Topology, LinkStateFollowsTraceAndFaultPlan) {
    auto s = three_nodes(false);
    sim::FaultSpec cut;
    cut.kind = sim::FaultKind::partition;
    cut.between = {"b", "a"};
    cut.at_ms = 10;
    cut.duration_ms = 5;
    s.faults.push_back(cut);
    std::vector<TraceEvent> events;
    events.push_back({1'000'000, TraceKind::connected, "a", 1, 0, "b", "", 0});
    events.push_back({2'000'000, TraceKind::handshake, "a", 1, 0, "b", "REP", 0});
    events.push_back({20'000'000, TraceKind::disconnected, "a", 1, 0, "b", "reset", 0});
    const TopoLink link{"a", "b", ""};
    EXPECT_FALSE(link_state(s, events, link, 0).connected);
    EXPECT_TRUE(link_state(s, events, link, 1'500'000).connected);
    EXPECT_FALSE(link_state(s, events, link, 1'500'000).handshaken);
    EXPECT_TRUE(link_state(s, events, link, 2'000'000).handshaken);
    EXPECT_TRUE(link_state(s, events, link, 12'000'000).partitioned);
    EXPECT_FALSE(link_state(s, events, link, 15'000'000).partitioned);
    EXPECT_FALSE(link_state(s, events, link, 20'000'000).connected);
}

TEST(Topology, SocketBadges) {
    std::vector<TraceEvent> events;
    events.push_back({0, TraceKind::socket_open, "a", 1, 0, "", "REQ", 0});
    events.push_back({0, TraceKind::connect, "a", 1, 0, "tcp://b:1", "", 0});
    events.push_back({0, TraceKind::socket_open, "a", 2, 0, "", "PUB", 0});
    events.push_back({0, TraceKind::bind, "a", 2, 0, "tcp://*:1", "", 0});
    events.push_back({5, TraceKind::node_crash, "a", 0, 0, "", "", 0});
    auto badges = socket_badges(events, "a", 1);
    ASSERT_EQ(badges.size(), 2u);
    EXPECT_EQ(badges[0].type, "REQ");
    EXPECT_EQ(badges[0].role, "connect");
    EXPECT_EQ(badges[1].role, "bind");
    EXPECT_TRUE(socket_badges(events, "a", 5).empty());
}

TEST(Layout, ScenarioPositionsAreKept) {
    auto s = three_nodes(true);
    auto topo = build_topology(s, {});
    auto_layout(topo, 1);
    EXPECT_EQ(topo.nodes[0].pos[0], 1);
    EXPECT_EQ(topo.nodes[0].pos[1], 2);
}

TEST(Layout, SeededConnectedAndDisconnectedLayoutsAreDeterministicAndSpread) {
    for (bool connected : {true, false}) {
        auto s = three_nodes(false);
        s.nodes[0].params["connect"] = "tcp://b:1";
        if (connected) s.nodes[2].params["connect"] = "tcp://b:1";
        auto t1 = build_topology(s, {});
        auto t2 = t1;
        auto_layout(t1, 7);
        auto_layout(t2, 7);
        for (size_t i = 0; i < 3; ++i) {
            EXPECT_EQ(t1.nodes[i].pos, t2.nodes[i].pos);
            for (size_t j = 0; j < i; ++j) {
                const double dx = t1.nodes[i].pos[0] - t1.nodes[j].pos[0];
                const double dy = t1.nodes[i].pos[1] - t1.nodes[j].pos[1];
                EXPECT_GT(dx * dx + dy * dy, 100.0) << "nodes overlap, connected=" << connected;
            }
        }
    }
}

TEST(Layout, FitKeepsEverythingInsideTheCanvas) {
    auto s = three_nodes(false);
    auto topo = build_topology(s, {});
    topo.nodes[0].pos = {-100, 0};
    topo.nodes[1].pos = {300, 50};
    topo.nodes[2].pos = {0, 400};
    const auto fit = fit_to_canvas(topo, 10, 20, 800, 600, 50, 40);
    for (const auto& n : topo.nodes) {
        const auto p = fit.to_screen(n.pos);
        EXPECT_GE(p[0], 10 + 50 - 1e-6);
        EXPECT_LE(p[0], 810 - 50 + 1e-6);
        EXPECT_GE(p[1], 20 + 40 - 1e-6);
        EXPECT_LE(p[1], 620 - 40 + 1e-6);
        const auto back = fit.to_world(p);
        EXPECT_NEAR(back[0], n.pos[0], 1e-9);
        EXPECT_NEAR(back[1], n.pos[1], 1e-9);
    }
}

TEST(Flights, QueuedThenMovingThenDone) {
    sim::Scenario s = three_nodes(false);
    s.network.defaults.latency_ms = 1;
    std::vector<TraceEvent> events;
    events.push_back({0, TraceKind::socket_open, "a", 1, 0, "", "REQ", 0});
    events.push_back({0, TraceKind::send, "a", 1, 1, "", "Hello", 5});
    events.push_back({5'000'000, TraceKind::deliver, "b", 1, 1, "", "Hello", 5});
    events.push_back({6'000'000, TraceKind::send, "b", 1, 2, "", "World", 5});
    events.push_back({6'000'000, TraceKind::drop, "b", 1, 2, "", "hwm", 0});
    events.push_back({7'000'000, TraceKind::send, "a", 1, 3, "", "Again", 5});
    const auto set = build_flights(s, events);
    ASSERT_EQ(set.flights.size(), 3u);
    const auto& f = set.flights[0];
    EXPECT_EQ(f.from, "a");
    EXPECT_EQ(f.to, "b");
    EXPECT_EQ(f.socket_type, "REQ");
    EXPECT_EQ(f.depart_ns, 4'000'000);
    EXPECT_EQ(flight_position(f, 2'000'000).phase, FlightPhase::queued);
    const auto mid = flight_position(f, 4'500'000);
    EXPECT_EQ(mid.phase, FlightPhase::moving);
    EXPECT_DOUBLE_EQ(mid.fraction, 0.5);
    EXPECT_EQ(flight_position(f, 5'000'000).phase, FlightPhase::done);
    EXPECT_TRUE(set.flights[1].dropped);
    EXPECT_EQ(set.flights[1].reason, "hwm");
    ASSERT_EQ(set.drops.size(), 1u);
    EXPECT_EQ(set.drops[0].node, "b");
    EXPECT_TRUE(set.flights[2].to.empty());  // still held at the end
    EXPECT_EQ(flight_position(set.flights[2], 100'000'000).phase, FlightPhase::queued);
    EXPECT_EQ(visible_flights(set, 4'500'000), std::vector<size_t>{0});
    const auto p = lerp({0, 0}, {10, 20}, 0.25);
    EXPECT_DOUBLE_EQ(p[0], 2.5);
    EXPECT_DOUBLE_EQ(p[1], 5);
}

TEST(Flights, FanOutMakesOneFlightPerCopy) {
    sim::Scenario s = three_nodes(false);
    std::vector<TraceEvent> events;
    events.push_back({0, TraceKind::send, "a", 1, 1, "", "news", 4});
    events.push_back({0, TraceKind::fork, "a", 1, 1, "", "", 1});
    events.push_back({2'000'000, TraceKind::deliver, "b", 1, 1, "", "news", 4});
    events.push_back({3'000'000, TraceKind::deliver, "c", 1, 1, "", "news", 4});
    const auto set = build_flights(s, events);
    ASSERT_EQ(set.flights.size(), 2u);
    EXPECT_EQ(set.flights[0].to, "b");
    EXPECT_EQ(set.flights[1].to, "c");
}

TEST(Picking, MessagesThenNodesThenLinks) {
    std::vector<NodeBox> nodes = {{0, 0, 100, 50}, {300, 0, 400, 50}};
    std::vector<LinkSegment> links = {{{100, 25}, {300, 25}}};
    std::vector<MessageDot> dots = {{{200, 25}, 5}};
    EXPECT_EQ(pick({201, 26}, nodes, links, dots), (Pick{PickKind::message, 0}));
    EXPECT_EQ(pick({150, 29}, nodes, links, dots), (Pick{PickKind::link, 0}));
    EXPECT_EQ(pick({350, 10}, nodes, links, dots), (Pick{PickKind::node, 1}));
    EXPECT_EQ(pick({150, 80}, nodes, links, dots).kind, PickKind::none);
    EXPECT_DOUBLE_EQ(distance_to_segment({50, 10}, {{0, 0}, {100, 0}}), 10.0);
    EXPECT_DOUBLE_EQ(distance_to_segment({-3, 4}, {{0, 0}, {100, 0}}), 5.0);
}

TEST(Timeline, MapsTimeAndParses) {
    TimelineMap map{100, 1100, 0, 10'000'000'000};
    EXPECT_DOUBLE_EQ(map.x_of(5'000'000'000), 600);
    EXPECT_EQ(map.t_of(600), 5'000'000'000);
    EXPECT_EQ(map.t_of(0), 0);
    EXPECT_EQ(map.t_of(5000), 10'000'000'000);
    EXPECT_NEAR(speed_from_slider(-3), 0.001, 1e-12);
    EXPECT_NEAR(speed_from_slider(3), 1000, 1e-9);
    EXPECT_NEAR(slider_from_speed(10), 1, 1e-12);
    EXPECT_EQ(parse_time_ns("2.5s"), 2'500'000'000);
    EXPECT_EQ(parse_time_ns("300ms"), 300'000'000);
    EXPECT_EQ(parse_time_ns("1500"), 1'500'000'000);
    EXPECT_EQ(parse_time_ns("7us"), 7'000);
    EXPECT_EQ(parse_time_ns("12ns"), 12);
    EXPECT_FALSE(parse_time_ns("abc"));
    EXPECT_FALSE(parse_time_ns("-1s"));
    EXPECT_FALSE(parse_time_ns(""));
    EXPECT_EQ(format_time(2'500'000'000), "2.500 s");
    EXPECT_EQ(format_time(1'500'000), "1.500 ms");
}

TEST(FaultRecording, OpensAndClosesFaults) {
    auto s = three_nodes(false);
    EXPECT_EQ(record_fault(s, {FaultAction::pause, "a", "", "", 100}), "");
    EXPECT_NE(record_fault(s, {FaultAction::pause, "a", "", "", 150}), "");
    EXPECT_TRUE(fault_open(s, sim::FaultKind::pause, "a", "", "", 150));
    EXPECT_EQ(record_fault(s, {FaultAction::resume, "a", "", "", 250}), "");
    ASSERT_EQ(s.faults.size(), 1u);
    EXPECT_EQ(s.faults[0].duration_ms, 150);
    EXPECT_NE(record_fault(s, {FaultAction::resume, "a", "", "", 300}), "");
    EXPECT_EQ(record_fault(s, {FaultAction::partition, "", "b", "c", 50}), "");
    EXPECT_EQ(record_fault(s, {FaultAction::heal, "", "c", "b", 50}), "");  // same ms: 1 ms long
    EXPECT_EQ(s.faults[0].kind, sim::FaultKind::partition);                 // kept in time order
    EXPECT_EQ(s.faults[0].duration_ms, 1);
    EXPECT_EQ(record_fault(s, {FaultAction::crash, "c", "", "", 400}), "");
    EXPECT_NE(record_fault(s, {FaultAction::crash, "zz", "", "", 400}), "");
    EXPECT_NE(record_fault(s, {FaultAction::crash, "a", "", "", 5000}), "");
    const auto iv = fault_intervals(s);
    ASSERT_EQ(iv.size(), 3u);
    EXPECT_EQ(iv[1].begin_ms, 100);
    EXPECT_EQ(iv[1].end_ms, 250);
    EXPECT_EQ(iv[1].label, "pause a");
    EXPECT_EQ(iv[2].end_ms, 400);  // instant
}

TEST(Controller, SeekStepAndRewindMatchAFreshRun) {
    Controller ctl(program_lookup());
    ctl.load(hello_world());
    ASSERT_TRUE(ctl.loaded());
    EXPECT_FALSE(ctl.events().empty());
    ctl.seek(2'500'000'000);
    const size_t at_2500 = ctl.events_until_now();
    EXPECT_GT(at_2500, 0u);
    EXPECT_LT(at_2500, ctl.events().size());
    // The live world at 2.5 s traced exactly the reference's first events.
    EXPECT_EQ(ctl.live().trace().events().size(), at_2500);
    const int before = ctl.rebuilds();
    ctl.seek(1'000'000'000);  // back: a fresh world
    EXPECT_EQ(ctl.rebuilds(), before + 1);
    EXPECT_EQ(ctl.live().trace().events().size(), ctl.events_until_now());
    const int64_t t = ctl.now();
    ASSERT_TRUE(ctl.step_event());
    EXPECT_GT(ctl.now(), t);
    ASSERT_TRUE(ctl.step_delivery());
    EXPECT_EQ(ctl.events()[ctl.events_until_now() - 1].time_ns, ctl.now());
    ctl.playing = true;
    ctl.speed = 1000;
    ctl.tick(1.0);
    EXPECT_EQ(ctl.now(), ctl.end());
    EXPECT_FALSE(ctl.playing);
}

TEST(Controller, InjectedFaultsSaveAsAScenarioThatReplaysToTheSameTrace) {
    Controller ctl(program_lookup());
    ctl.load(hello_world());
    const std::string clean_hash = ctl.trace_hash();
    ctl.seek(3'000'000'000);
    ASSERT_EQ(ctl.inject({FaultAction::crash, "server", "", "", 0}), "");
    ctl.seek(4'000'000'000);
    ASSERT_EQ(ctl.inject({FaultAction::restart, "server", "", "", 0}), "");
    ctl.seek(5'000'000'000);
    ASSERT_EQ(ctl.inject({FaultAction::partition, "", "client", "server", 0}), "");
    ctl.seek(6'000'000'000);
    ASSERT_EQ(ctl.inject({FaultAction::heal, "", "client", "server", 0}), "");
    EXPECT_NE(ctl.trace_hash(), clean_hash);
    ASSERT_EQ(ctl.scenario().faults.size(), 3u);
    // The live world (re-run to now with the new plan) agrees with the reference.
    EXPECT_EQ(ctl.live().trace().events().size(), ctl.events_until_now());

    // Save, load back as `sculpin run` would, run headless: same trace hash.
    const std::string json = sim::scenario_to_json(ctl.scenario());
    std::string error;
    auto loaded = sim::load_scenario_text(json, "saved.json", load_context(), &error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(*loaded, ctl.scenario());
    sim::ScenarioRun replay(*loaded, program_lookup());
    replay.run_to_end();
    EXPECT_EQ(replay.simulation().trace().hash().hex(), ctl.trace_hash());
}

TEST(Controller, EveryBuiltInScenarioLoadsAndDraws) {
    // File by file: a scenario being written (which the catalog tests reject) does not hide
    // the others from this test.
    int loaded = 0;
    for (const auto& entry : std::filesystem::directory_iterator(cli::scenario_dir())) {
        if (entry.path().extension() != ".json") continue;
        std::string error;
        auto scenario = sim::load_scenario_file(entry.path().string(), load_context(), &error);
        if (!scenario) {
            std::cout << "not checked (does not load): " << error << "\n";
            continue;
        }
        ++loaded;
        Controller ctl(program_lookup());
        ctl.load(*scenario);
        ctl.seek(ctl.end() / 2);
        auto topo = build_topology(ctl.scenario(), ctl.events());
        auto_layout(topo, scenario->seed);
        EXPECT_EQ(topo.nodes.size(), scenario->nodes.size()) << scenario->name;
        EXPECT_EQ(ctl.live().trace().events().size(), ctl.events_until_now()) << scenario->name;
    }
    EXPECT_GT(loaded, 0);
}

TEST(Png, EncodesAValidImage) {
    EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>("123456789"), 9), 0xcbf43926U);
    std::vector<uint8_t> pixels(300 * 200 * 3);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
    const auto png = encode_png(pixels.data(), 300, 200, 3);
    ASSERT_GT(png.size(), pixels.size());  // stored, not compressed
    EXPECT_EQ(png[1], 'P');
    EXPECT_EQ(png[12], 'I');
    EXPECT_EQ(png[15], 'R');
    // IDAT spans more than one 64 KiB stored block, and the file ends with IEND.
    EXPECT_EQ(std::string(png.end() - 8, png.end() - 4), "IEND");
}

}  // namespace
}  // namespace sculpin::gui

namespace sculpin::gui {
namespace {

TEST(Topology, ReqRepLockstepState) {
    std::vector<sim::TraceEvent> events;
    events.push_back({0, sim::TraceKind::socket_open, "c", 1, 0, "", "REQ", 0});
    events.push_back({1, sim::TraceKind::send, "c", 1, 1, "", "Hello", 5});
    events.push_back({2, sim::TraceKind::deliver, "c", 1, 2, "", "World", 5});
    EXPECT_EQ(socket_badges(events, "c", 1)[0].state, "awaiting reply");
    EXPECT_EQ(socket_badges(events, "c", 2)[0].state, "");
}

}  // namespace
}  // namespace sculpin::gui

namespace sculpin::gui {
namespace {

TEST(Topology, OnePassStatesMatchThePerItemOnes) {
    Controller ctl(program_lookup());
    std::string error;
    auto s = cli::find_scenario("ch1-hello-world", load_context(), &error);
    ASSERT_TRUE(s) << error;
    sim::FaultSpec crash;
    crash.kind = sim::FaultKind::crash;
    crash.node = "server";
    crash.at_ms = 3500;
    s->faults.push_back(crash);
    ctl.load(*s);
    const auto topo = build_topology(ctl.scenario(), ctl.events());
    for (int64_t t :
         {0LL, 2'000'000LL, 4'000'000LL, 1'006'000'072LL, 3'600'000'000LL, 12'000'000'000LL}) {
        const auto badges = all_socket_badges(topo, ctl.events(), t);
        for (size_t i = 0; i < topo.nodes.size(); ++i) {
            const auto one = socket_badges(ctl.events(), topo.nodes[i].name, t);
            ASSERT_EQ(badges[i].size(), one.size());
            for (size_t k = 0; k < one.size(); ++k) {
                EXPECT_EQ(badges[i][k].type, one[k].type);
                EXPECT_EQ(badges[i][k].state, one[k].state);
                EXPECT_EQ(badges[i][k].role, one[k].role);
            }
        }
        const auto links = all_link_states(ctl.scenario(), topo, ctl.events(), t);
        for (size_t i = 0; i < topo.links.size(); ++i) {
            const auto one = link_state(ctl.scenario(), ctl.events(), topo.links[i], t);
            EXPECT_EQ(links[i].connected, one.connected) << t;
            EXPECT_EQ(links[i].handshaken, one.handshaken) << t;
        }
    }
}

}  // namespace
}  // namespace sculpin::gui
