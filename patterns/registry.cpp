#include "patterns/registry.hpp"

#include "patterns/async_server.hpp"
#include "patterns/hello_world.hpp"
#include "patterns/identity.hpp"
#include "patterns/load_balancing_broker.hpp"
#include "patterns/lazy_pirate.hpp"
#include "patterns/divide_and_conquer.hpp"
#include "patterns/high_water_marks.hpp"
#include "patterns/node_coordination.hpp"
#include "patterns/registry_ch2.hpp"
#include "patterns/request_reply_broker.hpp"
#include "patterns/router_workers.hpp"
#include "patterns/weather.hpp"
// Chapter 3's peering and chapter 5.
#include "patterns/black_box.hpp"
#include "patterns/espresso.hpp"
#include "patterns/last_value_cache.hpp"
#include "patterns/peering.hpp"
#include "patterns/suicidal_snail.hpp"

namespace sculpin::patterns {

const std::map<std::string, ProgramInfo>& programs() {
    // with_broken_switches: every program's test-only `broken` parameter is declared too.
    static const std::map<std::string, ProgramInfo> all = with_broken_switches([] {
        std::map<std::string, ProgramInfo> m;
        auto add = [&](ProgramInfo info) { m[info.name] = std::move(info); };
        add_chapter2_programs(m);
        add({"hwserver", "hwserver.c", "REP server: answers every request with \"World\"",
             {{"bind", "endpoint to bind (tcp://*:5555)"},
              {"work_ms", "time spent on each request (1000)"},
              {"replies", "stop after this many replies (-1: never)"}},
             hwserver});
        add({"hwclient", "hwclient.c", "REQ client: sends \"Hello\" and waits for each reply",
             {{"connect", "server endpoint (tcp://server:5555)"},
              {"requests", "number of requests (10)"}},
             hwclient});
        // Chapter 1: weather updates (pub-sub, the slow joiner).
        add({"wuserver", "wuserver.c",
             "PUB server: publishes \"%05d %d %d\" weather updates (zipcode, temperature, "
             "relhumidity)",
             {{"bind", "endpoint to bind (tcp://*:5556)"},
              {"zip_min", "lowest zipcode drawn (0)"},
              {"zip_max", "highest zipcode drawn (99999); shrink to e.g. 10010 with zip_min "
                          "10000 so a subscriber's zipcode comes up often"},
              {"interval_ms", "pause after each update (0: as fast as possible)"},
              {"burst", "with interval_ms 0, updates sent per millisecond of virtual time (100)"},
              {"updates", "stop after this many updates (-1: never)"}},
             wuserver});
        add({"wuclient", "wuclient.c",
             "SUB client: subscribes to one zipcode and averages its temperature",
             {{"connect", "server endpoint (tcp://server:5556)"},
              {"zip", "zipcode to subscribe to; the filter is \"<zip> \" (10001)"},
              {"samples", "updates to average (100)"}},
             wuclient});
        // Chapter 1: divide and conquer (the parallel pipeline).
        add({"taskvent", "taskvent.c",
             "PUSH ventilator: signals the sink, then sends a batch of tasks (workloads "
             "1-100 ms)",
             {{"bind", "endpoint for the workers (tcp://*:5557)"},
              {"sink", "sink endpoint for the start signal (tcp://sink:5558; none: no sink)"},
              {"wait_ms", "wait before sending, standing in for the book's \"Press Enter "
                          "when the workers are ready\" (1000)"},
              {"tasks", "number of tasks (100)"}},
             taskvent});
        add({"taskwork", "taskwork.c",
             "PULL/PUSH worker: sleeps each task's workload, sends an empty result to the sink",
             {{"connect", "ventilator endpoint (tcp://ventilator:5557)"},
              {"sink", "sink endpoint (tcp://sink:5558)"},
              {"tasks", "stop after this many tasks (-1: never)"}},
             taskwork});
        add({"tasksink", "tasksink.c",
             "PULL sink: waits for the start signal, collects the results, times the batch",
             {{"bind", "endpoint to bind (tcp://*:5558)"}, {"tasks", "results to collect (100)"}},
             tasksink});
        // Chapter 2: high-water marks (PUB drops, PUSH blocks).
        add({"hwm-publisher", "(ch2 high-water marks)",
             "fast PUB: numbered messages; at the HWM they are dropped",
             {{"bind", "endpoint to bind (tcp://*:5556)"},
              {"sndhwm", "send high-water mark (1000)"},
              {"wait_ms", "wait for the subscriber before sending (1000)"},
              {"count", "messages to send (10000)"},
              {"size", "bytes per message (1000)"},
              {"burst", "messages per millisecond (100)"}},
             hwm_publisher});
        add({"hwm-slow-subscriber", "(ch2 high-water marks)",
             "slow SUB: works on every message, reports how many it got and missed",
             {{"connect", "publisher endpoint (tcp://publisher:5556)"},
              {"rcvhwm", "receive high-water mark (1000)"},
              {"work_ms", "time spent on each message (1)"},
              {"idle_ms", "stop after this long without a message (2000)"},
              {"count", "stop after this many messages (-1: until idle)"}},
             hwm_slow_subscriber});
        add({"hwm-pusher", "(ch2 high-water marks)",
             "fast PUSH: numbered messages; at the HWM the send blocks; reports time blocked",
             {{"bind", "endpoint to bind (tcp://*:5557)"},
              {"sndhwm", "send high-water mark (1000)"},
              {"count", "messages to send (10000)"},
              {"size", "bytes per message (1000)"},
              {"burst", "messages per millisecond (100)"}},
             hwm_pusher});
        add({"hwm-slow-puller", "(ch2 high-water marks)",
             "slow PULL: works on every message, reports how many it got and missed",
             {{"connect", "pusher endpoint (tcp://pusher:5557)"},
              {"rcvhwm", "receive high-water mark (1000)"},
              {"work_ms", "time spent on each message (1)"},
              {"idle_ms", "stop after this long without a message (2000)"},
              {"count", "stop after this many messages (-1: until idle)"}},
             hwm_slow_puller});
        // Chapter 2: node coordination (the cure for the slow joiner).
        add({"syncpub", "syncpub.c",
             "PUB + REP: waits for every subscriber's sync request, then publishes updates "
             "and \"END\"",
             {{"bind", "publisher endpoint (tcp://*:5561)"},
              {"sync_bind", "sync service endpoint (tcp://*:5562)"},
              {"sndhwm", "send high-water mark (1100000)"},
              {"subscribers", "subscribers to wait for (10)"},
              {"updates", "updates to broadcast (1000000)"}},
             syncpub});
        add({"syncsub", "syncsub.c",
             "SUB + REQ: subscribes, syncs with the publisher, counts updates until \"END\"",
             {{"connect", "publisher endpoint (tcp://publisher:5561)"},
              {"sync_connect", "sync service endpoint (tcp://publisher:5562)"},
              {"sleep_ms", "wait between subscribing and syncing (1000)"}},
             syncsub});
        // Chapter 2: the request-reply broker, and the same as a proxy.
        add({"rrclient", "rrclient.c",
             "REQ client: sends \"Hello\" to the broker, waits for \"World\"",
             {{"connect", "broker frontend (tcp://broker:5559)"},
              {"requests", "number of requests (10)"}},
             rrclient});
        add({"rrworker", "rrworker.c", "REP worker: answers each request with \"World\"",
             {{"connect", "broker backend (tcp://broker:5560)"},
              {"work_ms", "time spent on each request (1000)"}},
             rrworker});
        add({"rrbroker", "rrbroker.c",
             "ROUTER/DEALER broker: polls both sockets and forwards messages with their envelopes",
             {{"frontend", "endpoint for clients (tcp://*:5559)"},
              {"backend", "endpoint for workers (tcp://*:5560)"}},
             rrbroker});
        add({"msgqueue", "msgqueue.c",
             "ROUTER/DEALER proxy: the book's zmq_proxy, written as rrbroker's forwarding loop",
             {{"frontend", "endpoint for clients (tcp://*:5559)"},
              {"backend", "endpoint for workers (tcp://*:5560)"}},
             msgqueue});
        // Chapter 3: the identity of a socket.
        add({"identity-sink",
             "identity.c",
             "ROUTER sink: dumps every message it receives, envelope first (never replies)",
             {{"bind", "endpoint to bind (tcp://*:5555)"},
              {"messages", "stop after this many messages (-1: never)"}},
             identity_sink});
        add({"identity-client",
             "identity.c",
             "REQ client: sends one message, with or without its own routing id",
             {{"connect", "sink endpoint (tcp://sink:5555)"},
              {"identity", "routing id to set before connecting (none: the ROUTER makes one)"},
              {"text", "the message (the book's, by identity)"}},
             identity_client});
        // Chapter 3: ROUTER broker and REQ or DEALER workers.
        add({"rtreq-broker",
             "rtreq.c",
             "ROUTER broker: answers each worker \"Work harder\" for work_ms, then \"Fired!\"",
             {{"bind", "endpoint to bind (tcp://*:5671)"},
              {"workers", "workers to fire before exiting (10)"},
              {"work_ms", "how long workers are encouraged (5000)"}},
             rt_broker});
        add({"rtdealer-broker",
             "rtdealer.c",
             "ROUTER broker: the same as rtreq-broker (it cannot tell REQ from DEALER workers)",
             {{"bind", "endpoint to bind (tcp://*:5671)"},
              {"workers", "workers to fire before exiting (10)"},
              {"work_ms", "how long workers are encouraged (5000)"}},
             rt_broker});
        add({"rtreq-worker",
             "rtreq.c",
             "REQ worker: asks for work, works 1-500 ms, counts tasks until fired",
             {{"connect", "broker endpoint (tcp://broker:5671)"}},
             rtreq_worker});
        add({"rtdealer-worker",
             "rtdealer.c",
             "DEALER worker: as rtreq-worker, adding and stripping the empty delimiter itself",
             {{"connect", "broker endpoint (tcp://broker:5671)"}},
             rtdealer_worker});
        // Chapter 3: the load-balancing broker.
        add({"lbbroker",
             "lbbroker.c",
             "ROUTER/ROUTER broker: queues ready workers, reads clients only while one is "
             "free, sends each request to the least recently ready worker",
             {{"frontend", "endpoint for clients (tcp://*:5672)"},
              {"backend", "endpoint for workers (tcp://*:5673)"},
              {"clients", "exit after this many replies (10)"}},
             lbbroker});
        add({"lbclient",
             "lbbroker.c",
             "REQ client: sends \"HELLO\", prints the reply, exits",
             {{"connect", "broker frontend (tcp://broker:5672)"},
              {"identity", "routing id (the node name)"}},
             lbclient});
        add({"lbworker",
             "lbbroker.c",
             "REQ worker: sends \"READY\", then answers each request with \"OK\"",
             {{"connect", "broker backend (tcp://broker:5673)"},
              {"identity", "routing id (the node name)"},
              {"work_ms", "time spent on each request (0, as the book)"}},
             lbworker});
        // Chapter 3: the asynchronous client/server.
        add({"asyncsrv-client",
             "asyncsrv.c",
             "DEALER client: sends \"request #n\" every second, polls for replies every 10 ms",
             {{"connect", "server frontend (tcp://server:5570)"},
              {"identity", "routing id (the node name)"},
              {"requests", "number of requests (-1: for ever, as the book)"}},
             asyncsrv_client});
        add({"asyncsrv-server",
             "asyncsrv.c",
             "ROUTER frontend / DEALER backend proxy (the book's backend is inproc; tcp here)",
             {{"frontend", "endpoint for clients (tcp://*:5570)"},
              {"backend", "endpoint for workers (tcp://*:5571)"}},
             asyncsrv_server});
        add({"asyncsrv-worker",
             "asyncsrv.c",
             "DEALER worker: answers each request 0-4 times, each after a random sleep",
             {{"connect", "server backend (tcp://server:5571)"},
              {"max_replies", "replies per request are drawn from 0..max_replies (4)"},
              {"max_sleep_ms", "sleep before each reply is drawn from 1..max_sleep_ms (1000)"}},
             asyncsrv_worker});
        // Chapter 4: Lazy Pirate (client-side reliability).
        add({"lazy-pirate-client", "lpclient.c",
             "REQ client: polls for each reply with a timeout; on a timeout closes and reopens "
             "its socket and resends; abandons after request_retries tries",
             {{"connect", "server endpoint (tcp://server:5555)"},
              {"request_timeout_ms", "REQUEST_TIMEOUT: how long to wait for a reply (2500)"},
              {"request_retries", "REQUEST_RETRIES: tries before abandoning (3)"},
              {"requests", "number of requests (-1: for ever, as the book)"},
              {"server", "the same as connect"},
              {"broken", "test only: no_reopen or off_by_one breaks the client on purpose (none)"}},
             lazy_pirate_client});
        add({"lazy-pirate-server", "lpserver.c",
             "REP server: echoes each request after a second of work; after a few cycles "
             "simulates a crash or a CPU overload at random",
             {{"bind", "endpoint to bind (tcp://*:5555)"},
              {"work_ms", "time spent on each request (1000)"},
              {"overload_ms", "extra time of a simulated CPU overload (2000)"},
              {"cycles_before_trouble", "requests served before trouble may start (3)"},
              {"trouble", "1: simulate crashes and overloads at random; 0: never (1)"}},
             lazy_pirate_server});
        // Chapter 3: inter-broker routing (peering).
        add({"peering-broker",
             "peering3.c",
             "broker of one cluster: local clients and workers, state flow (PUB/SUB of free "
             "workers) and task flow (ROUTER-ROUTER cloud) with its peers; overflows requests "
             "to a peer with free workers",
             {{"self", "this broker's name, its routing id in the cloud (the node name)"},
              {"peers", "the peer brokers' names, comma-separated"},
              {"localfe", "endpoint for local clients (tcp://*:5701)"},
              {"localbe", "endpoint for local workers (tcp://*:5702)"},
              {"cloud", "cloud frontend endpoint the peers connect to (tcp://*:5703)"},
              {"state", "state backend endpoint the peers subscribe to (tcp://*:5704)"},
              {"cloud_connect", "the peers' cloud frontends, comma-separated"},
              {"state_connect", "the peers' state backends, comma-separated"},
              {"broken", "test only: no_peer_address breaks the broker on purpose (none)"}},
             peering_broker});
        add({"peering-client",
             "peering3.c",
             "REQ client: bursts of requests with random hex task ids, each waiting up to "
             "reply_timeout_ms for its own id back",
             {{"connect", "its broker's localfe (tcp://broker:5701)"},
              {"bursts", "number of bursts (-1: for ever, as the book)"},
              {"max_burst", "tasks per burst are drawn from 0..max_burst (14)"},
              {"max_pause_ms", "pause before each burst is drawn from 0..max_pause_ms (4000)"},
              {"reply_timeout_ms", "give up (\"lost task\") after this long (10000)"}},
             peering_client});
        add({"peering-worker",
             "peering3.c",
             "REQ worker: sends READY (\\001), then echoes each task after 0 or work_ms",
             {{"connect", "its broker's localbe (tcp://broker:5702)"},
              {"identity", "routing id (the node name)"},
              {"work_ms", "a task takes 0 or work_ms, at random (1000)"}},
             peering_worker});
        // Chapter 5: pub-sub tracing (Espresso).
        add({"espresso-publisher",
             "espresso.c",
             "PUB: sends \"%c-%05d\" (a letter A-J, a random number) every interval_ms",
             {{"bind", "endpoint to bind (tcp://*:6000)"},
              {"interval_ms", "pause between messages (100)"},
              {"count", "messages to send (-1: for ever, as the book)"}},
             espresso_publisher});
        add({"espresso-subscriber",
             "espresso.c",
             "SUB: subscribes to \"A\" and \"B\", logs what arrives",
             {{"connect", "the proxy's XPUB (tcp://proxy:6001)"}},
             espresso_subscriber});
        add({"espresso-proxy",
             "espresso.c",
             "XSUB/XPUB proxy with a capture PAIR: copies every message it forwards, either "
             "way, to the listener",
             {{"connect", "the publisher (tcp://publisher:6000)"},
              {"bind", "endpoint for subscribers (tcp://*:6001)"},
              {"capture", "capture endpoint the listener connects to (tcp://*:6002)"},
              {"broken", "test only: no_capture breaks the proxy on purpose (none)"}},
             espresso_proxy});
        add({"espresso-listener",
             "espresso.c",
             "PAIR: logs every message the proxy captured",
             {{"connect", "the proxy's capture endpoint (tcp://proxy:6002)"}},
             espresso_listener});
        // Chapter 5: last value caching.
        add({"pathopub",
             "pathopub.c",
             "PUB: sends every one of `topics` topics once, then one random update a second",
             {{"connect", "the cache's frontend (the book's argument)"},
              {"bind", "endpoint to bind as well, for subscribers without the cache"},
              {"topics", "number of topics \"%03d\" (1000)"},
              {"wait_ms", "wait before the first topic, for the connection (1000)"},
              {"interval_ms", "pause between random updates (1000)"},
              {"updates", "random updates to send (-1: for ever, as the book)"}},
             pathopub});
        add({"lvcache",
             "lvcache.c",
             "last value cache: SUB takes every topic, XPUB (verbose) answers each new "
             "subscription with the topic's cached last value",
             {{"frontend", "endpoint for the publisher (tcp://*:5557)"},
              {"backend", "endpoint for subscribers (tcp://*:5558)"},
              {"broken", "test only: no_cache or not_verbose breaks the cache on purpose (none)"}},
             lvcache});
        add({"pathosub",
             "pathosub.c",
             "SUB: subscribes to one topic, logs its updates",
             {{"connect", "the cache's backend (tcp://lvc:5558)"},
              {"topic", "the topic, \"%03d\" (random among `topics`)"},
              {"topics", "number of topics to draw from (1000)"}},
             pathosub});
        // Chapter 5: slow subscriber detection (Suicidal Snail).
        add({"suisnail-publisher",
             "suisnail.c",
             "PUB: sends the current time (ms) every interval_ms",
             {{"bind", "endpoint to bind (tcp://*:5556)"},
              {"interval_ms", "pause between messages (1)"},
              {"count", "messages to send (-1: for ever)"}},
             suisnail_publisher});
        add({"suisnail-subscriber",
             "suisnail.c",
             "SUB: works 1-2 ms per message; kills itself once more than "
             "max_allowed_delay_ms behind",
             {{"connect", "the publisher (tcp://publisher:5556)"},
              {"max_allowed_delay_ms", "MAX_ALLOWED_DELAY (1000)"},
              {"report_every", "mark how far behind every this many messages (500)"},
              {"broken", "test only: no_delay_check breaks the snail on purpose (none)"}},
             suisnail_subscriber});
        // Chapter 5: high-speed subscribers (Black Box).
        add({"bb-publisher",
             "(ch5 Black Box)",
             "PUB: a fast feed of `count` numbered quotes",
             {{"bind", "endpoint to bind (tcp://*:5556)"},
              {"wait_ms", "wait for the subscribers before the feed (500)"},
              {"count", "messages in the feed (3000)"},
              {"interval_ms", "pause between messages (1)"}},
             bb_publisher});
        add({"bb-subscriber",
             "(ch5 Black Box)",
             "SUB + PUSH: reads the feed as fast as it can and hands each message to a worker",
             {{"connect", "the publisher (tcp://publisher:5556)"},
              {"workers", "PUSH endpoint the workers connect to (tcp://*:5557)"},
              {"work_ms", "with broken=work_inline, the work done here per message (4)"},
              {"broken", "test only: work_inline breaks the subscriber on purpose (none)"}},
             bb_subscriber});
        add({"bb-worker",
             "(ch5 Black Box)",
             "PULL: works work_ms on each message",
             {{"connect", "its box's PUSH endpoint (tcp://box:5557)"},
              {"work_ms", "time spent on each message (4)"}},
             bb_worker});
        return m;
    }());
    return all;
}

const ProgramInfo* find_program(const std::string& name) {
    auto it = programs().find(name);
    return it == programs().end() ? nullptr : &it->second;
}

}  // namespace sculpin::patterns
