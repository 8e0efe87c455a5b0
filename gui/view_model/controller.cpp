#include "gui/view_model/controller.hpp"

#include <algorithm>
#include <cmath>

#include "sim/expectations.hpp"

namespace sculpin::gui {

Controller::Controller(sim::ProgramLookup programs) : programs_(std::move(programs)) {}

void Controller::load(const sim::Scenario& scenario) {
    scenario_ = scenario;
    playing = false;
    now_ = 0;
    carry_ns_ = 0;
    rebuild_reference();
    rebuild_live();
}

void Controller::rebuild_reference() {
    frames_.clear();
    foreign_trace_ = false;
    sim::ScenarioRun reference(scenario_, programs_);
    reference.run_to_end();
    events_ = reference.simulation().trace().events();
    hash_ = reference.simulation().trace().hash().hex();
    flights_ = build_flights(scenario_, events_);
    ledger_ = sim::Ledger();
    for (const auto& e : events_) ledger_.observe(e);
    narration_ = sim::narrate(scenario_, events_);
}

void Controller::show_trace(std::vector<sim::TraceEvent> events) {
    frames_.clear();
    foreign_trace_ = true;
    events_ = std::move(events);
    sim::TraceHash hash;
    for (const auto& e : events_) hash.add(e);
    hash_ = hash.hex();
    flights_ = build_flights(scenario_, events_);
    ledger_ = sim::Ledger();
    for (const auto& e : events_) ledger_.observe(e);
    narration_ = sim::narrate(scenario_, events_);
    count_until_now();
}

void Controller::rebuild_live() {
    live_ = std::make_unique<sim::ScenarioRun>(scenario_, programs_);
    live_->run_until(now_);
    ++rebuilds_;
    count_until_now();
}

void Controller::count_until_now() {
    until_now_ = static_cast<size_t>(
        std::upper_bound(events_.begin(), events_.end(), now_,
                         [](int64_t t, const sim::TraceEvent& e) { return t < e.time_ns; }) -
        events_.begin());
}

void Controller::seek(int64_t time_ns) {
    time_ns = std::clamp<int64_t>(time_ns, 0, end());
    if (!live_) return;
    if (time_ns < now_) {
        now_ = time_ns;
        rebuild_live();
        return;
    }
    now_ = time_ns;
    live_->run_until(now_);
    count_until_now();
}

bool Controller::step_event() {
    if (until_now_ >= events_.size()) return false;
    seek(events_[until_now_].time_ns);
    return true;
}

bool Controller::step_delivery() {
    for (size_t i = until_now_; i < events_.size(); ++i) {
        if (events_[i].kind == sim::TraceKind::deliver) {
            seek(events_[i].time_ns);
            return true;
        }
    }
    return false;
}

void Controller::tick(double wall_seconds) {
    if (!playing || !live_) return;
    carry_ns_ += wall_seconds * speed * 1e9;
    const double whole = std::floor(carry_ns_);
    carry_ns_ -= whole;
    seek(now_ + static_cast<int64_t>(whole));
    if (now_ >= end()) playing = false;
}

const std::vector<std::string>& Controller::frames_of(uint64_t id) {
    auto cached = frames_.find(id);
    if (cached != frames_.end()) return cached->second;
    std::vector<std::string>& frames = frames_[id];
    const auto send = std::find_if(events_.begin(), events_.end(), [id](const sim::TraceEvent& e) {
        return e.kind == sim::TraceKind::send && e.message == id;
    });
    if (send == events_.end() || foreign_trace_) return frames;
    // Deterministic: a fresh run of the same scenario sends the same message at the same time.
    sim::ScenarioRun rerun(scenario_, programs_);
    rerun.simulation().on_message_sent([&frames, id](uint64_t sent_id, const Message& msg) {
        if (sent_id != id) return;
        frames.clear();
        for (size_t i = 0; i < msg.size(); ++i) frames.push_back(msg[i].str());
    });
    rerun.run_until(send->time_ns);
    return frames;
}

std::string Controller::inject(FaultCommand command) {
    command.at_ms = now_ / sim::kNsPerMs;
    sim::Scenario changed = scenario_;
    std::string error = record_fault(changed, command);
    if (!error.empty()) return error;
    scenario_ = std::move(changed);
    rebuild_reference();
    rebuild_live();
    return "";
}

}  // namespace sculpin::gui
