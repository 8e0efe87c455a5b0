// XPUB (RFC 29): a PUB whose application sees the subscriptions.
//
// Peers send "\x01topic" (subscribe) and "\x00topic" (cancel) messages; the socket keeps
// them in a trie keyed by pipe and sends each message to the pipes holding a prefix of
// its first frame. A pipe at its high-water mark loses its copy (reason hwm); sending
// never blocks. A message nobody subscribed to is reported once: filtered if there are
// peers, no_peer if there are none.
//
// recv returns a subscription message when a topic gets its first subscriber and a
// cancel when it loses its last one (a departing peer's subscriptions are cancelled
// too). XPUB_VERBOSE passes every subscribe; XPUB_VERBOSER every subscribe and cancel.
// Other messages from peers (data sent upstream by an XSUB) are passed on as they are.
//
// CONFLATE is not applied here: a sender cannot take back a message it has queued, so
// keeping only the newest is the receiving side's job (SUB, or the connection).
#pragma once

#include <deque>

#include "socket/distributor.hpp"
#include "socket/socket.hpp"
#include "socket/subscription_trie.hpp"

namespace sculpin {

class XPub : public Socket {
public:
    XPub();
    ~XPub() override;

protected:
    // For PUB, which is an XPUB that keeps the subscriptions to itself.
    explicit XPub(SocketType type);

    int xsend(Message& msg) override;
    int xrecv(Message& out) override;
    bool xcan_send() override { return true; }
    bool xcan_recv() override;
    void xattach(PipeEnd& pipe) override;
    void xdetach(PipeEnd& pipe) override;
    void xread_activated(PipeEnd& pipe) override;
    void xwrite_activated(PipeEnd& pipe) override;
    int xset_option(int option, const void* value, size_t size_bytes) override;
    int xget_option(int option, void* value, size_t* size_bytes) const override;

private:
    bool tells_application() const noexcept { return type() == SocketType::xpub; }
    void read_subscriptions(PipeEnd& pipe);
    void drop_finished_pipes();

    Distributor dist_;
    SubscriptionTrie subscriptions_{SubscriptionTrie::Duplicates::ignored};
    std::deque<Message> pending_;  // for the application's recv
    bool verbose_subscribe_ = false;
    bool verbose_cancel_ = false;
};

}  // namespace sculpin
