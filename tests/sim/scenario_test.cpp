#include "sim/scenario.hpp"

#include <gtest/gtest.h>

// Designated initializers leave the other fields at their defaults on purpose; GCC 12
// warns about that under -Wextra.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sculpin::sim {
namespace {

LoadContext context() {
    LoadContext ctx;
    ctx.programs = {"hwclient", "hwserver", "lpclient"};
    ctx.checkers = {"lazy-pirate"};
    return ctx;
}

const char* kFull = R"({
  "name": "ch1-hello-world",
  "title": "Hello world",
  "chapter": 1,
  "section": "Ask and Ye Shall Receive",
  "summary": "REQ and REP in lockstep.",
  "seed": 7,
  "duration_ms": 15000,
  "network": {
    "latency_ms": 2, "jitter_ms": 1, "bandwidth_bytes_per_s": 1000000,
    "links": [{"between": ["client", "server"], "latency_ms": 5}]
  },
  "nodes": [
    {"name": "server", "program": "hwserver",
     "params": {"bind": "tcp://*:5555", "replies": 10, "verbose": true, "work_s": 0.5},
     "position": [200, 100.5]},
    {"name": "client", "program": "hwclient",
     "params": {"server": "tcp://server:5555"}, "start_ms": 100}
  ],
  "faults": [
    {"at_ms": 3000, "kind": "crash", "node": "server"},
    {"at_ms": 6000, "kind": "restart", "node": "server"},
    {"at_ms": 1000, "kind": "pause", "node": "client", "duration_ms": 2000},
    {"at_ms": 1000, "kind": "slow", "node": "client", "delay_ms": 5},
    {"at_ms": 7000, "kind": "partition", "between": ["client", "server"], "one_way": true,
     "duration_ms": 2000},
    {"at_ms": 9000, "kind": "clog", "between": ["server", "client"], "duration_ms": 500},
    {"at_ms": 9500, "kind": "reset", "between": ["client", "server"]}
  ],
  "expectations": [
    {"kind": "ledger_balanced"},
    {"kind": "log_contains", "node": "client", "text": "World"},
    {"kind": "log_count", "node": "client", "text": "World", "min": 10, "max": 10},
    {"kind": "delivered", "from": "server", "to": "client", "min": 10},
    {"kind": "drops", "reason": "hwm", "max": 0, "node": "server"},
    {"kind": "drops", "reason": "no_peer", "min": 1, "max": null},
    {"kind": "alive", "node": "server"},
    {"kind": "exited", "node": "client"},
    {"kind": "checker", "name": "lazy-pirate"}
  ],
  "narration": [
    {"at_ms": 0, "text": "The server binds; the client connects."},
    {"on": {"kind": "mark", "node": "client", "detail_contains": "timeout"},
     "text": "{node} timed out at {t}", "once": false},
    {"on": {"kind": "drop", "peer": "client"}, "text": "dropped so far: {dropped:hwm}"}
  ]
})";

std::string load_error(const std::string& text) {
    std::string error;
    auto scenario = load_scenario_text(text, "scenarios/x.json", context(), &error);
    EXPECT_FALSE(scenario.has_value()) << "loaded unexpectedly";
    return error;
}

