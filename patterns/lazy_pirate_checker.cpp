#include "patterns/lazy_pirate_checker.hpp"

#include <charconv>
#include <cstdlib>

#include "node/node.hpp"

namespace sculpin::patterns {

namespace {

using sim::TraceEvent;
using sim::TraceKind;

constexpr int64_t kNsPerMs = 1'000'000;
constexpr size_t kViolationsShown = 3;

// A sequence number as the client sends it ("17"); -1 if the text is not one.
int64_t parse_sequence(std::string_view text) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size() && value > 0 ? value : -1;
}

std::string ms_text(int64_t ns) {
    const int64_t us = ns / 1000;
    std::string text = std::to_string(us / 1000);
    if (us % 1000 != 0) {
        std::string frac = std::to_string(std::llabs(us % 1000));
        text += "." + std::string(3 - frac.size(), '0') + frac;
    }
    return text + " ms";
}

std::string at_text(int64_t ns) {
    return "t=" + ms_text(ns);
}

class Checker {
public:
    Checker(int retries, int64_t timeout_ms, int64_t tolerance_ms)
        : retries_(retries),
          timeout_ns_(timeout_ms * kNsPerMs),
          tolerance_ns_(tolerance_ms * kNsPerMs) {}

    void observe(const TraceEvent& e) {
        switch (e.kind) {
            case TraceKind::node_start:
            case TraceKind::node_crash:
                reset();
                break;
            case TraceKind::node_exit:
                if (current_ != 0 && !abandoned_)
                    violate(e, "the client exited while request " + std::to_string(current_) +
                                   " was waiting for its reply");
                reset();
                break;
            case TraceKind::socket_close:
                if (retry_pending_ && e.socket == send_socket_) closed_old_ = true;
                break;
            case TraceKind::socket_open:
                if (retry_pending_ && closed_old_) opened_new_ = true;
                break;
            case TraceKind::send:
                on_send(e);
                break;
            case TraceKind::deliver:
                on_deliver(e);
                break;
            case TraceKind::mark:
                on_mark(e);
                break;
            default:
                break;
        }
    }

    void finish(int64_t end_ns) {
        if (current_ != 0 && !abandoned_) {
            const int64_t waited = end_ns - poll_start_ns_;
            if (waited > timeout_ns_ + tolerance_ns_) {
                violations_.push_back("request " + std::to_string(current_) + " (try " +
                                      std::to_string(tries_) + ") waited " + ms_text(waited) +
                                      " by the end of the trace with no reply, retry or abandon");
            } else {
                pending_note_ = "request " + std::to_string(current_) +
                                " still waiting at the end of the trace";
            }
        }
    }

    bool sent_any() const { return sent_any_; }
    bool passed() const { return violations_.empty(); }

    std::string detail() const {
        if (!violations_.empty()) {
            std::string text;
            for (size_t i = 0; i < violations_.size() && i < kViolationsShown; ++i) {
                if (i > 0) text += "; ";
                text += violations_[i];
            }
            if (violations_.size() > kViolationsShown)
                text += " (and " + std::to_string(violations_.size() - kViolationsShown) + " more)";
            return text;
        }
        std::string text = std::to_string(answered_) + " request" + (answered_ == 1 ? "" : "s") +
                           " answered, " + std::to_string(retries_seen_) + " retr" +
                           (retries_seen_ == 1 ? "y" : "ies") + ", " + std::to_string(malformed_) +
                           " malformed repl" + (malformed_ == 1 ? "y" : "ies");
        if (abandons_ > 0)
            text += "; abandoned request " + std::to_string(abandoned_sequence_) + " after " +
                    std::to_string(retries_) + " tries, " + ms_text(timeout_ns_) + " apart";
        if (!pending_note_.empty()) text += "; " + pending_note_;
        return text;
    }

private:
    void reset() {
        next_sequence_ = 1;
        current_ = 0;
        tries_ = 0;
        retry_pending_ = false;
        closed_old_ = false;
        opened_new_ = false;
        have_deliver_ = false;
        abandoned_ = false;
    }

