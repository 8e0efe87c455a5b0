#include "sim/expectations.hpp"

#include <algorithm>
#include <tuple>

namespace sculpin::sim {

namespace {

// "1.234 s": millisecond precision is what a reader of narration can take in.
std::string format_time(int64_t time_ns) {
    const int64_t ms = time_ns / 1'000'000;
    std::string frac = std::to_string(ms % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    return std::to_string(ms / 1000) + "." + frac + " s";
}

std::string in_quotes(const std::string& text) {
    return "\"" + text + "\"";
}

std::string plural(int64_t n, const std::string& singular, const std::string& plural_form) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural_form);
}

// "10 messages", "at least 1 message", "no more than 0 drops", "between 3 and 5 times".
std::string bounds_phrase(const ExpectationSpec& e, const std::string& singular,
                          const std::string& plural_form) {
    if (e.min && e.max && *e.min == *e.max) return plural(*e.min, singular, plural_form);
    if (e.min && e.max) {
        return "between " + std::to_string(*e.min) + " and " + std::to_string(*e.max) + " " +
               plural_form;
    }
    if (e.min) return "at least " + plural(*e.min, singular, plural_form);
    return "no more than " + plural(e.max.value_or(0), singular, plural_form);
}

bool within(const ExpectationSpec& e, int64_t count) {
    return (!e.min || count >= *e.min) && (!e.max || count <= *e.max);
}

std::string reasons_phrase(const std::map<std::string, int64_t>& by_reason) {
    std::string out;
    for (const auto& [reason, count] : by_reason) {
        if (!out.empty()) out += ", ";
        out += reason + " " + std::to_string(count);
    }
    return out;
}

ExpectationResult check_ledger(const ExpectationSpec& e, const std::vector<TraceEvent>& events,
                               const FinalState& state) {
    ExpectationResult result{describe(e), false, ""};
    int64_t sent = 0, forked = 0, delivered = 0, dropped = 0;
    std::map<std::string, int64_t> dropped_by_reason;
    // Per message: copies made (1 at send, plus fan-out) and fates settled (deliver, drop).
    std::map<uint64_t, std::pair<int64_t, int64_t>> copies_and_settled;
    std::string first_problem;
    for (size_t i = 0; i < events.size(); ++i) {
        const TraceEvent& ev = events[i];
        bool settles = false;
        switch (ev.kind) {
            case TraceKind::send:
                ++sent;
                if (ev.message != 0) ++copies_and_settled[ev.message].first;
                break;
            case TraceKind::fork:
                forked += ev.value;
                if (ev.message != 0) copies_and_settled[ev.message].first += ev.value;
                break;
            case TraceKind::deliver:
                ++delivered;
                settles = true;
                break;
            case TraceKind::drop:
                ++dropped;
                ++dropped_by_reason[ev.detail];
                settles = true;
                break;
            default:
                break;
        }
        if (!first_problem.empty()) continue;
        if (settles && ev.message != 0) {
            auto& [copies, settled] = copies_and_settled[ev.message];
            ++settled;
            if (settled > copies) {
                first_problem = "message " + std::to_string(ev.message) + " was " +
                                (ev.kind == TraceKind::deliver ? "delivered" : "dropped") +
                                " at t=" + format_time(ev.time_ns) + " (event #" +
                                std::to_string(i) + ") but only " +
                                plural(copies, "copy", "copies") + " had been sent";
            }
        }
        if (first_problem.empty() && sent + forked - delivered - dropped < 0) {
            first_problem =
                "more messages delivered and dropped than sent at t=" + format_time(ev.time_ns) +
                " (event #" + std::to_string(i) + ")";
        }
    }
    const int64_t in_flight = sent + forked - delivered - dropped;
    std::string equation = "sent " + std::to_string(sent);
    if (forked != 0) equation += " + forked " + std::to_string(forked);
    equation +=
        " = delivered " + std::to_string(delivered) + " + dropped " + std::to_string(dropped);
    if (dropped != 0) equation += " (" + reasons_phrase(dropped_by_reason) + ")";
    equation += " + in flight " + std::to_string(in_flight);
    result.detail = equation;
    if (!first_problem.empty()) {
        result.detail += "; but " + first_problem;
    } else if (in_flight != state.observed_in_flight) {
        result.detail +=
            ", but the simulator holds " + std::to_string(state.observed_in_flight) + " in flight";
    } else {
        result.passed = true;
    }
    return result;
}

// The last lifecycle event of a node, to explain its final state.
std::string last_lifecycle(const std::string& node, const std::vector<TraceEvent>& events) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->node != node) continue;
        switch (it->kind) {
            case TraceKind::node_crash:
                return "crashed at t=" + format_time(it->time_ns);
            case TraceKind::node_exit:
                return "exited at t=" + format_time(it->time_ns) +
                       (it->detail.empty() ? "" : " (" + it->detail + ")");
            case TraceKind::node_start:
                return "started at t=" + format_time(it->time_ns);
            default:
                break;
        }
    }
    return "never started";
}