// Replaces the first occurrence of `from` in kFull, so each error test is one edit away
// from a valid file.
std::string edited(const std::string& from, const std::string& to) {
    std::string text = kFull;
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

TEST(ScenarioLoad, FullFileLoadsEveryField) {
    std::string error;
    auto s = load_scenario_text(kFull, "x.json", context(), &error);
    ASSERT_TRUE(s.has_value()) << error;
    EXPECT_EQ(s->name, "ch1-hello-world");
    EXPECT_EQ(s->title, "Hello world");
    EXPECT_EQ(s->chapter, 1);
    EXPECT_EQ(s->section, "Ask and Ye Shall Receive");
    EXPECT_EQ(s->seed, 7u);
    EXPECT_EQ(s->duration_ms, 15000);
    EXPECT_EQ(s->network.defaults.latency_ms, 2);
    EXPECT_EQ(s->network.defaults.bandwidth_bytes_per_s, 1000000);
    auto link = s->network.link_between("server", "client");
    EXPECT_EQ(link.latency_ms, 5);
    EXPECT_EQ(link.jitter_ms, 1);  // inherited
    EXPECT_EQ(s->network.link_between("client", "client").latency_ms, 2);

    ASSERT_EQ(s->nodes.size(), 2u);
    const NodeSpec& server = s->nodes[0];
    EXPECT_EQ(server.program, "hwserver");
    EXPECT_EQ(server.params.at("bind"), "tcp://*:5555");
    EXPECT_EQ(server.params.at("replies"), "10");
    EXPECT_EQ(server.params.at("verbose"), "true");
    EXPECT_EQ(server.params.at("work_s"), "0.5");
    ASSERT_TRUE(server.position.has_value());
    EXPECT_EQ((*server.position)[1], 100.5);
    EXPECT_EQ(s->find_node("client")->start_ms, 100);
    EXPECT_EQ(s->find_node("nobody"), nullptr);

    ASSERT_EQ(s->faults.size(), 7u);
    EXPECT_EQ(s->faults[0].kind, FaultKind::crash);
    EXPECT_EQ(s->faults[2].duration_ms, 2000);
    EXPECT_EQ(s->faults[3].delay_ms, 5);
    EXPECT_FALSE(s->faults[3].duration_ms.has_value());
    EXPECT_TRUE(s->faults[4].one_way);
    EXPECT_EQ(s->faults[4].between[0], "client");
    EXPECT_EQ(s->faults[6].kind, FaultKind::reset);

    ASSERT_EQ(s->expectations.size(), 9u);
    EXPECT_EQ(s->expectations[3].kind, ExpectationKind::delivered);
    EXPECT_EQ(s->expectations[3].min, 10);
    EXPECT_FALSE(s->expectations[3].max.has_value());
    EXPECT_FALSE(s->expectations[5].max.has_value());  // null = unbounded

    ASSERT_EQ(s->narration.size(), 3u);
    EXPECT_EQ(s->narration[0].at_ms, 0);
    ASSERT_TRUE(s->narration[1].on.has_value());
    EXPECT_EQ(s->narration[1].on->kind, TraceKind::mark);
    EXPECT_FALSE(s->narration[1].once);
    EXPECT_TRUE(s->narration[2].once);  // the default
}

TEST(ScenarioLoad, MinimalFileGetsDefaults) {
    std::string error;
    auto s = load_scenario_text(R"({"name": "a", "title": "A", "chapter": 2, "section": "S",
        "duration_ms": 10, "nodes": [{"name": "n", "program": "hwserver"}]})",
                                "a.json", context(), &error);
    ASSERT_TRUE(s.has_value()) << error;
    EXPECT_EQ(s->seed, 1u);
    EXPECT_EQ(s->network.defaults, LinkParams{});
    EXPECT_EQ(s->network.defaults.latency_ms, 1);
    EXPECT_EQ(s->network.defaults.bandwidth_bytes_per_s, 125'000'000);
    EXPECT_TRUE(s->faults.empty());
    EXPECT_EQ(s->nodes[0].start_ms, 0);
    EXPECT_FALSE(s->nodes[0].position.has_value());
}

TEST(ScenarioLoad, UnknownProgramListsKnownOnes) {
    EXPECT_EQ(load_error(edited("\"program\": \"hwclient\"", "\"program\": \"hwservr\"")),
              "scenarios/x.json: $.nodes[1].program: unknown program \"hwservr\" (known: "
              "hwclient, hwserver, lpclient)");
}

TEST(ScenarioLoad, DanglingNodeReference) {
    EXPECT_EQ(load_error(edited("\"kind\": \"crash\", \"node\": \"server\"",
                                "\"kind\": \"crash\", \"node\": \"srv\"")),
              "scenarios/x.json: $.faults[0].node: no node named \"srv\" (nodes: client, "
              "server)");
    EXPECT_EQ(load_error(edited("\"from\": \"server\"", "\"from\": \"sever\"")),
              "scenarios/x.json: $.expectations[3].from: no node named \"sever\" (nodes: "
              "client, server)");
    EXPECT_EQ(load_error(edited("\"node\": \"client\", \"detail_contains\"",
                                "\"node\": \"clnt\", \"detail_contains\"")),
              "scenarios/x.json: $.narration[1].on.node: no node named \"clnt\" (nodes: "
              "client, server)");
}

