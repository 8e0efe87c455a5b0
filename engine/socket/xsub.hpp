// XSUB (RFC 29): a SUB whose application sends the subscriptions as messages.
//
// The application sends "\x01topic" to subscribe and "\x00topic" to cancel. Every
// subscribe goes to every publisher (the XPUB side removes duplicates, and forwarding
// devices rely on seeing them); a cancel goes out only when the last hold on the topic is
// released. The subscriptions are remembered and sent to each newly attached publisher.
// Anything else the application sends is data for the publishers (libzmq 4.3).
//
// Incoming messages are fair-queued. A SUB filters them against the subscriptions, since
// a ZMTP 3.0 publisher sends everything: a message whose first frame no subscription
// prefixes is dropped (reason filtered); with INVERT_MATCHING it is the other way round.
// An XSUB does not filter (libzmq 4.3): what its publishers chose to send is passed on.
// With CONFLATE only the newest message (SUB: the newest match) is kept.
#pragma once

#include <string_view>

#include "socket/distributor.hpp"
#include "socket/fair_queue.hpp"
#include "socket/read_ahead.hpp"
#include "socket/socket.hpp"
#include "socket/subscription_trie.hpp"

namespace sculpin {

class XSub : public Socket {
public:
    XSub();
    ~XSub() override;

    size_t traced_held() const override { return fq_.read_ahead().traced() + ahead_.traced(); }
protected:
    // For SUB, which subscribes through options instead of messages.
    explicit XSub(SocketType type);

    int xsend(Message& msg) override;
    int xrecv(Message& out) override;
    bool xcan_send() override { return true; }
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd& pipe) override;

    // Adds a hold on `topic`; tells the publishers if it is the first one, or always
    // when `forward_every_subscribe`.
    void subscribe(std::string_view topic, bool forward_every_subscribe);
    // Releases a hold on `topic`; tells the publishers if it was the last one.
    void unsubscribe(std::string_view topic);

private:
    // Reads until a message that matches the subscriptions is in ahead_. With `newest`,
    // keeps reading and replaces it by each newer match (CONFLATE).
    bool next_match(bool newest);
    void drop_finished_pipes();

    FairQueue fq_;
    Distributor dist_;
    SubscriptionTrie subscriptions_{SubscriptionTrie::Duplicates::counted};
    ReadAhead ahead_;  // the next message for the application, already filtered
};

}  // namespace sculpin