ExpectationResult check_node_state(const ExpectationSpec& e, const std::vector<TraceEvent>& events,
                                   const FinalState& state) {
    ExpectationResult result{describe(e), false, ""};
    auto it = state.nodes.find(e.node);
    if (it == state.nodes.end()) {
        result.detail = "the simulator reports no final state for " + e.node;
        return result;
    }
    const bool want_alive = e.kind == ExpectationKind::alive;
    result.passed = want_alive ? it->second.alive : it->second.exited;
    // The last lifecycle event says why: "exited at t=10.024 s", "crashed at t=3.000 s".
    const std::string last = last_lifecycle(e.node, events);
    if (it->second.alive) {
        result.detail = "running at the end (" + last + ")";
    } else if (it->second.exited) {
        result.detail = last;
    } else {
        result.detail = "not running at the end: " + last;
    }
    return result;
}

}  // namespace

std::string describe(const ExpectationSpec& e) {
    switch (e.kind) {
        case ExpectationKind::ledger_balanced:
            return "the ledger balances: sent = delivered + dropped + in flight";
        case ExpectationKind::log_contains:
            return e.node + " logs " + in_quotes(e.text);
        case ExpectationKind::log_count:
            return e.node + " logs " + in_quotes(e.text) + " " + bounds_phrase(e, "time", "times");
        case ExpectationKind::delivered:
            return e.to + " receives " + bounds_phrase(e, "message", "messages") + " from " +
                   e.from;
        case ExpectationKind::drops:
            return bounds_phrase(e, "drop", "drops") +
                   (e.reason.empty() ? std::string(" for any reason") : " for reason " + e.reason) +
                   (e.node.empty() ? "" : " at " + e.node);
        case ExpectationKind::alive:
            return e.node + " is alive at the end";
        case ExpectationKind::exited:
            return e.node + " exits by itself";
        case ExpectationKind::checker:
            return "checker " + e.name + " holds";
    }
    return "unknown expectation";
}