TEST(ScenarioLoad, WrongTypes) {
    EXPECT_EQ(load_error(edited("\"duration_ms\": 15000", "\"duration_ms\": \"ten\"")),
              "scenarios/x.json: $.duration_ms: expected a positive integer, got \"ten\"");
    EXPECT_EQ(load_error(edited("\"duration_ms\": 15000", "\"duration_ms\": 0")),
              "scenarios/x.json: $.duration_ms: expected a positive integer, got 0");
    EXPECT_EQ(load_error(edited("\"at_ms\": 3000", "\"at_ms\": -1")),
              "scenarios/x.json: $.faults[0].at_ms: expected an integer >= 0, got -1");
    EXPECT_EQ(load_error(edited("\"at_ms\": 3000", "\"at_ms\": 2.5")),
              "scenarios/x.json: $.faults[0].at_ms: expected an integer >= 0, got 2.5");
    EXPECT_EQ(load_error(edited("\"replies\": 10", "\"replies\": [10]")),
              "scenarios/x.json: $.nodes[0].params.replies: expected a string, number or "
              "boolean, got an array");
    EXPECT_EQ(load_error(edited("\"one_way\": true", "\"one_way\": \"yes\"")),
              "scenarios/x.json: $.faults[4].one_way: expected true or false, got \"yes\"");
    EXPECT_EQ(load_error(edited("\"chapter\": 1", "\"chapter\": 9")),
              "scenarios/x.json: $.chapter: expected a chapter number from 1 to 8, got 9");
    EXPECT_EQ(load_error(edited("\"position\": [200, 100.5]", "\"position\": [200]")),
              "scenarios/x.json: $.nodes[0].position: expected [x, y] (two numbers), got [200]");
    EXPECT_EQ(load_error("[1, 2]"), "scenarios/x.json: $: expected an object, got an array");
}

TEST(ScenarioLoad, UnknownKeysNameTheAllowedOnes) {
    EXPECT_EQ(load_error(edited("\"seed\": 7", "\"sede\": 7")),
              "scenarios/x.json: $: unknown key \"sede\" (allowed: name, title, chapter, "
              "section, summary, seed, duration_ms, network, nodes, faults, expectations, "
              "narration)");
    EXPECT_EQ(load_error(edited("\"start_ms\": 100", "\"start\": 100")),
              "scenarios/x.json: $.nodes[1]: unknown key \"start\" (allowed: name, program, "
              "params, start_ms, position)");
    // Keys allowed depend on the fault kind: a crash has no duration.
    EXPECT_EQ(load_error(edited("\"kind\": \"crash\", \"node\": \"server\"",
                                "\"kind\": \"crash\", \"node\": \"server\", \"duration_ms\": 5")),
              "scenarios/x.json: $.faults[0]: unknown key \"duration_ms\" (allowed: at_ms, "
              "kind, node)");
    EXPECT_EQ(load_error(edited("\"latency_ms\": 5}", "\"latency\": 5}")),
              "scenarios/x.json: $.network.links[0]: unknown key \"latency\" (allowed: "
              "between, latency_ms, jitter_ms, bandwidth_bytes_per_s)");
}

TEST(ScenarioLoad, MissingKeys) {
    EXPECT_EQ(load_error(edited("\"title\": \"Hello world\",", "")),
              "scenarios/x.json: $: missing required key \"title\"");
    EXPECT_EQ(load_error(edited(", \"delay_ms\": 5", "")),
              "scenarios/x.json: $.faults[3]: missing required key \"delay_ms\"");
}

