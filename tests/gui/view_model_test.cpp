#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/scenario_catalog.hpp"
#include "gui/view_model/catalog.hpp"
#include "gui/view_model/controller.hpp"
#include "gui/view_model/deflate.hpp"
#include "gui/view_model/fault_recording.hpp"
#include "gui/view_model/flights.hpp"
#include "gui/view_model/layout.hpp"
#include "gui/view_model/picking.hpp"
#include "gui/view_model/png.hpp"
#include "gui/view_model/subscriptions.hpp"
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

// With the wire's encoded/arrived events, a message moves only while it is on the wire
// and then waits at the receiver (a busy server's queue), not at the sender.
TEST(Flights, WireEventsPlaceTheMessageOnTheLinkThenAtTheReceiver) {
    sim::Scenario s = three_nodes(false);
    s.network.defaults.latency_ms = 1;
    std::vector<TraceEvent> events;
    events.push_back({0, TraceKind::send, "a", 1, 1, "", "Hello", 5});
    events.push_back({1'000'000, TraceKind::encoded, "a", 0, 1, "b", "", 0});
    events.push_back({3'000'000, TraceKind::arrived, "b", 0, 1, "a", "", 0});
    events.push_back({9'000'000, TraceKind::deliver, "b", 1, 1, "", "Hello", 5});
    events.push_back({10'000'000, TraceKind::send, "a", 1, 2, "", "Lost", 4});
    events.push_back({11'000'000, TraceKind::encoded, "a", 0, 2, "c", "", 0});
    events.push_back({11'500'000, TraceKind::drop, "", 0, 2, "", "crash", 0});
    const auto set = build_flights(s, events);
    ASSERT_EQ(set.flights.size(), 2u);
    const auto& f = set.flights[0];
    EXPECT_EQ(f.depart_ns, 1'000'000);
    EXPECT_EQ(f.arrive_ns, 3'000'000);
    EXPECT_EQ(flight_position(f, 500'000).phase, FlightPhase::queued);
    const auto mid = flight_position(f, 2'000'000);
    EXPECT_EQ(mid.phase, FlightPhase::moving);
    EXPECT_DOUBLE_EQ(mid.fraction, 0.5);
    EXPECT_EQ(flight_position(f, 5'000'000).phase, FlightPhase::arrived);
    EXPECT_EQ(flight_position(f, 9'000'000).phase, FlightPhase::done);
    EXPECT_EQ(visible_flights(set, 5'000'000), std::vector<size_t>{0});
    // Lost with its connection: drawn on the way to c, the drop marked at c.
    const auto& lost = set.flights[1];
    EXPECT_EQ(lost.to, "c");
    EXPECT_TRUE(lost.dropped);
    EXPECT_EQ(flight_position(lost, 11'200'000).phase, FlightPhase::moving);
    ASSERT_EQ(set.drops.size(), 1u);
    EXPECT_EQ(set.drops[0].node, "c");
    EXPECT_EQ(set.drops[0].reason, "crash");
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

// What issue 12 asks a learner to do, through the command API the right-click menu uses:
// crash the Lazy Pirate server while it works, restart it, see the client retry and
// resume. The session saves as a scenario that replays to the same trace hash, and that
// hash is the one of the built-in scenario whose fault plan does the same.
TEST(Controller, LazyPirateCrashAndRestartByHandReplaysAsTheFaultPlanScenario) {
    std::string error;
    auto planned = cli::find_scenario("ch4-lazy-pirate-server-crash", load_context(), &error);
    ASSERT_TRUE(planned) << error;
    ASSERT_EQ(planned->faults.size(), 2u);
    sim::Scenario by_hand = *planned;
    by_hand.faults.clear();

    Controller planned_ctl(program_lookup());
    planned_ctl.load(*planned);
    Controller ctl(program_lookup());
    ctl.load(by_hand);
    const std::string clean_hash = ctl.trace_hash();
    ctl.seek(planned->faults[0].at_ms * sim::kNsPerMs);
    ASSERT_EQ(ctl.inject({FaultAction::crash, "server", "", "", 0}), "");
    ctl.seek(planned->faults[1].at_ms * sim::kNsPerMs);
    ASSERT_EQ(ctl.inject({FaultAction::restart, "server", "", "", 0}), "");
    EXPECT_NE(ctl.trace_hash(), clean_hash);
    EXPECT_EQ(ctl.trace_hash(), planned_ctl.trace_hash());

    // The client's retry and its resumption are in the trace the canvas draws.
    int retries = 0, replies_after_restart = 0;
    for (const auto& e : ctl.events()) {
        if (e.node != "client" || e.kind != TraceKind::mark) continue;
        if (e.detail.rfind("retry", 0) == 0) ++retries;
        if (e.detail.rfind("reply", 0) == 0 && e.time_ns > planned->faults[1].at_ms * sim::kNsPerMs)
            ++replies_after_restart;
    }
    EXPECT_GE(retries, 1);
    EXPECT_GE(replies_after_restart, 1);

    const std::string json = sim::scenario_to_json(ctl.scenario());
    auto loaded = sim::load_scenario_text(json, "session.json", load_context(), &error);
    ASSERT_TRUE(loaded) << error;
    sim::ScenarioRun replay(*loaded, program_lookup());
    replay.run_to_end();
    EXPECT_EQ(replay.simulation().trace().hash().hex(), ctl.trace_hash());
}

// The inspector's frames come from re-running to the send: the real bytes, every frame.
TEST(Controller, FramesOfAMessageAreTheOnesItsProgramSent) {
    Controller ctl(program_lookup());
    ctl.load(hello_world());
    const sim::TraceEvent* send = nullptr;
    for (const auto& e : ctl.events())
        if (e.kind == TraceKind::send && e.node == "client") {
            send = &e;
            break;
        }
    ASSERT_NE(send, nullptr);
    const auto& frames = ctl.frames_of(send->message);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], "Hello");
    EXPECT_TRUE(ctl.frames_of(999'999'999).empty());
}

// Every message that crossed a tcp link in a real run left its sender (encoded) before it
// reached the receiver (arrived), and arrived no later than it was delivered: what lets
// the canvas draw it on the link, then in the receiver's queue.
TEST(Controller, WireEventsOrderSendEncodedArrivedDeliver) {
    std::string error;
    auto s = cli::find_scenario("ch4-lazy-pirate", load_context(), &error);
    ASSERT_TRUE(s) << error;
    Controller ctl(program_lookup());
    ctl.load(*s);
    size_t with_hop = 0;
    for (const auto& f : ctl.flights().flights) {
        if (f.dropped || f.end_ns == kNever || f.to == f.from) continue;
        ASSERT_NE(f.arrive_ns, kNever) << "message " << f.message << " has no arrival";
        EXPECT_LE(f.send_ns, f.depart_ns);
        EXPECT_LT(f.depart_ns, f.arrive_ns);  // the link has 1 ms of latency
        EXPECT_LE(f.arrive_ns, f.end_ns);
        ++with_hop;
    }
    EXPECT_GT(with_hop, 10u);
}

// HWM gauges read each pipe's limits from the live world.
TEST(Controller, SocketViewsCarryTheirPipesHighWaterMarks) {
    std::string error;
    auto s = cli::find_scenario("ch2-high-water-marks-push", load_context(), &error);
    ASSERT_TRUE(s) << error;
    Controller ctl(program_lookup());
    ctl.load(*s);
    ctl.seek(500 * sim::kNsPerMs);  // the pusher is blocked on its full pipe (it exits at ~1 s)
    bool saw_limit = false, saw_full = false;
    for (const auto& [name, node] : ctl.live().nodes()) {
        if (!node->alive()) continue;
        for (const auto& sock : node->sockets_view())
            for (const auto& pipe : sock.pipes) {
                EXPECT_FALSE(pipe.peer.empty());
                EXPECT_EQ(pipe.peer.find(':'), std::string::npos) << pipe.peer;
                if (name == "pusher" && pipe.outbound_hwm > 0) {
                    saw_limit = true;
                    EXPECT_LE(pipe.outbound, pipe.outbound_hwm);
                    saw_full = saw_full || pipe.outbound * 2 >= pipe.outbound_hwm;
                }
            }
    }
    EXPECT_TRUE(saw_limit);
    EXPECT_TRUE(saw_full) << "the pusher blocks on a full pipe in this scenario";
}

TEST(Subscriptions, FollowSubscribeCancelAndDisconnect) {
    std::vector<TraceEvent> events;
    events.push_back({1, TraceKind::subscribed, "pub", 1, 0, "sub-a", "subscribe \"A\"", 0});
    events.push_back(
        {2, TraceKind::subscribed, "pub", 1, 0, "tcp://sub-b:5556", "subscribe \"\"", 0});
    events.push_back({3, TraceKind::subscribed, "pub", 1, 0, "sub-a", "subscribe \"B\"", 0});
    events.push_back({4, TraceKind::subscribed, "pub", 1, 0, "sub-a", "cancel \"A\"", 0});
    events.push_back({5, TraceKind::disconnected, "pub", 1, 0, "sub-b", "disconnected", 0});
    auto at3 = subscriptions_at(events, 3);
    const auto& a = at3[std::make_pair("pub", "sub-a")];
    const auto& b = at3[std::make_pair("pub", "sub-b")];
    EXPECT_EQ(a, (std::set<std::string>{"\"A\"", "\"B\""}));
    EXPECT_EQ(b, (std::set<std::string>{"\"\""}));
    EXPECT_EQ(topics_label(b, 20), "all");
    EXPECT_EQ(topics_label(a, 5), "\"A\" +1 more");
    SubscriptionTracker tracker;
    EXPECT_EQ(tracker.at(events, 5).size(), 1u);  // sub-b went with its connection
    const auto key = std::make_pair(std::string("pub"), std::string("sub-a"));
    EXPECT_EQ(tracker.at(events, 5).at(key), std::set<std::string>{"\"B\""});
    EXPECT_EQ(tracker.at(events, 1).at(key), std::set<std::string>{"\"A\""});
    EXPECT_EQ(host_of("tcp://server:5555"), "server");
    EXPECT_EQ(host_of("server"), "server");
}

// A real publisher's subscriptions reach the view.
TEST(Subscriptions, WeatherClientsZipcodeIsSubscribedAtTheServer) {
    std::string error;
    auto s = cli::find_scenario("ch1-weather-updates", load_context(), &error);
    ASSERT_TRUE(s) << error;
    Controller ctl(program_lookup());
    ctl.load(*s);
    // The client subscribes at ~5 ms and leaves at ~18 ms.
    const auto subs = subscriptions_at(ctl.events(), 10 * sim::kNsPerMs);
    auto it = subs.find({"server", "client"});
    ASSERT_NE(it, subs.end());
    EXPECT_EQ(it->second, std::set<std::string>{"\"10001 \""});
    EXPECT_TRUE(subscriptions_at(ctl.events(), ctl.end()).empty());  // gone with the client
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
    EXPECT_EQ(adler32(reinterpret_cast<const uint8_t*>("Wikipedia"), 9), 0x11e60398U);
    // A screenshot-like picture: flat areas, a gradient, some noise.
    const int w = 300, h = 200;
    std::vector<uint8_t> pixels(static_cast<size_t>(w * h * 3));
    uint32_t noise = 12345;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = &pixels[static_cast<size_t>((y * w + x) * 3)];
            noise = noise * 1103515245U + 12345U;
            p[0] = static_cast<uint8_t>(x < 150 ? 30 : x);
            p[1] = static_cast<uint8_t>(y < 100 ? 40 : (noise >> 16));
            p[2] = 200;
        }
    const auto png = encode_png(pixels.data(), w, h, 3);
    EXPECT_LT(png.size(), pixels.size() / 2);  // compressed
    EXPECT_EQ(png[1], 'P');
    EXPECT_EQ(png[12], 'I');
    EXPECT_EQ(png[15], 'R');
    EXPECT_EQ(std::string(png.end() - 8, png.end() - 4), "IEND");

    // Python's zlib (an independent inflater) must give back the scanlines exactly.
    const auto dir =
        std::filesystem::temp_directory_path() / ("sculpin-png-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto png_path = (dir / "x.png").string(), raw_path = (dir / "x.raw").string();
    ASSERT_TRUE(write_png(png_path, pixels.data(), w, h, 3));
    {
        std::ofstream raw(raw_path, std::ios::binary);
        for (int y = 0; y < h; ++y) {
            raw.put(0);
            raw.write(reinterpret_cast<const char*>(&pixels[static_cast<size_t>(y * w * 3)]),
                      w * 3);
        }
    }
    const std::string script =
        "import sys,zlib,struct\n"
        "d=open(sys.argv[1],'rb').read()\n"
        "i=8;z=b''\n"
        "while i<len(d):\n"
        " n=struct.unpack('>I',d[i:i+4])[0];t=d[i+4:i+8]\n"
        " if t==b'IDAT':z+=d[i+8:i+8+n]\n"
        " i+=12+n\n"
        "sys.exit(0 if zlib.decompress(z)==open(sys.argv[2],'rb').read() else 3)\n";
    const auto script_path = (dir / "check.py").string();
    std::ofstream(script_path) << script;
    const int status =
        std::system(("python3 " + script_path + " " + png_path + " " + raw_path).c_str());
    std::filesystem::remove_all(dir);
    EXPECT_EQ(status, 0) << "python3's zlib does not inflate our PNG to the same scanlines";
}

// Long runs and matches at the far end of the window round-trip too.
TEST(Png, DeflateHandlesRunsAndFarMatches) {
    std::vector<uint8_t> data(200'000, 7);
    for (size_t i = 70'000; i < 100'000; ++i) data[i] = static_cast<uint8_t>(i * 31 / 7);
    for (size_t i = 100'000; i < 130'000; ++i) data[i] = data[i - 32'000];
    const auto z = zlib_compress(data.data(), data.size());
    EXPECT_LT(z.size(), data.size() / 4);
    const auto dir =
        std::filesystem::temp_directory_path() / ("sculpin-deflate-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto z_path = (dir / "x.z").string(), raw_path = (dir / "x.raw").string();
    std::ofstream(z_path, std::ios::binary)
        .write(reinterpret_cast<const char*>(z.data()), static_cast<std::streamsize>(z.size()));
    std::ofstream(raw_path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
    const int status = std::system(("python3 -c \"import sys,zlib; sys.exit(0 if "
                                    "zlib.decompress(open(sys.argv[1],'rb').read())=="
                                    "open(sys.argv[2],'rb').read() else 3)\" " +
                                    z_path + " " + raw_path)
                                       .c_str());
    std::filesystem::remove_all(dir);
    EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace sculpin::gui

namespace sculpin::gui {
namespace {

// The canvas folds the trace forward frame by frame; it must agree with the one-pass
// functions at every time, also after going back.
TEST(Topology, TraceFoldMatchesTheOnePassStates) {
    std::string error;
    auto s = cli::find_scenario("ch4-lazy-pirate-server-crash", load_context(), &error);
    ASSERT_TRUE(s) << error;
    Controller ctl(program_lookup());
    ctl.load(*s);
    const auto topo = build_topology(ctl.scenario(), ctl.events());
    TraceFold fold;
    auto same_at = [&](int64_t t) {
        ctl.seek(t);
        fold.advance(topo, ctl.events(), ctl.events_until_now());
        const auto badges = all_socket_badges(topo, ctl.events(), t);
        const auto folded = fold.badges();
        ASSERT_EQ(folded.size(), badges.size());
        for (size_t i = 0; i < badges.size(); ++i) {
            ASSERT_EQ(folded[i].size(), badges[i].size()) << t;
            for (size_t k = 0; k < badges[i].size(); ++k) {
                EXPECT_EQ(folded[i][k].type, badges[i][k].type) << t;
                EXPECT_EQ(folded[i][k].state, badges[i][k].state) << t;
                EXPECT_EQ(folded[i][k].closed, badges[i][k].closed) << t;
            }
        }
        const auto links = all_link_states(ctl.scenario(), topo, ctl.events(), t);
        const auto folded_links = fold.link_states(ctl.scenario(), topo, t);
        ASSERT_EQ(folded_links.size(), links.size());
        for (size_t i = 0; i < links.size(); ++i) {
            EXPECT_EQ(folded_links[i].connected, links[i].connected) << t;
            EXPECT_EQ(folded_links[i].handshaken, links[i].handshaken) << t;
            EXPECT_EQ(folded_links[i].down_reason, links[i].down_reason) << t;
        }
        int drops = 0;
        for (size_t i = 0; i < ctl.events_until_now(); ++i)
            if (ctl.events()[i].kind == TraceKind::drop && ctl.events()[i].node == "server")
                ++drops;
        EXPECT_EQ(fold.drops_at(static_cast<size_t>(topo.node_index("server"))), drops) << t;
    };
    for (int64_t ms : {0, 600, 1200, 2600, 3000, 4700, 5600, 7000, 15000, 3000, 9000})
        same_at(ms * sim::kNsPerMs);
}

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