ExpectationResult evaluate_expectation(const ExpectationSpec& e, const Scenario& scenario,
                                       const std::vector<TraceEvent>& events,
                                       const FinalState& state, const CheckerRegistry& checkers) {
    switch (e.kind) {
        case ExpectationKind::ledger_balanced:
            return check_ledger(e, events, state);
        case ExpectationKind::log_contains:
        case ExpectationKind::log_count: {
            ExpectationResult result{describe(e), false, ""};
            int64_t count = 0, lines = 0;
            const TraceEvent* first = nullptr;
            for (const auto& ev : events) {
                if (ev.kind != TraceKind::log || ev.node != e.node) continue;
                ++lines;
                if (ev.detail.find(e.text) == std::string::npos) continue;
                ++count;
                if (!first) first = &ev;
            }
            if (e.kind == ExpectationKind::log_contains) {
                result.passed = count > 0;
                result.detail =
                    first ? "logged at t=" + format_time(first->time_ns) + ": " +
                                in_quotes(first->detail)
                          : "not among " + e.node + "'s " + plural(lines, "log line", "log lines");
            } else {
                result.passed = within(e, count);
                result.detail = "logged " + plural(count, "time", "times");
            }
            return result;
        }
        case ExpectationKind::delivered: {
            ExpectationResult result{describe(e), false, ""};
            std::map<uint64_t, bool> sent_by_from;  // message id -> settled by a drop
            int64_t received = 0, dropped = 0;
            std::map<std::string, int64_t> dropped_by_reason;
            for (const auto& ev : events) {
                if (ev.kind == TraceKind::send && ev.node == e.from && ev.message != 0) {
                    sent_by_from.emplace(ev.message, false);
                } else if (ev.kind == TraceKind::deliver && ev.node == e.to &&
                           sent_by_from.count(ev.message)) {
                    ++received;
                } else if (ev.kind == TraceKind::drop && sent_by_from.count(ev.message)) {
                    ++dropped;
                    ++dropped_by_reason[ev.detail];
                }
            }
            result.passed = within(e, received);
            result.detail =
                "received " + std::to_string(received) + "; " + e.from + " sent " +
                plural(static_cast<int64_t>(sent_by_from.size()), "message", "messages") +
                " in all";
            if (dropped != 0) {
                result.detail += ", " + std::to_string(dropped) + " of them dropped (" +
                                 reasons_phrase(dropped_by_reason) + ")";
            }
            return result;
        }
        case ExpectationKind::drops: {
            ExpectationResult result{describe(e), false, ""};
            int64_t count = 0, other = 0;
            std::map<std::string, int64_t> other_reasons;
            for (const auto& ev : events) {
                if (ev.kind != TraceKind::drop || (!e.node.empty() && ev.node != e.node)) continue;
                if (e.reason.empty() || ev.detail == e.reason) {
                    ++count;
                } else {
                    ++other;
                    ++other_reasons[ev.detail];
                }
            }
            result.passed = within(e, count);
            result.detail = "counted " + std::to_string(count);
            if (other != 0)
                result.detail += " (other reasons: " + reasons_phrase(other_reasons) + ")";
            return result;
        }
        case ExpectationKind::alive:
        case ExpectationKind::exited:
            return check_node_state(e, events, state);
        case ExpectationKind::checker: {
            auto it = checkers.find(e.name);
            if (it == checkers.end()) {
                return {describe(e), false,
                        "no checker named " + in_quotes(e.name) + " is registered"};
            }
            ExpectationResult result = it->second(scenario, events);
            if (result.description.empty()) result.description = describe(e);
            return result;
        }
    }
    return {describe(e), false, "unknown expectation kind"};
}

std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario,
                                                     const std::vector<TraceEvent>& events,
                                                     const FinalState& state,
                                                     const CheckerRegistry& checkers) {
    std::vector<ExpectationResult> results;
    results.reserve(scenario.expectations.size());
    for (const auto& e : scenario.expectations) {
        results.push_back(evaluate_expectation(e, scenario, events, state, checkers));
    }
    return results;
}

std::string narration_header(const Scenario& scenario) {
    return "Chapter " + std::to_string(scenario.chapter) + " \u00b7 " + scenario.section +
           " \u00b7 " + scenario.title;
}

namespace {

// Running totals over the trace so far, for narration placeholders.
struct Counters {
    int64_t sent = 0;
    int64_t delivered = 0;
    int64_t dropped = 0;
    std::map<std::string, int64_t> dropped_by_reason;