TEST(ScenarioLoad, UnknownKinds) {
    EXPECT_EQ(load_error(edited("\"kind\": \"crash\"", "\"kind\": \"explode\"")),
              "scenarios/x.json: $.faults[0].kind: unknown fault kind \"explode\" (known: "
              "crash, restart, pause, slow, partition, clog, reset)");
    EXPECT_EQ(load_error(edited("\"kind\": \"ledger_balanced\"", "\"kind\": \"balanced\"")),
              "scenarios/x.json: $.expectations[0].kind: unknown expectation kind \"balanced\" "
              "(known: ledger_balanced, log_contains, log_count, delivered, drops, alive, "
              "exited, checker)");
    EXPECT_EQ(load_error(edited("\"name\": \"lazy-pirate\"", "\"name\": \"lazy\"")),
              "scenarios/x.json: $.expectations[8].name: unknown checker \"lazy\" (known: "
              "lazy-pirate)");
    std::string error = load_error(edited("\"kind\": \"mark\"", "\"kind\": \"marks\""));
    EXPECT_EQ(error.rfind("scenarios/x.json: $.narration[1].on.kind: unknown trace event kind "
                          "\"marks\" (known: ",
                          0),
              0u)
        << error;
}

TEST(ScenarioLoad, NodeNames) {
    EXPECT_EQ(load_error(edited("\"name\": \"client\"", "\"name\": \"server\"")),
              "scenarios/x.json: $.nodes[1].name: duplicate node name \"server\" (also "
              "$.nodes[0].name)");
    EXPECT_EQ(load_error(edited("\"name\": \"server\"", "\"name\": \"Server_1\"")),
              "scenarios/x.json: $.nodes[0].name: expected a node name ([a-z0-9-]+), got "
              "\"Server_1\"");
    EXPECT_EQ(load_error(edited("\"nodes\": [", "\"nodes\": [], \"x\": [")),
              "scenarios/x.json: $: unknown key \"x\" (allowed: name, title, chapter, section, "
              "summary, seed, duration_ms, network, nodes, faults, expectations, narration)");
}

TEST(ScenarioLoad, Endpoints) {
    EXPECT_EQ(load_error(edited("tcp://server:5555", "tcp://srv:5555")),
              "scenarios/x.json: $.nodes[1].params.server: endpoint \"tcp://srv:5555\" names no "
              "node \"srv\" (nodes: client, server)");
    EXPECT_EQ(load_error(edited("tcp://server:5555", "tcp://server")),
              "scenarios/x.json: $.nodes[1].params.server: endpoint \"tcp://server\": expected "
              "tcp://NODE:PORT");
    // Several endpoints in one value are each checked.
    EXPECT_EQ(load_error(edited("tcp://server:5555", "tcp://server:5555,tcp://other:1")),
              "scenarios/x.json: $.nodes[1].params.server: endpoint \"tcp://other:1\" names no "
              "node \"other\" (nodes: client, server)");
}

TEST(ScenarioLoad, PairsAndBounds) {
    EXPECT_EQ(load_error(edited("\"between\": [\"client\", \"server\"], \"one_way\"",
                                "\"between\": [\"client\", \"client\"], \"one_way\"")),
              "scenarios/x.json: $.faults[4].between: expected two different nodes, got "
              "\"client\" twice");
    EXPECT_EQ(
        load_error(edited("\"between\": [\"server\", \"client\"]", "\"between\": [\"server\"]")),
        "scenarios/x.json: $.faults[5].between: expected two node names, got "
        "[\"server\"]");
    EXPECT_EQ(load_error(edited("\"min\": 10, \"max\": 10", "\"min\": 11, \"max\": 10")),
              "scenarios/x.json: $.expectations[2]: min 11 is greater than max 10");
    EXPECT_EQ(load_error(edited("\"min\": 10, \"max\": 10", "\"max\": null")),
              "scenarios/x.json: $.expectations[2]: expected at least one of \"min\" and "
              "\"max\"");
    EXPECT_EQ(load_error(edited("\"at_ms\": 9500", "\"at_ms\": 15001")),
              "scenarios/x.json: $.faults[6].at_ms: 15001 is after the end of the run "
              "(duration_ms 15000)");
    EXPECT_EQ(load_error(edited("\"links\": [{\"between\": [\"client\", \"server\"], "
                                "\"latency_ms\": 5}]",
                                "\"links\": [{\"between\": [\"client\", \"server\"]}, "
                                "{\"between\": [\"server\", \"client\"]}]")),
              "scenarios/x.json: $.network.links[1].between: link between \"client\" and "
              "\"server\" is already given at $.network.links[0]");
}

