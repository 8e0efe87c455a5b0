#include "patterns/registry_ch2.hpp"

#include "patterns/kill_signal.hpp"
#include "patterns/multithreaded_server.hpp"
#include "patterns/pubsub_envelopes.hpp"
#include "patterns/several_sockets.hpp"
#include "patterns/thread_relay.hpp"
#include "patterns/weather_proxy.hpp"

namespace sculpin::patterns {

void add_chapter2_programs(std::map<std::string, ProgramInfo>& m) {
    auto add = [&](ProgramInfo info) { m[info.name] = std::move(info); };
    // Chapter 2: reading several sockets.
    add({"msreader",
         "msreader.c",
         "PULL + SUB, read the naive way: drain both without waiting, sleep 1 ms, repeat",
         {{"connect", "ventilator endpoint (tcp://ventilator:5557)"},
          {"weather", "weather server endpoint (tcp://weather:5556)"},
          {"zip", "zipcode to subscribe to (10001)"},
          {"run_ms", "report and stop after this long (-1: never, as the book)"}},
         msreader});
    add({"mspoller",
         "mspoller.c",
         "PULL + SUB, read with a poller: wakes only when one of them has a message",
         {{"connect", "ventilator endpoint (tcp://ventilator:5557)"},
          {"weather", "weather server endpoint (tcp://weather:5556)"},
          {"zip", "zipcode to subscribe to (10001)"},
          {"run_ms", "report and stop after this long (-1: never, as the book)"}},
         mspoller});
    // Chapter 2: the weather proxy (transport bridging).
    add({"wuproxy",
         "wuproxy.c",
         "XSUB/XPUB proxy: weather updates down, subscriptions up, between two networks",
         {{"frontend", "weather server to connect the XSUB to (tcp://server:5556)"},
          {"backend", "endpoint to bind the XPUB on (tcp://*:8100)"}},
         wuproxy});
    // Chapter 2: the kill signal.
    add({"taskwork2",
         "taskwork2.c",
         "PULL/PUSH worker with a SUB control socket: polls both, exits on \"KILL\"",
         {{"connect", "ventilator endpoint (tcp://ventilator:5557)"},
          {"sink", "sink endpoint (tcp://sink:5558)"},
          {"control", "sink's control publisher (tcp://sink:5559)"}},
         taskwork2});
    add({"tasksink2",
         "tasksink2.c",
         "PULL sink with a PUB control socket: collects the batch, then publishes \"KILL\"",
         {{"bind", "endpoint for results (tcp://*:5558)"},
          {"control_bind", "endpoint for the control publisher (tcp://*:5559)"},
          {"tasks", "results to collect (100)"}},
         tasksink2});
    // Chapter 2: the multithreaded server (workers as nodes, tcp backend).
    add({"mtserver",
         "mtserver.c",
         "ROUTER frontend / DEALER backend proxy for REP workers (inproc in the book; tcp "
         "here)",
         {{"frontend", "endpoint for clients (tcp://*:5555)"},
          {"backend", "endpoint for workers (tcp://*:5556)"}},
         mtserver});
    add({"mtserver-worker",
         "mtserver.c",
         "REP worker (a thread in the book): answers each request with \"World\" after a "
         "second",
         {{"connect", "server backend (tcp://server:5556)"},
          {"work_ms", "time spent on each request (1000)"}},
         mtserver_worker});
    // Chapter 2: signalling between threads.
    add({"mtrelay",
         "mtrelay.c",
         "three steps chained with PAIR sockets over inproc, \"READY\" passed down the chain",
         {},
         mtrelay});
    // Chapter 2: pub-sub envelopes.
    add({"psenvpub",
         "psenvpub.c",
         "PUB: sends [\"A\", ...] and [\"B\", ...] once a second, the key in its own frame",
         {{"bind", "endpoint to bind (tcp://*:5563)"},
          {"interval_ms", "pause after each pair (1000)"},
          {"rounds", "pairs to send (-1: for ever, as the book)"}},
         psenvpub});
    add({"psenvsub",
         "psenvsub.c",
         "SUB: subscribes to key \"B\" and prints [key] contents",
         {{"connect", "publisher endpoint (tcp://publisher:5563)"},
          {"key", "key to subscribe to (B)"}},
         psenvsub});
}

}  // namespace sculpin::patterns
