#include "socket/xsub.hpp"

#include <cstring>
#include <string>

namespace sculpin {

namespace {
constexpr uint64_t kOwnSubscriptions = 0;  // the trie's one key: this socket

Message subscription_message(uint8_t command, std::string_view topic) {
    Frame frame = Frame::with_size(topic.size() + 1);
    uint8_t* bytes = frame.mutable_data();
    bytes[0] = command;
    if (!topic.empty()) std::memcpy(bytes + 1, topic.data(), topic.size());
    return Message(std::move(frame));
}
}  // namespace

XSub::XSub() : XSub(SocketType::xsub) {}

XSub::XSub(SocketType type) : Socket(type) {}

XSub::~XSub() {
    if (ahead_.present()) report_drop(ahead_.message(), DropReason::closed);
    if (fq_.read_ahead().present()) report_drop(fq_.read_ahead().message(), DropReason::closed);
    close_all_pipes();
}

void XSub::drop_finished_pipes() {
    for (uint64_t id : fq_.take_finished()) detach(id);
    for (uint64_t id : dist_.take_finished()) detach(id);
}

void XSub::subscribe(std::string_view topic, bool forward_every_subscribe) {
    const bool first = subscriptions_.add(topic, kOwnSubscriptions);
    if (first || forward_every_subscribe) dist_.send_to_all_forced(subscription_message(1, topic));
}

void XSub::unsubscribe(std::string_view topic) {
    if (subscriptions_.remove(topic, kOwnSubscriptions))
        dist_.send_to_all_forced(subscription_message(0, topic));
}

int XSub::xsend(Message& msg) {
    const Frame& first = msg.front();
    if (msg.size() == 1 && !first.empty() && (first.data()[0] == 0 || first.data()[0] == 1)) {
        // A subscription is control traffic: it is applied, not delivered or dropped.
        const std::string_view topic = first.view().substr(1);
        if (first.data()[0] == 1) {
            subscribe(topic, true);
        } else {
            unsubscribe(topic);
        }
        msg.clear();
        return 0;
    }
    report_fork(msg, dist_.size() > 0 ? dist_.size() - 1 : 0);
    if (dist_.send_to_all(msg, [this](const Message& copy, DropReason reason) {
            report_drop(copy, reason);
        }) == 0) {
        report_drop(msg, DropReason::no_peer);
        msg.clear();
    }
    drop_finished_pipes();
    return 0;
}

bool XSub::next_match(bool newest) {
    if (ahead_.present() && !newest) return true;
    Message msg;
    PipeEnd* from = nullptr;
    while (fq_.recv(msg, &from)) {
        // INVERT_MATCHING keeps what the subscriptions do not match. An XSUB passes
        // everything on, as libzmq's does: a proxy's XPUB filters for the subscribers,
        // and one with XPUB_MANUAL may have subscribed the pipe to other topics.
        if (type() == SocketType::sub &&
            subscriptions_.matches(msg.front().view()) == options_.invert_matching) {
            report_drop(msg, DropReason::filtered);
            continue;
        }
        if (ahead_.present()) report_drop(ahead_.take(), DropReason::conflated);
        ahead_.put(std::move(msg), from);
        if (!newest) break;
    }
    drop_finished_pipes();
    return ahead_.present();
}

int XSub::xrecv(Message& out) {
    if (!next_match(options_.conflate)) return EAGAIN;
    PipeEnd* from = nullptr;
    out = ahead_.take(&from);
    set_last_in(from);
    return 0;
}

bool XSub::xcan_recv() {
    return next_match(false);
}

void XSub::xattach(PipeEnd& pipe) {
    fq_.attach(pipe);
    dist_.attach(pipe);
    // A new publisher learns everything we are subscribed to.
    subscriptions_.for_each_prefix([&pipe](std::string_view topic) {
        Message msg = subscription_message(1, topic);
        pipe.write_forced(msg);
    });
}

void XSub::xdetach(PipeEnd& pipe) {
    fq_.remove(pipe);
    dist_.remove(pipe);
    ahead_.forget_pipe(pipe);
}

void XSub::xread_activated(PipeEnd& pipe) {
    fq_.activate(pipe);
}

void XSub::xwrite_activated(PipeEnd& pipe) {
    dist_.activate(pipe);
}

}  // namespace sculpin