TEST(ScenarioLoad, Narration) {
    EXPECT_EQ(load_error(edited("{\"at_ms\": 0, \"text\"",
                                "{\"at_ms\": 0, \"on\": {\"kind\": \"log\"}, \"text\"")),
              "scenarios/x.json: $.narration[0]: expected exactly one of \"at_ms\" (a timed "
              "line) and \"on\" (a triggered line)");
    EXPECT_EQ(load_error(edited("{node} timed out", "{nod} timed out")),
              "scenarios/x.json: $.narration[1].text: unknown placeholder {nod} (known: {t} {n} "
              "{node} {peer} {detail} {value} {sent} {delivered} {dropped} {dropped:REASON})");
    EXPECT_EQ(load_error(edited("The server binds;", "{node} binds;")),
              "scenarios/x.json: $.narration[0].text: placeholder {node} needs a triggered "
              "line (\"on\"), not \"at_ms\"");
    EXPECT_EQ(narration_text_error("a {{literal}} brace", false), "");
    EXPECT_EQ(narration_text_error("{t", false), "unclosed \"{\" at offset 0 (write \"{{\")");
}

TEST(ScenarioLoad, DuplicateKeysAreErrors) {
    EXPECT_EQ(load_error(edited("\"program\": \"hwclient\"",
                                "\"program\": \"hwclient\", \"program\": \"hwserver\"")),
              "scenarios/x.json: $.nodes[1]: duplicate key \"program\"");
    EXPECT_EQ(
        load_error(edited("\"duration_ms\": 500", "\"duration_ms\": 500, \"duration_ms\": 5")),
        "scenarios/x.json: $.faults[5]: duplicate key \"duration_ms\"");
    EXPECT_EQ(load_error(edited("\"replies\": 10", "\"replies\": 10, \"replies\": 1")),
              "scenarios/x.json: $.nodes[0].params: duplicate key \"replies\"");
}

TEST(ScenarioLoad, ProgramParamsAreCheckedWhenDeclared) {
    LoadContext ctx = context();
    ctx.program_params["hwserver"] = {"bind", "replies", "verbose"};
    std::string error;
    EXPECT_FALSE(load_scenario_text(kFull, "x.json", ctx, &error).has_value());
    EXPECT_EQ(error,
              "x.json: $.nodes[0].params: unknown parameter \"work_s\" for program \"hwserver\" "
              "(accepted: bind, replies, verbose)");
}

TEST(ScenarioLoad, SyntaxErrorsGiveLineAndColumn) {
    EXPECT_EQ(
        load_error("{\n  \"name\": \"x\",\n  \"title\": }\n"),
        "scenarios/x.json:3:12: invalid JSON: unexpected '}'; expected '[', '{', or a literal");
    std::string error = load_error("{\"name\": \"x\",\n");
    EXPECT_EQ(error.rfind("scenarios/x.json:2:1: invalid JSON: ", 0), 0u) << error;
}

TEST(ScenarioLoad, FileErrorsNameTheFile) {
    std::string error;
    EXPECT_FALSE(load_scenario_file("/nonexistent/x.json", context(), &error).has_value());
    EXPECT_EQ(error, "/nonexistent/x.json: cannot open the file");

    const std::string path = ::testing::TempDir() + "scenario_test_bad.json";
    std::ofstream(path) << edited("\"duration_ms\": 15000", "\"duration_ms\": \"ten\"");
    EXPECT_FALSE(load_scenario_file(path, context(), &error).has_value());
    EXPECT_EQ(error, path + ": $.duration_ms: expected a positive integer, got \"ten\"");
    std::ofstream(path) << kFull;
    EXPECT_TRUE(load_scenario_file(path, context(), &error).has_value()) << error;
    std::remove(path.c_str());
}