    void add(const TraceEvent& ev) {
        if (ev.kind == TraceKind::send) ++sent;
        if (ev.kind == TraceKind::deliver) ++delivered;
        if (ev.kind == TraceKind::drop) {
            ++dropped;
            ++dropped_by_reason[ev.detail];
        }
    }
};

// The grammar is checked at load time (narration_text_error), so anything unexpected here
// is copied through unchanged.
std::string expand(const std::string& text, int64_t time_ns, int64_t n, const TraceEvent* ev,
                   const Counters& counters) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        const size_t close = c == '{' ? text.find('}', i) : std::string::npos;
        if (close == std::string::npos) {
            out += c;
            continue;
        }
        const std::string name = text.substr(i + 1, close - i - 1);
        if (name == "t") {
            out += format_time(time_ns);
        } else if (name == "n") {
            out += std::to_string(n);
        } else if (name == "sent") {
            out += std::to_string(counters.sent);
        } else if (name == "delivered") {
            out += std::to_string(counters.delivered);
        } else if (name == "dropped") {
            out += std::to_string(counters.dropped);
        } else if (name.rfind("dropped:", 0) == 0) {
            auto it = counters.dropped_by_reason.find(name.substr(8));
            out += std::to_string(it == counters.dropped_by_reason.end() ? 0 : it->second);
        } else if (ev && name == "node") {
            out += ev->node;
        } else if (ev && name == "peer") {
            out += ev->peer;
        } else if (ev && name == "detail") {
            out += ev->detail;
        } else if (ev && name == "value") {
            out += std::to_string(ev->value);
        } else {
            out += text.substr(i, close - i + 1);
        }
        i = close;
    }
    return out;
}

bool matches(const NarrationTrigger& on, const TraceEvent& ev) {
    return ev.kind == on.kind && (on.node.empty() || ev.node == on.node) &&
           (on.peer.empty() || ev.peer == on.peer) &&
           (on.detail_contains.empty() || ev.detail.find(on.detail_contains) != std::string::npos);
}

}  // namespace

std::vector<std::pair<int64_t, std::string>> narrate(const Scenario& scenario,
                                                     const std::vector<TraceEvent>& events) {
    // (time, line index in the file, order of firing): sorting on it gives time order with
    // ties broken by the file, then by the events.
    std::vector<std::tuple<int64_t, size_t, size_t, std::string>> fired;
    std::vector<size_t> timed;  // indices of timed lines, by time then file order
    for (size_t i = 0; i < scenario.narration.size(); ++i) {
        if (scenario.narration[i].at_ms) timed.push_back(i);
    }
    std::stable_sort(timed.begin(), timed.end(), [&](size_t a, size_t b) {
        return *scenario.narration[a].at_ms < *scenario.narration[b].at_ms;
    });
    std::vector<int64_t> matches_so_far(scenario.narration.size(), 0);
    Counters counters;
    size_t next_timed = 0;
    auto fire_timed_until = [&](int64_t limit_ns, bool inclusive) {
        while (next_timed < timed.size()) {
            const size_t i = timed[next_timed];
            const int64_t at_ns = *scenario.narration[i].at_ms * 1'000'000;
            if (inclusive ? at_ns > limit_ns : at_ns >= limit_ns) break;
            fired.emplace_back(at_ns, i, fired.size(),
                               expand(scenario.narration[i].text, at_ns, 1, nullptr, counters));
            ++next_timed;
        }
    };
    for (const auto& ev : events) {
        // A timed line sees every event up to and including its own time.
        fire_timed_until(ev.time_ns, false);
        counters.add(ev);
        for (size_t i = 0; i < scenario.narration.size(); ++i) {
            const NarrationLine& line = scenario.narration[i];
            if (!line.on || !matches(*line.on, ev)) continue;
            if (line.once && matches_so_far[i] > 0) continue;
            ++matches_so_far[i];
            fired.emplace_back(ev.time_ns, i, fired.size(),
                               expand(line.text, ev.time_ns, matches_so_far[i], &ev, counters));
        }
    }
    fire_timed_until(INT64_MAX, true);
    std::sort(fired.begin(), fired.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
               std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
    });
    std::vector<std::pair<int64_t, std::string>> out;
    out.reserve(fired.size());
    for (auto& item : fired) out.emplace_back(std::get<0>(item), std::move(std::get<3>(item)));
    return out;
}

}  // namespace sculpin::sim
