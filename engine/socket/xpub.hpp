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
// Options, as libzmq 4.3:
// - XPUB_NODROP: a send that would find a matched pipe at its high-water mark fails with
//   EAGAIN (nothing is sent, nothing dropped) and can_send() is false until every pipe
//   has room, so a blocking send waits.
// - XPUB_MANUAL: peers' subscriptions are passed to the application, every one, and not
//   applied. The application applies a subscription with the SUBSCRIBE and UNSUBSCRIBE
//   options, which act on the pipe the last received subscription came from; it may
//   apply another topic than the one asked for (a proxy that rewrites topics).
// - XPUB_WELCOME_MSG: written to each new pipe before anything else.
// - INVERT_MATCHING (any socket's option): send to the pipes that do NOT match.
//
// CONFLATE is not applied here: a sender cannot take back a message it has queued, so
// keeping only the newest is the receiving side's job (SUB, or the connection).
#pragma once

#include <deque>
#include <optional>

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
    bool xcan_send() override;
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
    void queue_cancel(std::string_view prefix);
    int apply_manual_subscription(int option, std::string_view topic);

    // A message for the application's recv. A subscription or cancel remembers the pipe
    // it came from: receiving it makes that pipe the one XPUB_MANUAL's SUBSCRIBE acts on.
    struct Pending {
        Message msg;
        bool is_subscription = false;
        std::optional<uint64_t> from_pipe;  // none for the cancels of a departed pipe
    };

    Distributor dist_;
    SubscriptionTrie subscriptions_{SubscriptionTrie::Duplicates::ignored};
    // XPUB_MANUAL: what each peer asked for, so that its departure cancels exactly that.
    SubscriptionTrie requested_{SubscriptionTrie::Duplicates::ignored};
    std::deque<Pending> pending_;
    bool verbose_subscribe_ = false;
    bool verbose_cancel_ = false;
    bool nodrop_ = false;
    bool manual_ = false;
    std::optional<uint64_t> last_pipe_;  // XPUB_MANUAL: where SUBSCRIBE applies
    Message welcome_;                    // XPUB_WELCOME_MSG; no frames = none
};

}  // namespace sculpin