TEST(ScenarioWrite, RoundTripIsEqual) {
    std::string error;
    auto s = load_scenario_text(kFull, "x.json", context(), &error);
    ASSERT_TRUE(s.has_value()) << error;
    // An interactive session adds faults; the saved file must replay them.
    s->faults.push_back(
        FaultSpec{.at_ms = 12000, .kind = FaultKind::partition, .between = {"server", "client"}});
    s->nodes[1].params["label"] = "007";  // text that must not become a number
    s->nodes[1].params["big"] = "-42";
    const std::string json = scenario_to_json(*s);
    auto back = load_scenario_text(json, "saved.json", context(), &error);
    ASSERT_TRUE(back.has_value()) << error << "\n" << json;
    EXPECT_EQ(*back, *s);
    // Stable: writing again gives the same bytes.
    EXPECT_EQ(scenario_to_json(*back), json);
    // Keys come in the documented order, and numbers stay numbers.
    auto parsed = nlohmann::ordered_json::parse(json);
    EXPECT_EQ(parsed.begin().key(), "name");
    EXPECT_TRUE(parsed["nodes"][0]["params"]["replies"].is_number_integer());
    EXPECT_TRUE(parsed["nodes"][0]["params"]["verbose"].is_boolean());
    EXPECT_TRUE(parsed["nodes"][1]["params"]["label"].is_string());
}

TEST(ScenarioWrite, NothingHalfLoaded) {
    // A bad last field must not leave a partly filled scenario behind.
    std::string error;
    auto s =
        load_scenario_text(edited("\"text\": \"dropped so far: {dropped:hwm}\"", "\"text\": \"\""),
                           "x.json", context(), &error);
    EXPECT_FALSE(s.has_value());
    EXPECT_EQ(error, "x.json: $.narration[2].text: expected a non-empty string");
}

TEST(ScenarioLoad, EveryTraceKindCanTriggerNarration) {
    for (const char* name :
         {"node_start",   "node_exit", "node_crash", "node_pause", "node_resume", "socket_open",
          "socket_close", "bind",      "connect",    "connected",  "handshake",   "disconnected",
          "send",         "wire",      "deliver",    "drop",       "fork",        "subscribed",
          "fault_begin",  "fault_end", "log",        "mark"}) {
        auto kind = trace_kind_from_string(name);
        ASSERT_TRUE(kind.has_value()) << name;
        EXPECT_EQ(to_string(*kind), name);
    }
    EXPECT_FALSE(trace_kind_from_string("marks").has_value());
}

// The annotated example in docs/scenario-format.md must stay a valid scenario.
TEST(ScenarioDocs, AnnotatedExampleLoads) {
    const char* env_dir = std::getenv("SCULPIN_SOURCE_DIR");
    const char* source_dir = env_dir != nullptr ? env_dir : SCULPIN_SOURCE_DIR_DEFAULT;
    std::ifstream in(std::string(source_dir) + "/docs/scenario-format.md");
    ASSERT_TRUE(in) << "docs/scenario-format.md";
    std::stringstream doc;
    doc << in.rdbuf();
    const std::string text = doc.str();
    const std::string open = "```jsonc\n";
    const auto begin = text.find(open);
    ASSERT_NE(begin, std::string::npos);
    const auto end = text.find("```", begin + open.size());
    std::string example = text.substr(begin + open.size(), end - begin - open.size());
    // Strip the explanatory // comments (none of the example's strings contains "//"
    // except endpoints, which are preceded by a colon).
    example = std::regex_replace(example, std::regex("([^:])//[^\n]*"), "$1");
    LoadContext ctx;
    ctx.programs = {"lpclient", "lpserver"};
    ctx.checkers = {"lazy-pirate"};
    std::string error;
    auto s = load_scenario_text(example, "docs/scenario-format.md", ctx, &error);
    ASSERT_TRUE(s.has_value()) << error << "\n" << example;
    EXPECT_EQ(s->name, "ch4-lazy-pirate");
    EXPECT_EQ(s->faults.size(), 2u);
}

}  // namespace
}  // namespace sculpin::sim
