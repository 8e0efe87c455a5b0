// Chapter 1, "Getting the Message Out": the weather update server and client (wuserver,
// wuclient). A PUB socket sprays "zipcode temperature relhumidity" updates at whoever
// listens; a SUB socket keeps only its zipcode (a byte-prefix filter) and averages the
// temperature over a hundred updates.
//
// The failure this pair is famous for: the slow joiner. The publisher starts sending at
// once; the subscriber's connection and its subscription take time to reach the
// publisher, and a PUB never buffers for subscribers it does not know yet. Whatever it
// sends before then is dropped at the publisher (trace: drop "no_peer" while there is no
// connection, "filtered" while the connection is up but the subscription is not).
//
// Test-only switch (`broken`, never set by a scenario file): wuclient "no_subscribe" never
// subscribes; a SUB without a subscription receives nothing (LEARNERS #5).
#include "patterns/weather.hpp"

#include <cstdio>
#include <string>

namespace sculpin::patterns {

Task<> wuserver(Node& node) {
    //  Prepare our publisher
    Sock publisher = node.socket(SocketType::pub);
    const std::string endpoint = node.params().get("bind", "tcp://*:5556");
    if (publisher.bind(endpoint) != 0) {
        node.log("cannot bind " + endpoint);
        co_return;
    }
    // The book draws zipcodes from the whole space 0..99999, so a subscriber to one
    // zipcode waits a long time for a hundred matches. A scenario shrinks the space
    // (zip_min/zip_max, e.g. 10000..10010) to get them quickly.
    const int64_t zip_min = node.params().get_int("zip_min", 0);
    const int64_t zip_max = node.params().get_int("zip_max", 99999);
    const int64_t interval_ms = node.params().get_int("interval_ms", 0);
    // The book's loop never pauses. Virtual time only moves when a program waits, so
    // "as fast as possible" here means `burst` updates per millisecond.
    const int64_t burst = node.params().get_int("burst", 100);
    const int64_t updates = node.params().get_int("updates", -1);

    for (int64_t sent = 0; updates < 0 || sent < updates; ++sent) {
        //  Get values that will fool the boss
        const int64_t zipcode = node.rng().between(zip_min, zip_max);
        const int64_t temperature = node.rng().between(-80, 134);
        const int64_t relhumidity = node.rng().between(10, 59);

        //  Send message to all subscribers
        char update[40];
        std::snprintf(update, sizeof update, "%05d %d %d", static_cast<int>(zipcode),
                      static_cast<int>(temperature), static_cast<int>(relhumidity));
        co_await node.send(publisher, Message::text(update));

        if (interval_ms > 0) {
            co_await node.sleep(interval_ms);
        } else if (burst > 0 && (sent + 1) % burst == 0) {
            co_await node.sleep(1);
        }
    }
}

Task<> wuclient(Node& node) {
    //  Socket to talk to server
    node.log("Collecting updates from weather server...");
    Sock subscriber = node.socket(SocketType::sub);
    subscriber.connect(node.params().get("connect", "tcp://server:5556"));

    //  Subscribe to zipcode, default is NYC, 10001. The trailing space keeps "10001"
    //  from also matching "100010" and up: the filter is a byte prefix.
    const std::string zip = node.params().get("zip", "10001");
    if (node.params().get("broken", "") != "no_subscribe") subscriber.subscribe(zip + " ");

    //  Process 100 updates
    const int64_t samples = node.params().get_int("samples", 100);
    int64_t update_nbr = 0;
    int64_t total_temp = 0;
    for (; update_nbr < samples; ++update_nbr) {
        Received update = co_await node.recv(subscriber);
        if (!update.ok()) co_return;
        if (update_nbr == 0) {
            // Whatever the publisher sent before our subscription reached it is gone.
            node.mark("slow-joiner", "first update received");
        }
        int zipcode = 0;
        int temperature = 0;
        int relhumidity = 0;
        const std::string text(update.msg.front().view());
        std::sscanf(text.c_str(), "%d %d %d", &zipcode, &temperature, &relhumidity);
        total_temp += temperature;
    }
    const int64_t average = update_nbr > 0 ? total_temp / update_nbr : 0;
    node.log("Average temperature for zipcode '" + zip + "' was " + std::to_string(average) + "F");
}

}  // namespace sculpin::patterns