    void violate(const TraceEvent& e, std::string what) {
        violations_.push_back(at_text(e.time_ns) + ": " + std::move(what));
    }

    void check_gap(const TraceEvent& e, const std::string& what) {
        const int64_t gap = e.time_ns - poll_start_ns_;
        if (gap < timeout_ns_ - tolerance_ns_ || gap > timeout_ns_ + tolerance_ns_)
            violate(e, what + " came " + ms_text(gap) + " after try " + std::to_string(tries_) +
                           " of request " + std::to_string(current_) + " was sent, not " +
                           ms_text(timeout_ns_));
    }

    void start_try(const TraceEvent& e) {
        ++tries_;
        poll_start_ns_ = e.time_ns;
        send_socket_ = e.socket;
        retry_pending_ = false;
        have_deliver_ = false;
    }

    void on_send(const TraceEvent& e) {
        sent_any_ = true;
        const int64_t sequence = parse_sequence(e.detail);
        if (abandoned_) {
            violate(e, "request \"" + e.detail + "\" sent after the client abandoned");
            return;
        }
        if (current_ == 0) {
            if (sequence != next_sequence_)
                violate(e, "request \"" + e.detail + "\" sent; expected request " +
                               std::to_string(next_sequence_));
            current_ = sequence > 0 ? sequence : next_sequence_;
            tries_ = 0;
            start_try(e);
            return;
        }
        if (sequence != current_) {
            violate(e, "request \"" + e.detail + "\" sent while request " +
                           std::to_string(current_) + " still waits for its own reply");
            current_ = sequence > 0 ? sequence : current_;
            tries_ = 0;
            start_try(e);
            return;
        }
        if (!retry_pending_) {
            violate(e, "request " + std::to_string(current_) + " resent before it timed out");
        } else if (!closed_old_ || !opened_new_ || e.socket == send_socket_) {
            violate(e, "request " + std::to_string(current_) + " resent (try " +
                           std::to_string(tries_ + 1) +
                           ") without closing and reopening the socket");
        }
        start_try(e);
    }

    void on_deliver(const TraceEvent& e) {
        if (current_ == 0) return;  // nothing is waiting: cannot be taken (checked at the mark)
        have_deliver_ = true;
        last_deliver_ = e.detail;
        if (parse_sequence(e.detail) != current_) {
            ++malformed_;
            poll_start_ns_ = e.time_ns;  // the book polls again with a full timeout
        }
    }

    void on_mark(const TraceEvent& e) {
        const size_t colon = e.detail.find(": ");
        const std::string what = e.detail.substr(0, colon);
        const std::string arg = colon == std::string::npos ? "" : e.detail.substr(colon + 2);
        if (what == "reply") {
            const int64_t sequence = parse_sequence(arg);
            if (current_ == 0) {
                violate(e, "reply \"" + arg + "\" taken while no request was waiting");
            } else if (sequence != current_) {
                violate(e, "reply \"" + arg + "\" taken for request " + std::to_string(current_));
            } else if (!have_deliver_ || parse_sequence(last_deliver_) != current_) {
                violate(e, "reply " + arg + " taken, but the client received " +
                               (have_deliver_ ? "\"" + last_deliver_ + "\"" : "nothing") +
                               " since its last send");
            }
            ++answered_;
            next_sequence_ = (current_ > 0 ? current_ : next_sequence_) + 1;
            current_ = 0;
            tries_ = 0;
            retry_pending_ = false;
        } else if (what == "retry") {
            ++retries_seen_;
            if (current_ == 0) {
                violate(e, "retry while no request was waiting");
                return;
            }
            if (retry_pending_)
                violate(e, "retry of request " + std::to_string(current_) +
                               " although the previous retry sent nothing");
            check_gap(e, "retry " + arg);
            if (tries_ >= retries_)
                violate(e, "request " + std::to_string(current_) + " retried after " +
                               std::to_string(tries_) + " tries; the limit is " +
                               std::to_string(retries_));
            const int64_t number = parse_sequence(arg.substr(0, arg.find(' ')));
            if (number != tries_ + 1)
                violate(e, "retry announced as \"" + arg + "\" is try " +
                               std::to_string(tries_ + 1) + " of request " +
                               std::to_string(current_));
            retry_pending_ = true;
            closed_old_ = false;
            opened_new_ = false;
        } else if (what == "abandon") {
            ++abandons_;
            if (current_ == 0) {
                violate(e, "abandon while no request was waiting");
                return;
            }
            if (retry_pending_)
                violate(e, "abandon of request " + std::to_string(current_) +
                               " although the previous retry sent nothing");
            check_gap(e, "abandon");
            if (tries_ != retries_)
                violate(e, "request " + std::to_string(current_) + " abandoned after " +
                               std::to_string(tries_) + " tr" + (tries_ == 1 ? "y" : "ies") +
                               ", not after exactly " + std::to_string(retries_));
            abandoned_ = true;
            abandoned_sequence_ = current_;
        }
    }

