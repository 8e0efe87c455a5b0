// Which topics each subscriber has subscribed to at each publisher, at a virtual time,
// from the trace's "subscribed" events (the moment a subscription is live at the
// publisher). The canvas writes them on the PUB/XPUB - SUB/XSUB links.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/trace.hpp"

namespace sculpin::gui {

// (publisher node, subscriber node) -> topics as the trace prints them ("\"NASDAQ\"", "\"\"").
using SubscriptionMap = std::map<std::pair<std::string, std::string>, std::set<std::string>>;

// A subscription ends with its cancel, with the connection (disconnected), or with either
// node's crash or restart.
SubscriptionMap subscriptions_at(const std::vector<sim::TraceEvent>& events, int64_t time_ns);

// The same, kept up to date as time moves forward (each frame reads only the new events);
// moving back starts again from the first event.
class SubscriptionTracker {
public:
    const SubscriptionMap& at(const std::vector<sim::TraceEvent>& events, int64_t time_ns);
    void reset();

private:
    SubscriptionMap map_;
    size_t next_ = 0;
    int64_t time_ns_ = -1;
};

// "tcp://server:5555" or "server:5555" -> "server"; a plain name is kept.
std::string host_of(const std::string& peer);

// The topics as one short line: "\"A\", \"B\" +3 more" ("all" for the empty topic).
std::string topics_label(const std::set<std::string>& topics, size_t max_chars);

}  // namespace sculpin::gui
