#include "socket/xpub.hpp"

#include <cassert>
#include <cstring>
#include <string>

namespace sculpin {

XPub::XPub() : XPub(SocketType::xpub) {}

XPub::XPub(SocketType type) : Socket(type) {}

XPub::~XPub() {
    // What the application never received goes the way of a closing pipe's messages.
    for (const Pending& pending : pending_) report_drop(pending.msg, DropReason::closed);
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
    if (options_.invert_matching) dist_.reverse_match();
    if (nodrop_ && !dist_.matched_have_room()) {
        // Nothing was sent, so nothing is dropped: the caller keeps the message.
        dist_.unmatch();
        return EAGAIN;
    }
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
    Pending& front = pending_.front();
    if (manual_ && front.is_subscription) last_pipe_ = front.from_pipe;
    out = std::move(front.msg);
    pending_.pop_front();
    return 0;
}

bool XPub::xcan_send() {
    return !nodrop_ || dist_.all_have_room();
}

bool XPub::xcan_recv() {
    return tells_application() && !pending_.empty();
}

void XPub::xattach(PipeEnd& pipe) {
    dist_.attach(pipe);
    if (!welcome_.empty()) {
        // Ahead of everything, past the high-water mark: the pipe is new and empty.
        Message copy = welcome_;
        pipe.write_forced(copy);
    }
    // The peer may have subscribed before we were told about it.
    read_subscriptions(pipe);
}

void XPub::queue_cancel(std::string_view prefix) {
    std::string cancel(1, '\0');
    cancel += prefix;
    pending_.push_back(Pending{Message(Frame(cancel)), true, std::nullopt});
}

void XPub::xdetach(PipeEnd& pipe) {
    dist_.remove(pipe);
    if (last_pipe_ == pipe.id()) last_pipe_.reset();
    if (manual_) {
        // The application applied its own topics for this pipe; it is told of every
        // topic the peer had asked for, so that a proxy can cancel each upstream.
        requested_.remove_subscriber(
            pipe.id(), [this](std::string_view prefix, bool) { queue_cancel(prefix); });
        subscriptions_.remove_subscriber(pipe.id(), nullptr);
        return;
    }
    requested_.remove_subscriber(pipe.id(), nullptr);
    subscriptions_.remove_subscriber(pipe.id(), [this](std::string_view prefix, bool last) {
        if (tells_application() && (last || verbose_cancel_)) queue_cancel(prefix);
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
                pending_.push_back(Pending{std::move(msg), false, std::nullopt});
            } else {
                report_drop(msg, DropReason::malformed);
            }
            continue;
        }
        const std::string_view topic = msg.front().view().substr(1);
        bool tell = false;
        if (manual_) {
            // Not applied: the application decides, with SUBSCRIBE/UNSUBSCRIBE.
            if (msg.front().data()[0] == 1) {
                requested_.add(topic, pipe.id());
            } else {
                requested_.remove(topic, pipe.id());
            }
            tell = true;
        } else if (msg.front().data()[0] == 1) {
            const bool added = subscriptions_.add(topic, pipe.id());
            if (added) report_subscription(topic, true, pipe);
            tell = added || verbose_subscribe_;
        } else {
            const bool removed = subscriptions_.remove(topic, pipe.id());
            if (removed) report_subscription(topic, false, pipe);
            tell = removed || verbose_cancel_;
        }
        if (tell && tells_application())
            pending_.push_back(Pending{std::move(msg), true, pipe.id()});
    }
    if (pipe.finished()) detach(pipe.id());
}

int XPub::apply_manual_subscription(int option, std::string_view topic) {
    // As libzmq: without a pipe to act on (nothing received yet, or its peer has left)
    // the option succeeds and does nothing.
    if (!last_pipe_) return 0;
    auto it = pipes().find(*last_pipe_);
    assert(it != pipes().end() && "a departing pipe clears last_pipe_");
    const PipeEnd& pipe = *it->second;
    if (option == option::subscribe) {
        if (subscriptions_.add(topic, pipe.id())) report_subscription(topic, true, pipe);
    } else if (subscriptions_.remove(topic, pipe.id())) {
        report_subscription(topic, false, pipe);
    }
    return 0;
}

int XPub::xset_option(int option, const void* value, size_t size_bytes) {
    switch (option) {
        case option::subscribe:
        case option::unsubscribe: {
            if (!manual_) return EINVAL;
            if (value == nullptr && size_bytes != 0) return EINVAL;
            const std::string_view topic =
                size_bytes == 0 ? std::string_view()
                                : std::string_view(static_cast<const char*>(value), size_bytes);
            return apply_manual_subscription(option, topic);
        }
        case option::xpub_welcome_msg:
            if (value == nullptr && size_bytes != 0) return EINVAL;
            welcome_.clear();
            if (size_bytes > 0)
                welcome_.push_back(
                    Frame(std::string_view(static_cast<const char*>(value), size_bytes)));
            return 0;
        case option::xpub_verbose:
        case option::xpub_verboser:
        case option::xpub_nodrop:
        case option::xpub_manual:
            break;
        default:
            return EINVAL;
    }
    // Only an XPUB has an application that sees subscriptions; NODROP applies to PUB too.
    if (!tells_application() && option != option::xpub_nodrop) return EINVAL;
    if (value == nullptr || size_bytes != sizeof(int)) return EINVAL;
    int on = 0;
    std::memcpy(&on, value, sizeof(int));
    if (on < 0) return EINVAL;  // libzmq takes any positive value as "on"
    const bool enabled = on != 0;
    if (option == option::xpub_nodrop) {
        nodrop_ = enabled;
    } else if (option == option::xpub_manual) {
        manual_ = enabled;
    } else {
        // As libzmq: VERBOSE sets the subscribe half and clears the cancel half; VERBOSER
        // sets both.
        verbose_subscribe_ = enabled;
        verbose_cancel_ = option == option::xpub_verboser && enabled;
    }
    return 0;
}

int XPub::xget_option(int, void*, size_t*) const {
    return EINVAL;
}

}  // namespace sculpin