    const int retries_;
    const int64_t timeout_ns_;
    const int64_t tolerance_ns_;

    int64_t next_sequence_ = 1;
    int64_t current_ = 0;  // the request in progress, 0 if none
    int tries_ = 0;
    int64_t poll_start_ns_ = 0;
    int send_socket_ = 0;
    bool retry_pending_ = false;
    bool closed_old_ = false;
    bool opened_new_ = false;
    bool have_deliver_ = false;
    std::string last_deliver_;
    bool abandoned_ = false;
    bool sent_any_ = false;

    int64_t answered_ = 0;
    int64_t retries_seen_ = 0;
    int64_t malformed_ = 0;
    int64_t abandons_ = 0;
    int64_t abandoned_sequence_ = 0;
    std::string pending_note_;
    std::vector<std::string> violations_;
};

}  // namespace

sim::ExpectationResult check_lazy_pirate(const std::vector<sim::TraceEvent>& events,
                                         const std::string& client_node, int retries,
                                         int64_t timeout_ms, int64_t tolerance_ms) {
    sim::ExpectationResult result;
    result.description = "lazy pirate client " + client_node +
                         ": every request gets its own reply, or the client abandons after "
                         "exactly " +
                         std::to_string(retries) + " tries " + std::to_string(timeout_ms) +
                         " ms apart";
    Checker checker(retries, timeout_ms, tolerance_ms);
    int64_t end_ns = 0;
    for (const auto& e : events) {
        if (e.time_ns > end_ns) end_ns = e.time_ns;
        if (e.node == client_node) checker.observe(e);
    }
    checker.finish(end_ns);
    if (!checker.sent_any()) {
        result.passed = false;
        result.detail = "client " + client_node + " sent no request";
        return result;
    }
    result.passed = checker.passed();
    result.detail = checker.detail();
    return result;
}

sim::ExpectationResult check_lazy_pirate_scenario(const sim::Scenario& scenario,
                                                  const std::vector<sim::TraceEvent>& events) {
    sim::ExpectationResult result;
    result.description =
        "every Lazy Pirate request gets its own reply, or its client abandons "
        "after exactly REQUEST_RETRIES tries, REQUEST_TIMEOUT apart";
    result.passed = true;
    int clients = 0;
    for (const auto& node : scenario.nodes) {
        if (node.program != "lazy-pirate-client") continue;
        ++clients;
        const Params params(node.params);
        const auto one = check_lazy_pirate(events, node.name,
                                           static_cast<int>(params.get_int("request_retries", 3)),
                                           params.get_int("request_timeout_ms", 2500));
        if (!one.passed) result.passed = false;
        if (!result.detail.empty()) result.detail += "; ";
        result.detail += node.name + ": " + one.detail;
    }
    if (clients == 0) {
        result.passed = false;
        result.detail = "the scenario has no node running lazy-pirate-client";
    }
    return result;
}

}  // namespace sculpin::patterns
