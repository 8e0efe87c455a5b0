#include "socket/xpub.hpp"

#include <cstring>
#include <string>

namespace sculpin {

XPub::XPub() : XPub(SocketType::xpub) {}

XPub::XPub(SocketType type) : Socket(type) {}

XPub::~XPub() {
    // What the application never received goes the way of a closing pipe's messages.
    for (const Message& msg : pending_) report_drop(msg, DropReason::closed);
    close_all_pipes();
    // The cancellations that closing generated were never sent by anyone.
    pending_.clear();
}

void XPub::drop_finished_pipes() {
    for (uint64_t id : dist_.take_finished()) detach(id);
}

int XPub::xsend(Message& msg) {
    dist_.unmatch();
    subscriptions_.match(msg.front().view(), [this](uint64_t pipe_id) { dist_.match(pipe_id); });
    // The fork is reported before the copies exist, so that a ledger never sees more
    // outcomes than messages.
    report_fork(msg, dist_.matched_count() > 0 ? dist_.matched_count() - 1 : 0);
    const size_t matched = dist_.send_to_matched(
        msg, [this](const Message& copy, DropReason reason) { report_drop(copy, reason); });
    if (matched == 0) {
        report_drop(msg, dist_.empty() ? DropReason::no_peer : DropReason::filtered);
        msg.clear();
    }
    drop_finished_pipes();
    return 0;
}

int XPub::xrecv(Message& out) {
    if (!tells_application()) return ENOTSUP;
    if (pending_.empty()) return EAGAIN;
    out = std::move(pending_.front());
    pending_.pop_front();
    return 0;
}

bool XPub::xcan_recv() {
    return tells_application() && !pending_.empty();
}

void XPub::xattach(PipeEnd& pipe) {
    dist_.attach(pipe);
    // The peer may have subscribed before we were told about it.
    read_subscriptions(pipe);
}

void XPub::xdetach(PipeEnd& pipe) {
    dist_.remove(pipe);
    subscriptions_.remove_subscriber(pipe.id(), [this](std::string_view prefix, bool last) {
        if (!tells_application() || !(last || verbose_cancel_)) return;
        std::string cancel(1, '\0');
        cancel += prefix;
        pending_.emplace_back(Frame(cancel));
    });
}

void XPub::xread_activated(PipeEnd& pipe) {
    read_subscriptions(pipe);
}

void XPub::xwrite_activated(PipeEnd& pipe) {
    dist_.activate(pipe);
}

void XPub::read_subscriptions(PipeEnd& pipe) {
    Message msg;
    while (pipe.read(msg)) {
        const bool is_subscription = msg.size() == 1 && !msg.front().empty() &&
                                     (msg.front().data()[0] == 0 || msg.front().data()[0] == 1);
        if (!is_subscription) {
            // libzmq passes data sent upstream (XSUB) to the XPUB application.
            if (tells_application()) {
                pending_.push_back(std::move(msg));
            } else {
                report_drop(msg, DropReason::malformed);
            }
            continue;
        }
        const std::string_view topic = msg.front().view().substr(1);
        bool tell = false;
        if (msg.front().data()[0] == 1) {
            const bool added = subscriptions_.add(topic, pipe.id());
            if (added) report_subscription(topic, true, pipe);
            tell = added || verbose_subscribe_;
        } else {
            const bool removed = subscriptions_.remove(topic, pipe.id());
            if (removed) report_subscription(topic, false, pipe);
            tell = removed || verbose_cancel_;
        }
        if (tell && tells_application()) pending_.push_back(std::move(msg));
    }
    if (pipe.finished()) detach(pipe.id());
}

int XPub::xset_option(int option, const void* value, size_t size_bytes) {
    if (!tells_application() ||
        (option != option::xpub_verbose && option != option::xpub_verboser)) {
        return EINVAL;
    }
    if (value == nullptr || size_bytes != sizeof(int)) return EINVAL;
    int on = 0;
    std::memcpy(&on, value, sizeof(int));
    if (on != 0 && on != 1) return EINVAL;
    // As libzmq: VERBOSE sets the subscribe half and clears the cancel half; VERBOSER
    // sets both.
    verbose_subscribe_ = on == 1;
    verbose_cancel_ = option == option::xpub_verboser && on == 1;
    return 0;
}

int XPub::xget_option(int, void*, size_t*) const {
    return EINVAL;
}

}  // namespace sculpin
